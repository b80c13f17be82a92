import type { EventPayload } from '../../../core/contract/events.js';
import type { ColumnType, ImportPreview, Job, JobStatus } from '../../../core/contract/schemas.js';
import type { SliceCreator } from './types.js';

/** The import dialog: first while the file is uploaded and inspected, then with its columns. */
export type ImportDraft =
  | { readonly stage: 'preparing'; readonly fileName: string }
  | {
      readonly stage: 'ready';
      readonly fileName: string;
      readonly path: string;
      readonly preview: ImportPreview;
      readonly datasetName: string;
      /** Column name → type chosen in the dialog (starts as the inferred type). */
      readonly columnTypes: Readonly<Record<string, ColumnType>>;
    };

export interface TrackedJob {
  readonly id: string;
  readonly kind: string;
  /** What the user started, in their words ("Import credit-applications.csv"). */
  readonly label: string;
  readonly status: JobStatus;
  readonly progress: number;
  readonly message: string;
  readonly projectId: string | null;
  readonly datasetName: string | null;
}

export interface JobsSlice {
  importDraft: ImportDraft | null;
  jobs: Readonly<Record<string, TrackedJob>>;
  importFile(file: File): Promise<void>;
  importPickedFile(): Promise<void>;
  setDraftColumnType(column: string, type: ColumnType): void;
  setDraftDatasetName(name: string): void;
  closeImportDraft(): void;
  confirmImport(): Promise<void>;
  /** Follow a job the engine started (progress in the job panel; its finish handled by kind). */
  trackJob(job: TrackedJob): void;
  cancelJob(jobId: string): Promise<void>;
  dismissJob(jobId: string): void;
  onJobProgress(payload: EventPayload<'job.progress'>): void;
  onJobFinished(job: Job): void;
  /** After a reconnect: events may have been missed, so ask for every unfinished job. */
  refreshJobs(): Promise<void>;
}

const finalStatuses: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

// `job.finished` can arrive before the `datasets.import` answer that names the job.
const finishedEarly = new Map<string, Job>();

function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function versionIdOf(job: Job): string | null {
  const value = job.result?.['versionId'];
  return typeof value === 'string' ? value : null;
}

export const createJobsSlice: SliceCreator<JobsSlice> =
  ({ api, files }) =>
  (set, get) => {
    const inspect = async (fileName: string, path: string): Promise<void> => {
      const preview = await api.datasets.inspect({ path });
      // The user may have cancelled while the file was uploading.
      if (get().importDraft?.fileName !== fileName) return;
      set({
        importDraft: {
          stage: 'ready',
          fileName,
          path,
          preview,
          datasetName: fileStem(fileName),
          columnTypes: Object.fromEntries(preview.columns.map((column) => [column.name, column.type])),
        },
      });
    };

    const finishImport = async (tracked: TrackedJob, job: Job): Promise<void> => {
      if (tracked.projectId === null) return;
      await get().loadDatasets(tracked.projectId);
      if (get().selectedProjectId !== tracked.projectId) return;
      let versionId = versionIdOf(job);
      if (versionId === null) {
        const dataset = get().datasetsByProject[tracked.projectId]?.find(
          (d) => d.name === tracked.datasetName,
        );
        versionId = dataset?.latestVersionId ?? null;
      }
      if (versionId !== null) get().selectVersion(versionId);
    };

    return {
      importDraft: null,
      jobs: {},
      importFile: async (file) => {
        set({ importDraft: { stage: 'preparing', fileName: file.name } });
        try {
          const path = await files.pathForFile(file);
          await inspect(file.name, path);
        } catch (error) {
          if (get().importDraft?.fileName === file.name) set({ importDraft: null });
          get().reportError(error);
        }
      },
      importPickedFile: async () => {
        try {
          const path = await files.pickDataFile();
          if (path === null) return;
          const fileName = path.split(/[\\/]/).at(-1) ?? path;
          set({ importDraft: { stage: 'preparing', fileName } });
          await inspect(fileName, path);
        } catch (error) {
          set({ importDraft: null });
          get().reportError(error);
        }
      },
      setDraftColumnType: (column, type) =>
        set((state) => {
          const draft = state.importDraft;
          if (draft?.stage !== 'ready') return state;
          return { importDraft: { ...draft, columnTypes: { ...draft.columnTypes, [column]: type } } };
        }),
      setDraftDatasetName: (name) =>
        set((state) => {
          const draft = state.importDraft;
          if (draft?.stage !== 'ready') return state;
          return { importDraft: { ...draft, datasetName: name } };
        }),
      closeImportDraft: () => set({ importDraft: null }),
      confirmImport: async () => {
        const draft = get().importDraft;
        const projectId = get().selectedProjectId;
        if (draft?.stage !== 'ready' || projectId === null) return;
        // Send only the types the user changed, so the engine's own inference stays in charge elsewhere.
        const overrides = Object.fromEntries(
          draft.preview.columns
            .filter((column) => draft.columnTypes[column.name] !== column.type)
            .map((column) => [column.name, draft.columnTypes[column.name] ?? column.type]),
        );
        const datasetName = draft.datasetName.trim() || fileStem(draft.fileName);
        set({ importDraft: null });
        try {
          const { jobId } = await api.datasets.import({
            projectId,
            path: draft.path,
            datasetName,
            ...(Object.keys(overrides).length > 0 ? { options: { columnTypes: overrides } } : {}),
          });
          const tracked: TrackedJob = {
            id: jobId,
            kind: 'import',
            label: `Import ${draft.fileName}`,
            status: 'queued',
            progress: 0,
            message: 'Waiting to start…',
            projectId,
            datasetName,
          };
          get().trackJob(tracked);
        } catch (error) {
          get().reportError(error);
        }
      },
      trackJob: (tracked) => {
        set((state) => ({ jobs: { ...state.jobs, [tracked.id]: tracked } }));
        const early = finishedEarly.get(tracked.id);
        finishedEarly.delete(tracked.id);
        if (early) get().onJobFinished(early);
      },
      cancelJob: async (jobId) => {
        try {
          const job = await api.jobs.cancel({ jobId });
          if (finalStatuses.has(job.status)) get().onJobFinished(job);
          else
            set((state) => {
              const tracked = state.jobs[jobId];
              if (!tracked) return state;
              return { jobs: { ...state.jobs, [jobId]: { ...tracked, message: 'Cancelling…' } } };
            });
        } catch (error) {
          get().reportError(error);
        }
      },
      dismissJob: (jobId) =>
        set((state) => {
          const { [jobId]: _dismissed, ...rest } = state.jobs;
          return { jobs: rest };
        }),
      onJobProgress: (payload) =>
        set((state) => {
          const tracked = state.jobs[payload.jobId];
          if (!tracked || finalStatuses.has(tracked.status)) return state;
          return {
            jobs: {
              ...state.jobs,
              [payload.jobId]: {
                ...tracked,
                status: 'running',
                progress: payload.progress,
                message: payload.message,
              },
            },
          };
        }),
      onJobFinished: (job) => {
        const tracked = get().jobs[job.id];
        if (!tracked) {
          finishedEarly.set(job.id, job);
          if (finishedEarly.size > 50) finishedEarly.delete(finishedEarly.keys().next().value ?? '');
          return;
        }
        if (finalStatuses.has(tracked.status)) return;
        if (job.status === 'succeeded') {
          get().dismissJob(job.id);
          if (tracked.kind === 'validation') void get().finishValidationRun(job);
          else void finishImport(tracked, job);
          return;
        }
        if (tracked.kind === 'validation') get().forgetValidationJob(job.id);
        if (job.status === 'failed' || job.status === 'interrupted') {
          get().dismissJob(job.id);
          get().reportError(
            new Error(job.error?.message ?? `${tracked.label} stopped before it finished (${job.status}).`),
          );
          return;
        }
        // Cancelled: keep the row so the user sees it stopped, until they dismiss it.
        set((state) => ({
          jobs: { ...state.jobs, [job.id]: { ...tracked, status: job.status, message: 'Cancelled.' } },
        }));
      },
      refreshJobs: async () => {
        const open = Object.values(get().jobs).filter((job) => !finalStatuses.has(job.status));
        for (const tracked of open) {
          try {
            const job = await api.jobs.get({ jobId: tracked.id });
            if (finalStatuses.has(job.status)) get().onJobFinished(job);
            else
              get().onJobProgress({
                jobId: job.id,
                kind: job.kind,
                progress: job.progress,
                message: job.message,
              });
          } catch (error) {
            get().reportError(error);
          }
        }
      },
    };
  };
