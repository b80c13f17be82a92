import { useApp } from '../store/app-store.js';

/** "credit-applications v2" for a dataset version id, from the datasets loaded in the sidebar. */
export function useVersionLabel(versionId: string): string {
  return useApp((state) => {
    for (const [datasetId, versions] of Object.entries(state.versionsByDataset)) {
      const version = versions.find((candidate) => candidate.id === versionId);
      if (!version) continue;
      const dataset = Object.values(state.datasetsByProject)
        .flat()
        .find((candidate) => candidate.id === datasetId);
      return `${dataset?.name ?? 'dataset'} v${version.number}`;
    }
    return versionId === '' ? '' : `version ${versionId.slice(0, 8)}`;
  });
}
