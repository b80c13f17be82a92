import { useEffect } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { Suite } from '../../../core/contract/validation.js';
import { useApp } from '../store/app-store.js';
import type { SuiteEditor as SuiteEditorState } from '../store/validation-slice.js';
import { LeakagePanel } from './leakage-panel.js';
import { SuiteEditor } from './suite-editor.js';
import { ValidationReport } from './validation-report.js';

const noSuites: readonly Suite[] = [];
const unsavedSuite = '';

function saveState(editor: SuiteEditorState): string {
  if (editor.savedVersion === null) return 'Not saved yet';
  if (editor.dirty) return `Unsaved changes to version ${editor.savedVersion.number}`;
  return `Saved as version ${editor.savedVersion.number}`;
}

/** Picks, names, saves, requires and runs the suite of this version's dataset. */
function SuiteToolbar({ version, editor }: { version: DatasetVersion; editor: SuiteEditorState | null }) {
  const suites = useApp((state) => state.suitesByDataset[version.datasetId] ?? noSuites);
  const suggesting = useApp((state) => state.suggestingSuite);
  const saving = useApp((state) => state.savingSuite);
  const running = useApp((state) =>
    Object.values(state.validationJobs).some((pending) => pending.versionId === version.id),
  );
  const suggestSuite = useApp((state) => state.suggestSuite);
  const openSuite = useApp((state) => state.openSuite);
  const setSuiteName = useApp((state) => state.setSuiteName);
  const saveSuite = useApp((state) => state.saveSuite);
  const setSuiteRequired = useApp((state) => state.setSuiteRequired);
  const runSuite = useApp((state) => state.runSuite);
  const openSuiteRecord = editor?.suiteId ? suites.find((suite) => suite.id === editor.suiteId) : undefined;
  const canRun = editor !== null && editor.savedVersion !== null && !editor.dirty && !running;

  return (
    <div className="suite-toolbar" data-testid="suite-toolbar">
      <div className="suite-toolbar-row">
        {suites.length > 0 && (
          <label className="inline-field">
            <span>Suite</span>
            <select
              data-testid="suite-picker"
              value={editor?.suiteId ?? unsavedSuite}
              onChange={(event) => {
                const suite = suites.find((s) => s.id === event.target.value);
                if (suite) openSuite(suite);
              }}
            >
              {(editor === null || editor.suiteId === null) && (
                <option value={unsavedSuite}>{editor ? 'Unsaved suite' : 'Choose a suite'}</option>
              )}
              {suites.map((suite) => (
                <option key={suite.id} value={suite.id}>
                  {suite.name} (v{suite.latestVersion.number})
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          disabled={suggesting}
          data-testid="suggest-suite"
          title="Start a new suite from this version's profile: schema, completeness, ranges, allowed values, uniqueness"
          onClick={() => void suggestSuite(version)}
        >
          {suggesting ? 'Suggesting…' : 'Suggest a suite'}
        </button>
      </div>
      {editor !== null && (
        <div className="suite-toolbar-row">
          <label className="inline-field">
            <span>Name</span>
            <input
              type="text"
              maxLength={120}
              data-testid="suite-name"
              value={editor.definition.name}
              onChange={(event) => setSuiteName(event.target.value)}
            />
          </label>
          <button
            type="button"
            className="primary"
            disabled={saving || (!editor.dirty && editor.savedVersion !== null)}
            data-testid="save-suite"
            onClick={() => void saveSuite()}
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
          <span className="muted" data-testid="suite-save-state" data-dirty={editor.dirty}>
            {saveState(editor)}
          </span>
          <label
            className="inline-field checkbox-field"
            title={openSuiteRecord ? undefined : 'Save the suite first'}
          >
            <input
              type="checkbox"
              disabled={!openSuiteRecord}
              checked={openSuiteRecord?.required ?? false}
              data-testid="suite-required"
              onChange={(event) => {
                if (openSuiteRecord) void setSuiteRequired(openSuiteRecord.id, event.target.checked);
              }}
            />
            <span>Required before training</span>
          </label>
          <button
            type="button"
            className="primary run-button"
            disabled={!canRun}
            title={canRun ? undefined : running ? 'A run is under way' : 'Save the suite first'}
            data-testid="run-suite"
            onClick={() => void runSuite(version)}
          >
            {running ? 'Running…' : `Run on v${version.number}`}
          </button>
        </div>
      )}
    </div>
  );
}

/** The Validation tab: the dataset's suite, its latest run on this version, and a leakage check. */
export function ValidationView({ version }: { version: DatasetVersion }) {
  const editor = useApp((state) =>
    state.suiteEditor?.datasetId === version.datasetId ? state.suiteEditor : null,
  );
  const suitesLoaded = useApp((state) => state.suitesByDataset[version.datasetId] !== undefined);
  const run = useApp((state) => state.latestRuns[version.id]);
  const loadSuites = useApp((state) => state.loadSuites);
  const loadLatestRun = useApp((state) => state.loadLatestRun);
  const replaceDefinition = useApp((state) => state.replaceDefinition);
  const suites = useApp((state) => state.suitesByDataset[version.datasetId] ?? noSuites);

  useEffect(() => {
    if (!suitesLoaded) void loadSuites(version.datasetId);
  }, [suitesLoaded, loadSuites, version.datasetId]);
  useEffect(() => {
    if (run === undefined) void loadLatestRun(version.id);
  }, [run, loadLatestRun, version.id]);

  const runSuiteVersion = suites
    .map((suite) => suite.latestVersion)
    .find((suiteVersion) => suiteVersion.id === run?.suiteVersionId);

  return (
    <div className="validation-view" data-testid="validation-view">
      <SuiteToolbar version={version} editor={editor} />
      {run ? (
        <ValidationReport run={run} version={version} suiteVersionNumber={runSuiteVersion?.number ?? null} />
      ) : (
        run === null && (
          <p className="muted validation-note" data-testid="validation-not-run">
            This version has not been validated yet.
          </p>
        )
      )}
      {editor !== null ? (
        <SuiteEditor key={editor.suiteId ?? 'unsaved'} editor={editor} version={version} />
      ) : (
        suitesLoaded &&
        suites.length === 0 && (
          <div className="validation-empty" data-testid="validation-empty">
            <p>
              This dataset has no validation suite yet. Suggest one from this version&apos;s profile and
              adjust its thresholds, or start from scratch and paste or upload a suite file.
            </p>
            <button
              type="button"
              data-testid="new-empty-suite"
              onClick={() => replaceDefinition(version.datasetId, { name: 'New suite', checks: [] })}
            >
              Start from scratch
            </button>
          </div>
        )
      )}
      <LeakagePanel version={version} />
    </div>
  );
}
