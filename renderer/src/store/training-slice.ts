import { RpcError } from '../../../core/contract/client.js';
import type { EventPayload } from '../../../core/contract/events.js';
import { methods } from '../../../core/contract/methods.js';
import type { ResultOf } from '../../../core/contract/methods.js';
import type { Job } from '../../../core/contract/schemas.js';
import type {
  EpochMetrics,
  ModelVersion,
  Run,
  SearchConfig,
  TrainingConfig,
} from '../../../core/contract/training.js';
import type { SliceCreator } from './types.js';

/** What the main area shows: the open dataset version, or one of the training pages. */
export type MainPage =
  | { readonly kind: 'data' }
  /** `fromRunId`: start from that run's config ("Train again"). */
  | { readonly kind: 'train'; readonly versionId: string; readonly fromRunId?: string }
  | { readonly kind: 'runs' }
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'compare'; readonly runIds: readonly string[] }
  | { readonly kind: 'models' }
  | { readonly kind: 'model'; readonly modelVersionId: string };

export type TrainingBackends = ResultOf<'training.backends'>;

/** A start the validation gate refused; kept so it can be re-sent with an override reason. */
export type GatedRequest =
  | { readonly kind: 'run'; readonly config: TrainingConfig }
  | { readonly kind: 'search'; readonly config: TrainingConfig; readonly search: SearchConfig };

export interface GateFailure {
  readonly message: string;
  readonly request: GatedRequest;
}

interface TrainingJob {
  readonly runId: string;
  readonly projectId: string;
  readonly search: boolean;
}

export interface TrainingSlice {
  page: MainPage;
  backends: TrainingBackends | null;
  runsByProject: Readonly<Record<string, readonly Run[]>>;
  /** Search run id → its trials, newest first. */
  trialsByParent: Readonly<Record<string, readonly Run[]>>;
  /** Runs looked at one by one (fresher than the project list). */
  runs: Readonly<Record<string, Run>>;
  /** Epochs heard over `run.epoch` since the run was last read; merged with `Run.epochs` when shown. */
  liveEpochs: Readonly<Record<string, readonly EpochMetrics[]>>;
  modelsByProject: Readonly<Record<string, readonly ModelVersion[]>>;
  models: Readonly<Record<string, ModelVersion>>;
  trainingJobs: Readonly<Record<string, TrainingJob>>;
  gateFailure: GateFailure | null;
  startingRun: boolean;
  /** Run ids ticked in the runs table for Compare, in the order they were ticked. */
  compareSelection: readonly string[];
  showPage(page: MainPage): void;
  loadBackends(): Promise<void>;
  /** Resolves with the new run's id, or null when it did not start (gate, invalid config). */
  startRun(config: TrainingConfig, overrideReason?: string): Promise<string | null>;
  startSearch(config: TrainingConfig, search: SearchConfig, overrideReason?: string): Promise<string | null>;
  overrideGate(reason: string): Promise<void>;
  dismissGateFailure(): void;
  cancelRun(run: Run): Promise<void>;
  loadRuns(projectId: string): Promise<void>;
  loadTrials(parentRunId: string): Promise<void>;
  loadRun(runId: string): Promise<void>;
  loadModels(projectId: string): Promise<void>;
  loadModel(modelVersionId: string): Promise<void>;
  toggleCompare(runId: string): void;
  clearCompare(): void;
  onRunEpoch(payload: EventPayload<'run.epoch'>): void;
  onTrainingJobProgress(payload: EventPayload<'job.progress'>): void;
  onTrainingJobFinished(job: Job): void;
}

const maxCompared = 5;
// Trials of a search appear while it runs; re-reading them on every epoch would flood the engine.
const trialRefreshMs = 1000;

function runIdOf(job: Job): string | null {
  const value = job.result?.['runId'];
  return typeof value === 'string' ? value : null;
}

export const createTrainingSlice: SliceCreator<TrainingSlice> =
  ({ api }) =>
  (set, get) => {
    const lastTrialRefresh = new Map<string, number>();

    const storeRun = (run: Run): void =>
      set((state) => {
        const live = state.liveEpochs[run.id];
        // Epochs the engine now reports need not be kept twice.
        const known = new Set(run.epochs.map((epoch) => epoch.epoch));
        const stillLive = live?.filter((epoch) => !known.has(epoch.epoch)) ?? [];
        return {
          runs: { ...state.runs, [run.id]: run },
          liveEpochs: { ...state.liveEpochs, [run.id]: stillLive },
        };
      });

    const refreshTrialsSoon = (parentRunId: string): void => {
      const now = Date.now();
      if (now - (lastTrialRefresh.get(parentRunId) ?? 0) < trialRefreshMs) return;
      lastTrialRefresh.set(parentRunId, now);
      void get().loadTrials(parentRunId);
    };

    const begin = async (
      request: GatedRequest,
      overrideReason: string | undefined,
    ): Promise<string | null> => {
      const projectId = get().selectedProjectId;
      if (projectId === null || get().startingRun) return null;
      set({ startingRun: true });
      const gateOverride = overrideReason !== undefined ? { reason: overrideReason } : undefined;
      try {
        const { runId, jobId } =
          request.kind === 'run'
            ? await api.runs.start({ config: request.config, ...(gateOverride ? { gateOverride } : {}) })
            : await api.runs.search({
                config: request.config,
                search: request.search,
                ...(gateOverride ? { gateOverride } : {}),
              });
        set((state) => ({
          gateFailure: null,
          trainingJobs: {
            ...state.trainingJobs,
            [jobId]: { runId, projectId, search: request.kind === 'search' },
          },
        }));
        const name = request.config.name ?? (request.kind === 'search' ? 'search' : 'model');
        get().trackJob({
          id: jobId,
          kind: request.kind === 'search' ? 'training-search' : 'training',
          label: request.kind === 'search' ? `Search ${name}` : `Train ${name}`,
          status: 'queued',
          progress: 0,
          message: 'Waiting to start…',
          // Null: the jobs slice has nothing to open when it finishes; this slice does.
          projectId: null,
          datasetName: null,
        });
        get().showPage({ kind: 'run', runId });
        await get().loadRun(runId);
        void get().loadRuns(projectId);
        return runId;
      } catch (error) {
        if (error instanceof RpcError && error.code === 'gate_failed') {
          set({ gateFailure: { message: error.message, request } });
        } else {
          get().reportError(error);
        }
        return null;
      } finally {
        set({ startingRun: false });
      }
    };

    return {
      page: { kind: 'data' },
      backends: null,
      runsByProject: {},
      trialsByParent: {},
      runs: {},
      liveEpochs: {},
      modelsByProject: {},
      models: {},
      trainingJobs: {},
      gateFailure: null,
      startingRun: false,
      compareSelection: [],
      showPage: (page) => set({ page }),
      loadBackends: async () => {
        try {
          // Checked on arrival: the picker would otherwise fail on an answer of the wrong shape.
          const parsed = methods['training.backends'].result.safeParse(await api.training.backends());
          if (!parsed.success) {
            const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
            get().reportError(
              new Error(`The engine's list of training backends is not in the expected shape (${problems}).`),
            );
            return;
          }
          set({ backends: parsed.data });
        } catch (error) {
          get().reportError(error);
        }
      },
      startRun: (config, overrideReason) => begin({ kind: 'run', config }, overrideReason),
      startSearch: (config, search, overrideReason) =>
        begin({ kind: 'search', config, search }, overrideReason),
      overrideGate: async (reason) => {
        const failure = get().gateFailure;
        if (!failure) return;
        await begin(failure.request, reason);
      },
      dismissGateFailure: () => set({ gateFailure: null }),
      cancelRun: async (run) => {
        if (run.jobId === null) return;
        await get().cancelJob(run.jobId);
        await get().loadRun(run.id);
      },
      loadRuns: async (projectId) => {
        try {
          const runs = await api.runs.list({ projectId });
          set((state) => ({ runsByProject: { ...state.runsByProject, [projectId]: runs } }));
        } catch (error) {
          get().reportError(error);
        }
      },
      loadTrials: async (parentRunId) => {
        try {
          const trials = await api.runs.list({
            projectId: get().runs[parentRunId]?.projectId ?? get().selectedProjectId ?? '',
            parentRunId,
          });
          set((state) => ({ trialsByParent: { ...state.trialsByParent, [parentRunId]: trials } }));
        } catch (error) {
          get().reportError(error);
        }
      },
      loadRun: async (runId) => {
        try {
          storeRun(await api.runs.get({ runId }));
        } catch (error) {
          get().reportError(error);
        }
      },
      loadModels: async (projectId) => {
        try {
          const models = await api.models.list({ projectId });
          set((state) => ({
            modelsByProject: { ...state.modelsByProject, [projectId]: models },
            models: { ...state.models, ...Object.fromEntries(models.map((model) => [model.id, model])) },
          }));
        } catch (error) {
          get().reportError(error);
        }
      },
      loadModel: async (modelVersionId) => {
        try {
          const model = await api.models.get({ modelVersionId });
          set((state) => ({ models: { ...state.models, [model.id]: model } }));
        } catch (error) {
          get().reportError(error);
        }
      },
      toggleCompare: (runId) =>
        set((state) => {
          if (state.compareSelection.includes(runId))
            return { compareSelection: state.compareSelection.filter((id) => id !== runId) };
          if (state.compareSelection.length >= maxCompared) return state;
          return { compareSelection: [...state.compareSelection, runId] };
        }),
      clearCompare: () => set({ compareSelection: [] }),
      onRunEpoch: ({ runId, epoch }) => {
        set((state) => {
          const live = (state.liveEpochs[runId] ?? []).filter((known) => known.epoch !== epoch.epoch);
          return { liveEpochs: { ...state.liveEpochs, [runId]: [...live, epoch] } };
        });
        // An epoch of a run this page does not know yet is likely a new trial of a running search.
        if (get().runs[runId]) return;
        for (const pending of Object.values(get().trainingJobs))
          if (pending.search) refreshTrialsSoon(pending.runId);
      },
      onTrainingJobProgress: (payload) => {
        const pending = get().trainingJobs[payload.jobId];
        if (pending?.search) refreshTrialsSoon(pending.runId);
      },
      onTrainingJobFinished: (job) => {
        const pending = get().trainingJobs[job.id];
        const runId = pending?.runId ?? (job.kind.startsWith('runs.') ? runIdOf(job) : null);
        if (runId === null) return;
        if (pending)
          set((state) => {
            const { [job.id]: _finished, ...rest } = state.trainingJobs;
            return { trainingJobs: rest };
          });
        const projectId = pending?.projectId ?? get().selectedProjectId;
        void (async () => {
          await get().loadRun(runId);
          const modelVersionId = get().runs[runId]?.modelVersionId ?? null;
          if (modelVersionId !== null) await get().loadModel(modelVersionId);
          if (pending?.search) await get().loadTrials(runId);
          if (projectId !== null) await Promise.all([get().loadRuns(projectId), get().loadModels(projectId)]);
        })();
      },
    };
  };
