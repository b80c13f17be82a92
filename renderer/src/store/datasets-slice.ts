import type { Dataset, DatasetProfile, DatasetVersion } from '../../../core/contract/schemas.js';
import type { SliceCreator } from './types.js';

export type DataTab = 'grid' | 'profile' | 'validation' | 'label';

export interface DatasetsSlice {
  datasetsByProject: Readonly<Record<string, readonly Dataset[]>>;
  /** Newest first, as the engine lists them. */
  versionsByDataset: Readonly<Record<string, readonly DatasetVersion[]>>;
  selectedVersionId: string | null;
  profiles: Readonly<Record<string, DatasetProfile>>;
  dataTab: DataTab;
  loadDatasets(projectId: string): Promise<void>;
  selectVersion(versionId: string): void;
  loadProfile(versionId: string): Promise<void>;
  setDataTab(tab: DataTab): void;
}

/** The selected version, looked up across every loaded dataset. */
export function selectedVersion(state: {
  versionsByDataset: Readonly<Record<string, readonly DatasetVersion[]>>;
  selectedVersionId: string | null;
}): DatasetVersion | null {
  if (state.selectedVersionId === null) return null;
  for (const versions of Object.values(state.versionsByDataset)) {
    const found = versions.find((version) => version.id === state.selectedVersionId);
    if (found) return found;
  }
  return null;
}

export const createDatasetsSlice: SliceCreator<DatasetsSlice> =
  ({ api }) =>
  (set, get) => ({
    datasetsByProject: {},
    versionsByDataset: {},
    selectedVersionId: null,
    profiles: {},
    dataTab: 'grid',
    loadDatasets: async (projectId) => {
      try {
        const datasets = await api.datasets.list({ projectId });
        const versionLists = await Promise.all(
          datasets.map((dataset) => api.datasets.versions({ datasetId: dataset.id })),
        );
        set((state) => {
          const versionsByDataset = { ...state.versionsByDataset };
          datasets.forEach((dataset, index) => {
            versionsByDataset[dataset.id] = versionLists[index] ?? [];
          });
          return {
            datasetsByProject: { ...state.datasetsByProject, [projectId]: datasets },
            versionsByDataset,
          };
        });
      } catch (error) {
        get().reportError(error);
      }
    },
    selectVersion: (versionId) => {
      if (get().selectedVersionId === versionId) return;
      set({ selectedVersionId: versionId, dataTab: 'grid', chartColumn: null });
      get().resetGrid();
    },
    loadProfile: async (versionId) => {
      if (get().profiles[versionId]) return;
      try {
        const profile = await api.datasets.profile({ versionId });
        set((state) => ({ profiles: { ...state.profiles, [versionId]: profile } }));
      } catch (error) {
        get().reportError(error);
      }
    },
    setDataTab: (tab) => set({ dataTab: tab }),
  });
