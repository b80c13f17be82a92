import type { LabelSet, LabelVersion } from '../../../core/contract/labels.js';
import type { TrainingTask } from '../../../core/contract/training.js';

/** A frozen label version offered as a target, with the set it belongs to. */
export interface LabelTarget {
  readonly set: LabelSet;
  readonly version: LabelVersion;
}

/** The task a label set trains as, or why it cannot be a target. */
export type LabelTask =
  { readonly ok: true; readonly task: TrainingTask } | { readonly ok: false; readonly reason: string };

/**
 * Single-label sets classify (binary for two classes, image classification on images), score sets
 * regress. Multi-label sets, and scores on images (a CNN only classifies), are not trainable yet.
 */
export function labelTaskOf(set: Pick<LabelSet, 'task' | 'classes'>, images: boolean): LabelTask {
  switch (set.task) {
    case 'single':
      if (images) return { ok: true, task: 'image_classification' };
      return { ok: true, task: set.classes.length === 2 ? 'binary' : 'multiclass' };
    case 'score':
      return images
        ? { ok: false, reason: 'scores on images cannot be trained yet: the CNN only classifies' }
        : { ok: true, task: 'regression' };
    case 'multi':
      return { ok: false, reason: 'multi-label sets cannot be trained yet' };
  }
}

/** Class counts, largest first, each with its share of the items: "circle 40 (33%)". */
export function classBalance(
  version: Pick<LabelVersion, 'classCounts' | 'itemCount'>,
): { name: string; count: number; share: number }[] {
  const total = Math.max(1, version.itemCount);
  return Object.entries(version.classCounts)
    .map(([name, count]) => ({ name, count, share: count / total }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
