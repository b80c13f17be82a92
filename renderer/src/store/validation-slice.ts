import type { DatasetVersion, Job } from '../../../core/contract/schemas.js';
import type {
  Check,
  LeakageReport,
  Suite,
  SuiteDefinition,
  SuiteVersion,
  ValidationRun,
} from '../../../core/contract/validation.js';
import { definitionProblems } from '../validation/check-fields.js';
import type { SliceCreator } from './types.js';

export type ValidationStatus = 'passed' | 'failed';

/** The suite being edited on the Validation tab: a suggestion, an opened suite or an uploaded file. */
export interface SuiteEditor {
  readonly datasetId: string;
  /** Null until the suite is first saved; saving again with it makes the next suite version. */
  readonly suiteId: string | null;
  /** The saved version this draft is (or started from); runs use it, so edits must be saved first. */
  readonly savedVersion: SuiteVersion | null;
  readonly definition: SuiteDefinition;
  /** One stable key per check, so React keeps each row's half-typed inputs while rows come and go. */
  readonly checkKeys: readonly number[];
  readonly dirty: boolean;
}

interface PendingRun {
  readonly versionId: string;
  readonly datasetId: string;
}

export interface ValidationSlice {
  suitesByDataset: Readonly<Record<string, readonly Suite[]>>;
  suiteEditor: SuiteEditor | null;
  suggestingSuite: boolean;
  savingSuite: boolean;
  /** The newest run of each version looked at; null when it was never validated. */
  latestRuns: Readonly<Record<string, ValidationRun | null>>;
  /** Validation jobs in flight, by job id. */
  validationJobs: Readonly<Record<string, PendingRun>>;
  /** Dataset id → version id → that version's latest validation status (absent: never validated). */
  validationStatus: Readonly<Record<string, Readonly<Record<string, ValidationStatus>>>>;
  leakageReport: LeakageReport | null;
  checkingLeakage: boolean;
  loadSuites(datasetId: string): Promise<void>;
  openSuite(suite: Suite): void;
  suggestSuite(version: DatasetVersion): Promise<void>;
  setSuiteName(name: string): void;
  updateCheck(index: number, check: Check): void;
  addCheck(check: Check): void;
  removeCheck(index: number): void;
  /** Replace the whole definition (the YAML view, an uploaded file); keeps the suite it belongs to. */
  replaceDefinition(datasetId: string, definition: SuiteDefinition): void;
  /** Resolves true when the engine saved it. */
  saveSuite(): Promise<boolean>;
  setSuiteRequired(suiteId: string, required: boolean): Promise<void>;
  runSuite(version: DatasetVersion): Promise<void>;
  finishValidationRun(job: Job): Promise<void>;
  forgetValidationJob(jobId: string): void;
  loadLatestRun(versionId: string): Promise<void>;
  loadValidationStatus(datasetId: string): Promise<void>;
  checkLeakage(leftVersionId: string, rightVersionId: string, idColumn: string | null): Promise<void>;
  clearLeakage(): void;
}

let nextCheckKey = 1;

function keysFor(checks: readonly Check[]): number[] {
  return checks.map(() => nextCheckKey++);
}

function runIdOf(job: Job): string | null {
  const value = job.result?.['runId'];
  return typeof value === 'string' ? value : null;
}

export const createValidationSlice: SliceCreator<ValidationSlice> =
  ({ api }) =>
  (set, get) => {
    const editSuite = (change: (editor: SuiteEditor) => Partial<SuiteEditor>): void =>
      set((state) => {
        const editor = state.suiteEditor;
        if (!editor) return state;
        return { suiteEditor: { ...editor, ...change(editor), dirty: true } };
      });

    const storeSuite = (suite: Suite): void =>
      set((state) => {
        const others = (state.suitesByDataset[suite.datasetId] ?? []).filter((s) => s.id !== suite.id);
        return { suitesByDataset: { ...state.suitesByDataset, [suite.datasetId]: [suite, ...others] } };
      });

    return {
      suitesByDataset: {},
      suiteEditor: null,
      suggestingSuite: false,
      savingSuite: false,
      latestRuns: {},
      validationJobs: {},
      validationStatus: {},
      leakageReport: null,
      checkingLeakage: false,
      loadSuites: async (datasetId) => {
        try {
          const suites = await api.validation.suites({ datasetId });
          set((state) => ({ suitesByDataset: { ...state.suitesByDataset, [datasetId]: suites } }));
          // Open the newest suite unless something of this dataset is already being edited.
          const first = suites[0];
          if (first && get().suiteEditor?.datasetId !== datasetId) get().openSuite(first);
        } catch (error) {
          get().reportError(error);
        }
      },
      openSuite: (suite) =>
        set({
          suiteEditor: {
            datasetId: suite.datasetId,
            suiteId: suite.id,
            savedVersion: suite.latestVersion,
            definition: suite.latestVersion.definition,
            checkKeys: keysFor(suite.latestVersion.definition.checks),
            dirty: false,
          },
        }),
      suggestSuite: async (version) => {
        set({ suggestingSuite: true });
        try {
          const definition = await api.validation.suggest({ versionId: version.id });
          // A suggestion is a new suite; open an existing one from the suite list to make a new version.
          set({
            suiteEditor: {
              datasetId: version.datasetId,
              suiteId: null,
              savedVersion: null,
              definition,
              checkKeys: keysFor(definition.checks),
              dirty: true,
            },
          });
        } catch (error) {
          get().reportError(error);
        } finally {
          set({ suggestingSuite: false });
        }
      },
      setSuiteName: (name) => editSuite((editor) => ({ definition: { ...editor.definition, name } })),
      updateCheck: (index, check) =>
        editSuite((editor) => ({
          definition: {
            ...editor.definition,
            checks: editor.definition.checks.map((old, i) => (i === index ? check : old)),
          },
        })),
      addCheck: (check) =>
        editSuite((editor) => ({
          definition: { ...editor.definition, checks: [...editor.definition.checks, check] },
          checkKeys: [...editor.checkKeys, nextCheckKey++],
        })),
      removeCheck: (index) =>
        editSuite((editor) => ({
          definition: {
            ...editor.definition,
            checks: editor.definition.checks.filter((_check, i) => i !== index),
          },
          checkKeys: editor.checkKeys.filter((_key, i) => i !== index),
        })),
      replaceDefinition: (datasetId, definition) =>
        set((state) => {
          const editor = state.suiteEditor?.datasetId === datasetId ? state.suiteEditor : null;
          return {
            suiteEditor: {
              datasetId,
              suiteId: editor?.suiteId ?? null,
              savedVersion: editor?.savedVersion ?? null,
              definition,
              checkKeys: keysFor(definition.checks),
              dirty: true,
            },
          };
        }),
      saveSuite: async () => {
        const editor = get().suiteEditor;
        if (!editor || get().savingSuite) return false;
        const problems = definitionProblems(editor.definition);
        if (problems.length > 0) {
          get().reportError(new Error(`The suite cannot be saved yet:\n${problems.join('\n')}`));
          return false;
        }
        set({ savingSuite: true });
        try {
          const suite = await api.validation.saveSuite({
            datasetId: editor.datasetId,
            definition: editor.definition,
            ...(editor.suiteId !== null ? { suiteId: editor.suiteId } : {}),
          });
          storeSuite(suite);
          // Edits made while the save was on its way stay unsaved.
          set((state) => {
            const current = state.suiteEditor;
            if (!current || current.datasetId !== editor.datasetId) return state;
            return {
              suiteEditor: {
                ...current,
                suiteId: suite.id,
                savedVersion: suite.latestVersion,
                dirty: current.definition !== editor.definition,
              },
            };
          });
          return true;
        } catch (error) {
          get().reportError(error);
          return false;
        } finally {
          set({ savingSuite: false });
        }
      },
      setSuiteRequired: async (suiteId, required) => {
        try {
          storeSuite(await api.validation.setRequired({ suiteId, required }));
        } catch (error) {
          get().reportError(error);
        }
      },
      runSuite: async (version) => {
        const editor = get().suiteEditor;
        if (!editor?.savedVersion || editor.dirty) return;
        try {
          const { jobId } = await api.validation.run({
            versionId: version.id,
            suiteVersionId: editor.savedVersion.id,
          });
          // Recorded before tracking: a job that already finished is handled inside `trackJob`.
          set((state) => ({
            validationJobs: {
              ...state.validationJobs,
              [jobId]: { versionId: version.id, datasetId: version.datasetId },
            },
          }));
          get().trackJob({
            id: jobId,
            kind: 'validation',
            label: `Validate v${version.number} with “${editor.definition.name}”`,
            status: 'queued',
            progress: 0,
            message: 'Waiting to start…',
            projectId: null,
            datasetName: null,
          });
        } catch (error) {
          get().reportError(error);
        }
      },
      finishValidationRun: async (job) => {
        const pending = get().validationJobs[job.id];
        get().forgetValidationJob(job.id);
        const runId = runIdOf(job);
        if (!pending) return;
        if (runId === null) {
          get().reportError(new Error('The validation finished but the engine named no run to show.'));
          return;
        }
        try {
          const run = await api.validation.getRun({ runId });
          set((state) => ({ latestRuns: { ...state.latestRuns, [pending.versionId]: run } }));
        } catch (error) {
          get().reportError(error);
        }
        await get().loadValidationStatus(pending.datasetId);
      },
      forgetValidationJob: (jobId) =>
        set((state) => {
          const { [jobId]: _finished, ...rest } = state.validationJobs;
          return { validationJobs: rest };
        }),
      loadLatestRun: async (versionId) => {
        try {
          const runs = await api.validation.runs({ versionId });
          set((state) => ({ latestRuns: { ...state.latestRuns, [versionId]: runs[0] ?? null } }));
        } catch (error) {
          get().reportError(error);
        }
      },
      loadValidationStatus: async (datasetId) => {
        try {
          const statuses = await api.validation.status({ datasetId });
          const byVersion = Object.fromEntries(statuses.map((entry) => [entry.versionId, entry.status]));
          set((state) => ({ validationStatus: { ...state.validationStatus, [datasetId]: byVersion } }));
        } catch (error) {
          get().reportError(error);
        }
      },
      checkLeakage: async (leftVersionId, rightVersionId, idColumn) => {
        set({ checkingLeakage: true, leakageReport: null });
        try {
          const report = await api.validation.leakage({
            leftVersionId,
            rightVersionId,
            ...(idColumn !== null ? { idColumn } : {}),
          });
          set({ leakageReport: report });
        } catch (error) {
          get().reportError(error);
        } finally {
          set({ checkingLeakage: false });
        }
      },
      clearLeakage: () => set({ leakageReport: null }),
    };
  };
