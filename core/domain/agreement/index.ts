export { agreementPerClass, cohensKappa, fleissKappa, krippendorffAlphaNominal } from './agreement.js';
export type { ClassAgreement, CohensKappa, FleissKappa, KrippendorffAlpha, Label } from './agreement.js';
