import type { SearchConfig, TrainingConfig } from '../contract/index.js';

/** A seeded PRNG (mulberry32): the same search seed proposes the same trials. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` configs drawn from the search space around `base` (random search). */
export function proposeTrials(base: TrainingConfig, search: SearchConfig): TrainingConfig[] {
  const random = prng(search.seed);
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)]!;
  const { space } = search;
  return Array.from({ length: search.trials }, (_, i) => {
    const trial: TrainingConfig = structuredClone(base);
    trial.name = `${base.name ?? 'trial'} #${i + 1}`;
    trial.seed = base.seed + i;
    if (space.learningRate) {
      const { min, max, log } = space.learningRate;
      const u = random();
      trial.optimizer = {
        ...trial.optimizer,
        learningRate: log
          ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)))
          : min + u * (max - min),
      };
    }
    if (space.batchSize) trial.batchSize = pick(space.batchSize);
    if (trial.model.kind === 'mlp') {
      if (space.layers) trial.model = { ...trial.model, layers: [...pick(space.layers)] };
      if (space.dropout)
        trial.model = {
          ...trial.model,
          dropout: space.dropout.min + random() * (space.dropout.max - space.dropout.min),
        };
    }
    return trial;
  });
}

/**
 * Successive halving's rounds for `trials` candidates and a full budget of `epochs`: each round
 * keeps the better half and doubles the epochs, ending with one candidate at the full budget.
 */
export function halvingRounds(trials: number, epochs: number): { keep: number; epochs: number }[] {
  const rounds: { keep: number; epochs: number }[] = [];
  let alive = trials;
  const count = Math.max(1, Math.ceil(Math.log2(trials)));
  for (let r = 0; r < count; r++) {
    rounds.push({ keep: alive, epochs: Math.max(1, Math.round(epochs / 2 ** (count - 1 - r))) });
    alive = Math.max(1, Math.ceil(alive / 2));
  }
  return rounds;
}

export function isLowerBetter(metric: SearchConfig['metric']): boolean {
  return metric === 'val_loss' || metric === 'val_rmse';
}
