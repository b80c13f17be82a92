import type { OrchardApi } from '../../../core/contract/client.js';
import { RpcError } from '../../../core/contract/client.js';
import { LabelImportReport } from '../../../core/contract/labels.js';
import type {
  AgreementReport,
  FreezePolicy,
  LabelExportFormat,
  LabelSet,
  LabelSetDefinition,
  LabelValue,
  LabelVersion,
  QueueOrder,
  ReviewItem,
} from '../../../core/contract/labels.js';
import type { Job } from '../../../core/contract/schemas.js';
import { newAnnotationId } from '../labelling/annotation-id.js';
import { createLabelSessionSlice } from './label-session-slice.js';
import type { LabelSessionSlice } from './label-session-slice.js';
import type { SliceCreator } from './types.js';

export type LabelMode = 'focus' | 'grid';
export type LabelPanel = 'review' | 'history' | 'agreement' | 'versions';

/** An export of a label version: under way, written (with where), or failed. */
export type LabelExport =
  | { readonly state: 'running' }
  | { readonly state: 'done'; readonly path: string; readonly fileName: string }
  | { readonly state: 'failed'; readonly message: string };

export type LabelImport =
  | { readonly state: 'running'; readonly fileName: string }
  | { readonly state: 'done'; readonly fileName: string; readonly report: LabelImportReport }
  | { readonly state: 'failed'; readonly fileName: string; readonly message: string };

export interface LabelSetsSlice {
  /** Who is labelling; remembered in this browser (localStorage) once given. */
  annotator: string | null;
  labelSetsByVersion: Readonly<Record<string, readonly LabelSet[]>>;
  activeLabelSetId: string | null;
  labelOrder: QueueOrder;
  labelMode: LabelMode;
  labelPanel: LabelPanel | null;
  keymapOpen: boolean;
  agreement: AgreementReport | null;
  reviewQueue: { readonly items: readonly ReviewItem[]; readonly total: number } | null;
  labelVersions: readonly LabelVersion[];
  freezing: boolean;
  /** By `labelVersionId:format`, and `annotations:labelSetId` for a set's whole history. */
  labelExports: Readonly<Record<string, LabelExport>>;
  labelImport: LabelImport | null;
  setAnnotator(name: string): void;
  loadLabelSets(versionId: string): Promise<void>;
  /** Resolves true when the engine made the set (it becomes the open one). */
  createLabelSet(versionId: string, definition: LabelSetDefinition): Promise<boolean>;
  openLabelSet(labelSetId: string | null): void;
  setLabelOrder(order: QueueOrder): void;
  setLabelMode(mode: LabelMode): void;
  toggleLabelPanel(panel: LabelPanel): void;
  setKeymapOpen(open: boolean): void;
  loadAgreement(): Promise<void>;
  loadReviewQueue(): Promise<void>;
  reviewItem(item: ReviewItem, value: LabelValue): Promise<void>;
  loadLabelVersions(): Promise<void>;
  freezeLabels(policy: FreezePolicy): Promise<LabelVersion | null>;
  exportLabelVersion(labelVersionId: string, format: LabelExportFormat): Promise<void>;
  /** Every annotation of the open set, all annotators, as JSONL for a colleague to merge (Import labels reads it). */
  exportAnnotations(): Promise<void>;
  importLabels(file: File): Promise<void>;
}

export type LabelsSlice = LabelSetsSlice & LabelSessionSlice;

const annotatorKey = 'orchard.annotator';

function rememberedAnnotator(): string | null {
  try {
    const name = globalThis.localStorage?.getItem(annotatorKey)?.trim();
    return name ? name : null;
  } catch {
    // Storage can be switched off; then the view asks each time.
    return null;
  }
}

const finalStatuses = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** Resolves with the job once it ended, whether the event or our own look arrives first. */
export function waitForJob(api: OrchardApi, jobId: string): Promise<Job> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (job: Job): void => {
      if (done) return;
      done = true;
      stop();
      resolve(job);
    };
    const stop = api.on('job.finished', ({ job }) => {
      if (job.id === jobId) finish(job);
    });
    void api.jobs
      .get({ jobId })
      .then((job) => {
        if (finalStatuses.has(job.status)) finish(job);
      })
      .catch(() => undefined);
  });
}

function jobFailure(job: Job): string {
  return job.error?.message ?? `The job stopped before it finished (${job.status}).`;
}

/** The file a finished export wrote, from its result (a path, or a folder for ImageNet trees). */
function exportedPath(job: Job): string | null {
  const result = job.result ?? {};
  for (const key of ['path', 'outputPath', 'file']) {
    const value = result[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

function importReport(job: Job): LabelImportReport | null {
  const direct = LabelImportReport.safeParse(job.result);
  if (direct.success) return direct.data;
  const nested = LabelImportReport.safeParse(job.result?.['report']);
  return nested.success ? nested.data : null;
}

const createLabelSetsSlice: SliceCreator<LabelSetsSlice> =
  ({ api, files }) =>
  (set, get) => {
    const activeSet = (): string | null => get().activeLabelSetId;

    /** Runs an export job, keeping its state under `key` in `labelExports`. */
    const runExport = async (key: string, start: () => Promise<{ jobId: string }>): Promise<void> => {
      const setExport = (value: LabelExport): void =>
        set((state) => ({ labelExports: { ...state.labelExports, [key]: value } }));
      setExport({ state: 'running' });
      try {
        const { jobId } = await start();
        const job = await waitForJob(api, jobId);
        const path = exportedPath(job);
        if (job.status !== 'succeeded' || path === null) {
          setExport({
            state: 'failed',
            message: job.status === 'succeeded' ? 'No file named.' : jobFailure(job),
          });
          return;
        }
        setExport({ state: 'done', path, fileName: path.split(/[\\/]/).at(-1) ?? path });
      } catch (error) {
        setExport({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
        get().reportError(error);
      }
    };
    return {
      annotator: rememberedAnnotator(),
      labelSetsByVersion: {},
      activeLabelSetId: null,
      labelOrder: { kind: 'sequential' },
      labelMode: 'focus',
      labelPanel: null,
      keymapOpen: false,
      agreement: null,
      reviewQueue: null,
      labelVersions: [],
      freezing: false,
      labelExports: {},
      labelImport: null,
      setAnnotator: (name) => {
        const trimmed = name.trim();
        if (trimmed === '') return;
        try {
          globalThis.localStorage?.setItem(annotatorKey, trimmed);
        } catch {
          // Not remembered; still used for this page.
        }
        set({ annotator: trimmed });
      },
      loadLabelSets: async (versionId) => {
        try {
          const sets = await api.labels.sets({ datasetVersionId: versionId });
          set((state) => {
            const active = sets.some((labelSet) => labelSet.id === state.activeLabelSetId)
              ? state.activeLabelSetId
              : (sets.at(-1)?.id ?? null);
            return {
              labelSetsByVersion: { ...state.labelSetsByVersion, [versionId]: sets },
              activeLabelSetId: active,
            };
          });
        } catch (error) {
          get().reportError(error);
        }
      },
      createLabelSet: async (versionId, definition) => {
        try {
          const labelSet = await api.labels.createSet({ datasetVersionId: versionId, definition });
          set((state) => ({
            labelSetsByVersion: {
              ...state.labelSetsByVersion,
              [versionId]: [...(state.labelSetsByVersion[versionId] ?? []), labelSet],
            },
          }));
          get().openLabelSet(labelSet.id);
          return true;
        } catch (error) {
          get().reportError(error);
          return false;
        }
      },
      openLabelSet: (labelSetId) => {
        if (labelSetId === get().activeLabelSetId) return;
        set({
          activeLabelSetId: labelSetId,
          labelOrder: { kind: 'sequential' },
          agreement: null,
          reviewQueue: null,
          labelVersions: [],
          labelImport: null,
          labelSession: null,
          labelProgress: null,
        });
      },
      setLabelOrder: (order) => set({ labelOrder: order }),
      setLabelMode: (mode) => set({ labelMode: mode }),
      toggleLabelPanel: (panel) =>
        set((state) => ({ labelPanel: state.labelPanel === panel ? null : panel })),
      setKeymapOpen: (open) => set({ keymapOpen: open }),
      loadAgreement: async () => {
        const labelSetId = activeSet();
        if (labelSetId === null) return;
        try {
          const report = await api.labels.agreement({ labelSetId });
          if (activeSet() === labelSetId) set({ agreement: report });
        } catch (error) {
          get().reportError(error);
        }
      },
      loadReviewQueue: async () => {
        const labelSetId = activeSet();
        if (labelSetId === null) return;
        try {
          const queue = await api.labels.reviewQueue({ labelSetId, limit: 50 });
          if (activeSet() === labelSetId) set({ reviewQueue: queue });
        } catch (error) {
          get().reportError(error);
        }
      },
      reviewItem: async (item, value) => {
        const { annotator } = get();
        const labelSetId = activeSet();
        if (labelSetId === null || annotator === null) return;
        try {
          await api.labels.review({
            labelSetId,
            reviewer: annotator,
            id: newAnnotationId(),
            rowId: item.rowId,
            value,
            expectedSeq: item.review?.seq ?? null,
          });
          set((state) => {
            const queue = state.reviewQueue;
            if (!queue) return state;
            return {
              reviewQueue: {
                items: queue.items.filter((entry) => entry.rowId !== item.rowId),
                total: Math.max(0, queue.total - 1),
              },
            };
          });
        } catch (error) {
          if (error instanceof RpcError && error.code === 'conflict') {
            get().reportError(
              new Error(
                `Another reviewer decided item ${item.rowId} while you looked at it; the list now shows their review.`,
              ),
            );
            await get().loadReviewQueue();
          } else get().reportError(error);
        }
      },
      loadLabelVersions: async () => {
        const labelSetId = activeSet();
        if (labelSetId === null) return;
        try {
          const versions = await api.labels.versions({ labelSetId });
          if (activeSet() === labelSetId) set({ labelVersions: versions });
        } catch (error) {
          get().reportError(error);
        }
      },
      freezeLabels: async (policy) => {
        const labelSetId = activeSet();
        if (labelSetId === null || get().freezing) return null;
        set({ freezing: true });
        try {
          const version = await api.labels.freeze({ labelSetId, policy });
          set((state) => ({
            labelVersions: [version, ...state.labelVersions.filter((entry) => entry.id !== version.id)],
          }));
          return version;
        } catch (error) {
          get().reportError(error);
          return null;
        } finally {
          set({ freezing: false });
        }
      },
      exportLabelVersion: (labelVersionId, format) =>
        runExport(`${labelVersionId}:${format}`, () => api.labels.export({ labelVersionId, format })),
      exportAnnotations: async () => {
        const labelSetId = activeSet();
        if (labelSetId === null) return;
        await runExport(`annotations:${labelSetId}`, () => api.labels.exportAnnotations({ labelSetId }));
      },
      importLabels: async (file) => {
        const labelSetId = activeSet();
        if (labelSetId === null) return;
        const fileName = file.name;
        set({ labelImport: { state: 'running', fileName } });
        try {
          const path = await files.pathForFile(file);
          // Lines naming no annotator count as the file's (the engine's default), not as mine.
          const { jobId } = await api.labels.import({ labelSetId, path });
          const job = await waitForJob(api, jobId);
          const report = importReport(job);
          if (job.status !== 'succeeded' || report === null) {
            set({
              labelImport: {
                state: 'failed',
                fileName,
                message: job.status === 'succeeded' ? 'The engine sent no import report.' : jobFailure(job),
              },
            });
            return;
          }
          set({ labelImport: { state: 'done', fileName, report } });
          void get().refreshLabelProgress();
        } catch (error) {
          set({
            labelImport: {
              state: 'failed',
              fileName,
              message: error instanceof Error ? error.message : String(error),
            },
          });
        }
      },
    };
  };

/** Labelling: label sets, who is labelling, the keyboard session, review, agreement and versions. */
export const createLabelsSlice: SliceCreator<LabelsSlice> = (deps) => (set, get, store) => ({
  ...createLabelSetsSlice(deps)(set, get, store),
  ...createLabelSessionSlice(deps)(set, get, store),
});
