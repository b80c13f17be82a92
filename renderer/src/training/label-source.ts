import { useEffect, useState } from 'react';
import { useApp, useDeps } from '../store/app-store.js';
import type { LabelTarget } from './label-target.js';

/** The frozen label versions of a dataset version: loading, loaded, or why not. */
export type LabelTargets =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly targets: readonly LabelTarget[] }
  | { readonly state: 'failed' };

/**
 * Every label version of every label set on a dataset version, set by set (oldest set first,
 * newest version first). Read here rather than through the labels slice, whose loader also moves
 * the labelling view's open set.
 */
export function useLabelTargets(datasetVersionId: string): LabelTargets {
  const { api } = useDeps();
  const reportError = useApp((state) => state.reportError);
  const [targets, setTargets] = useState<LabelTargets>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setTargets({ state: 'loading' });
    void (async () => {
      try {
        const sets = await api.labels.sets({ datasetVersionId });
        const versions = await Promise.all(sets.map((set) => api.labels.versions({ labelSetId: set.id })));
        if (!current) return;
        setTargets({
          state: 'ready',
          targets: sets.flatMap((set, index) => (versions[index] ?? []).map((version) => ({ set, version }))),
        });
      } catch (error) {
        if (!current) return;
        setTargets({ state: 'failed' });
        reportError(error);
      }
    })();
    return () => {
      current = false;
    };
  }, [api, datasetVersionId, reportError]);
  return targets;
}

/** Where a run's labels came from: the set's name and the version number. */
export interface LabelOrigin {
  readonly setName: string;
  readonly number: number;
}

/** The label set and version number behind a label version id; null while unknown or without one. */
export function useLabelOrigin(labelVersionId: string | undefined): LabelOrigin | null {
  const { api } = useDeps();
  const [origin, setOrigin] = useState<{ id: string; origin: LabelOrigin } | null>(null);
  useEffect(() => {
    if (labelVersionId === undefined) return;
    let current = true;
    void (async () => {
      try {
        const version = await api.labels.version({ labelVersionId });
        const set = await api.labels.getSet({ labelSetId: version.labelSetId });
        if (current) setOrigin({ id: labelVersionId, origin: { setName: set.name, number: version.number } });
      } catch {
        // The run view still names the label version by id; a missing set is not worth an error panel.
      }
    })();
    return () => {
      current = false;
    };
  }, [api, labelVersionId]);
  return origin !== null && origin.id === labelVersionId ? origin.origin : null;
}
