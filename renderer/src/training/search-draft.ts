import { SearchConfig } from '../../../core/contract/training.js';
import { issuesOf, num, parseSizes } from './config-draft.js';
import type { Built, EarlyStoppingMetric, TrainDraft } from './config-draft.js';

/** The search variant of the form: ranges around the draft's own values. */
export interface SearchDraft {
  readonly strategy: 'random' | 'successive_halving';
  readonly trials: string;
  readonly metric: EarlyStoppingMetric;
  readonly learningRateMin: string;
  readonly learningRateMax: string;
  /** "64,128,256" */
  readonly batchSizes: string;
  /** Layer options separated by `;`: "32; 64,64; 128,64". */
  readonly layerOptions: string;
  readonly dropoutMin: string;
  readonly dropoutMax: string;
  readonly seed: string;
}

export const defaultSearchDraft: SearchDraft = {
  strategy: 'random',
  trials: '8',
  metric: 'val_loss',
  learningRateMin: '0.0001',
  learningRateMax: '0.01',
  batchSizes: '64,128,256',
  layerOptions: '32; 64,64; 128,64',
  dropoutMin: '0',
  dropoutMax: '0.3',
  seed: '7',
};

/** Layer options "32; 64,64" → [[32], [64, 64]]; null when one is malformed. */
export function parseLayerOptions(text: string): number[][] | null {
  const options = text
    .split(';')
    .map((option) => option.trim())
    .filter((option) => option !== '');
  const parsed = options.map(parseSizes);
  return parsed.every((sizes): sizes is number[] => sizes !== null) ? parsed : null;
}

export function buildSearch(draft: SearchDraft, modelKind: TrainDraft['modelKind']): Built<SearchConfig> {
  const batchSizes = draft.batchSizes.trim() === '' ? [] : parseSizes(draft.batchSizes);
  const layerOptions = draft.layerOptions.trim() === '' ? [] : parseLayerOptions(draft.layerOptions);
  const problems: string[] = [];
  if (batchSizes === null)
    problems.push(`Batch sizes must be whole numbers like "64,128" (got "${draft.batchSizes}").`);
  if (layerOptions === null)
    problems.push(
      `Layer options must be sizes separated by ";", like "32; 64,64" (got "${draft.layerOptions}").`,
    );
  if (problems.length > 0 || batchSizes === null || layerOptions === null) return { ok: false, problems };
  const candidate = {
    strategy: draft.strategy,
    trials: num(draft.trials),
    metric: draft.metric,
    seed: num(draft.seed),
    space: {
      learningRate: { min: num(draft.learningRateMin), max: num(draft.learningRateMax), log: true },
      ...(batchSizes.length > 0 ? { batchSize: batchSizes } : {}),
      // Layer sizes and dropout only mean something for an MLP (the engine varies nothing else).
      ...(modelKind === 'mlp' && layerOptions.length > 0 ? { layers: layerOptions } : {}),
      ...(modelKind === 'mlp' ? { dropout: { min: num(draft.dropoutMin), max: num(draft.dropoutMax) } } : {}),
    },
  };
  const parsed = SearchConfig.safeParse(candidate);
  if (!parsed.success) return { ok: false, problems: issuesOf(parsed.error) };
  const range = parsed.data.space.learningRate;
  if (range && range.min > range.max)
    return { ok: false, problems: ['The learning rate range is upside down: min is above max.'] };
  return { ok: true, value: parsed.data };
}
