import type { EpochMetrics, Run, TrainingConfig } from '../../../core/contract/training.js';

/** The engine's epochs plus any heard live since, one per epoch number, in order. */
export function mergedEpochs(
  run: Run | undefined,
  live: readonly EpochMetrics[] | undefined,
): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const epoch of run?.epochs ?? []) byEpoch.set(epoch.epoch, epoch);
  for (const epoch of live ?? []) if (!byEpoch.has(epoch.epoch)) byEpoch.set(epoch.epoch, epoch);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** "MLP 64-64, dropout 0.2" / "Linear". */
export function describeModel(config: TrainingConfig): string {
  const model = config.model;
  if (model.kind === 'linear') return 'Linear';
  if (model.kind === 'cnn') return `CNN ${model.filters.join('-')}`;
  const extras = [
    model.dropout > 0 ? `dropout ${model.dropout}` : null,
    model.batchNorm ? 'batch norm' : null,
  ].filter((extra) => extra !== null);
  return `MLP ${model.layers.join('-')}${extras.length > 0 ? `, ${extras.join(', ')}` : ''}`;
}

export function isActive(run: Run): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** Metric names seen in epochs without the `val_` prefix: `loss`, `accuracy`, `auc`… */
export function baseMetricNames(epochs: readonly EpochMetrics[]): string[] {
  const names = new Set<string>();
  for (const epoch of epochs)
    for (const key of Object.keys(epoch.metrics)) names.add(key.startsWith('val_') ? key.slice(4) : key);
  return [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
}

/** Lower is better for losses and errors; higher for the rest. */
export function lowerIsBetter(metric: string): boolean {
  return /loss|rmse|mae|mse|error|ece/i.test(metric);
}

/** A trial's score for a search metric: its best validation value over the epochs. */
export function bestValue(epochs: readonly EpochMetrics[], metric: string): number | null {
  const values = epochs.map((epoch) => epoch.metrics[metric]).filter((value) => value !== undefined);
  if (values.length === 0) return null;
  return lowerIsBetter(metric) ? Math.min(...values) : Math.max(...values);
}

/** A config as `key → text` with dotted keys (`optimizer.learningRate`), for side-by-side diffs. */
export function flattenConfig(value: unknown, prefix = ''): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { [prefix]: Array.isArray(value) ? value.join(', ') : String(value) };
  }
  const flat: Record<string, string> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (inner === undefined) continue;
    Object.assign(flat, flattenConfig(inner, prefix === '' ? key : `${prefix}.${key}`));
  }
  return flat;
}

/** Summary metrics shown in tables, most useful first. */
export function summaryKeys(runs: readonly Run[]): string[] {
  const preferred = ['rocAuc', 'auc', 'accuracy', 'balancedAccuracy', 'f1', 'logLoss', 'rmse', 'mae', 'r2'];
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.summary)) keys.add(key);
  return [...keys].sort((a, b) => {
    const ia = preferred.indexOf(a);
    const ib = preferred.indexOf(b);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
  });
}

const metricLabels: Readonly<Record<string, string>> = {
  rocAuc: 'ROC AUC',
  prAuc: 'PR AUC',
  auc: 'AUC',
  accuracy: 'Accuracy',
  balancedAccuracy: 'Balanced acc.',
  logLoss: 'Log loss',
  ece: 'ECE',
  f1: 'F1',
  rmse: 'RMSE',
  mae: 'MAE',
  r2: 'R²',
  loss: 'Loss',
};

export function metricLabel(key: string): string {
  if (key.startsWith('val_')) return `val ${metricLabel(key.slice(4))}`;
  return metricLabels[key] ?? key;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * Short names for runs shown side by side: their own names when those differ, otherwise a number
 * and the settings that set them apart ("#2 learningRate=0.01"), since default names often repeat.
 */
export function compareLabels(runs: readonly Run[]): string[] {
  if (new Set(runs.map((run) => run.name)).size === runs.length) return runs.map((run) => run.name);
  const flat = runs.map((run) => flattenConfig({ ...run.config, name: undefined }));
  const keys = [...new Set(flat.flatMap((config) => Object.keys(config)))].filter(
    (key) => new Set(flat.map((config) => config[key])).size > 1,
  );
  return flat.map((config, index) => {
    const parts = keys.slice(0, 2).map((key) => `${key.split('.').at(-1) ?? key}=${config[key] ?? '—'}`);
    return [`#${index + 1}`, ...parts].join(' ');
  });
}
