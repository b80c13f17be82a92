import type { SearchConfig, TrainingConfig } from '../contract/index.js';
import { mulberry32 } from '../domain/prng.js';

/** `count` configs drawn from the search space around `base` (random search). */
export function proposeTrials(base: TrainingConfig, search: SearchConfig): TrainingConfig[] {
  const random = mulberry32(search.seed);
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
 * keeps the better half and doubles the epochs; the last round trains the final two (or fewer) at the
 * full budget, and the best of them wins.
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
