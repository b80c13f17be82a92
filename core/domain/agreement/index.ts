export {
  agreementPerClass,
  cohensKappa,
  fleissKappa,
  krippendorffAlphaInterval,
  krippendorffAlphaNominal,
} from './agreement.js';
export type { ClassAgreement, CohensKappa, FleissKappa, KrippendorffAlpha, Label } from './agreement.js';
