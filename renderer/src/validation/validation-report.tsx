import { useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import type { CheckResult, ValidationRun } from '../../../core/contract/validation.js';
import { formatCount, plural } from '../format.js';
import { useApp } from '../store/app-store.js';

const shownExampleIds = 6;
/** More passes than this are folded away behind a button, so the failures stay in view. */
const foldPassedAbove = 8;

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Failed errors first, then failed warnings, then passes; otherwise the suite's order. */
function reportOrder(results: readonly CheckResult[]): { result: CheckResult; index: number }[] {
  const rank = (result: CheckResult): number => (result.passed ? 2 : result.severity === 'error' ? 0 : 1);
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => rank(a.result) - rank(b.result) || a.index - b.index);
}

function ResultRow({ result, version }: { result: CheckResult; version: DatasetVersion }) {
  const showRowIds = useApp((state) => state.showRowIds);
  const setDataTab = useApp((state) => state.setDataTab);
  const examples = result.exampleRowIds;
  const outcome = result.passed ? 'passed' : result.severity === 'warning' ? 'warning' : 'failed';
  return (
    <tr
      className={`check-result check-result-${outcome}`}
      data-testid="check-result"
      data-check-id={result.checkId}
      data-passed={result.passed}
      data-example-ids={examples.join(',')}
    >
      <td>
        <span className={`status-pill status-${outcome}`} data-testid="check-result-status">
          {result.passed ? 'passed' : outcome === 'warning' ? 'warning' : 'failed'}
        </span>
      </td>
      <td className="check-result-name">
        <span>{result.checkId}</span>
        {result.error !== null && (
          <span className="check-result-error" data-testid="check-result-error">
            {result.error}
          </span>
        )}
      </td>
      <td data-testid="check-result-observed">{result.observed}</td>
      <td className="numeric-cell" data-testid="check-result-failing-rows" data-count={result.failingRows}>
        {formatCount(result.failingRows)}
      </td>
      <td className="check-result-examples" data-testid="check-result-examples" title={examples.join(', ')}>
        {examples.slice(0, shownExampleIds).join(', ')}
        {examples.length > shownExampleIds && (
          <span className="muted"> +{examples.length - shownExampleIds} more</span>
        )}
      </td>
      <td>
        {examples.length > 0 && (
          <button
            type="button"
            data-testid="show-rows"
            title={`Show ${plural(examples.length, 'example row')} in the grid`}
            onClick={() => {
              showRowIds(version.rowIdColumn, examples);
              setDataTab('grid');
            }}
          >
            Show rows
          </button>
        )}
      </td>
    </tr>
  );
}

/** One run's outcome: a summary line, then each check with what was measured and where it failed. */
export function ValidationReport({
  run,
  version,
  suiteVersionNumber,
}: {
  run: ValidationRun;
  version: DatasetVersion;
  /** The number of the suite version this run used, when it is the open suite's. */
  suiteVersionNumber: number | null;
}) {
  const failed = run.results.filter((result) => !result.passed);
  const failedErrors = failed.filter((result) => result.severity === 'error').length;
  const passedCount = run.results.length - failed.length;
  const [showPassed, setShowPassed] = useState(false);
  const foldPassed = passedCount > foldPassedAbove && failed.length > 0 && !showPassed;
  const rows = reportOrder(run.results).filter(({ result }) => !foldPassed || !result.passed);
  return (
    <section
      className="validation-report"
      aria-label="Validation report"
      data-testid="validation-report"
      data-run-id={run.id}
      data-status={run.status}
    >
      <header className="report-summary">
        <span className={`status-pill status-${run.status}`} data-testid="report-status">
          {run.status}
        </span>
        <span data-testid="report-summary">
          {failed.length === 0
            ? `All ${plural(run.results.length, 'check')} passed`
            : `${formatCount(failed.length)} of ${plural(run.results.length, 'check')} failed` +
              (failedErrors < failed.length ? ` (${plural(failed.length - failedErrors, 'warning')})` : '')}
        </span>
        <span className="muted">
          {suiteVersionNumber !== null
            ? `suite version ${suiteVersionNumber} · `
            : 'an earlier suite version · '}
          {formatWhen(run.createdAt)} · {formatDuration(run.durationMs)}
        </span>
      </header>
      <table className="report-table">
        <thead>
          <tr>
            <th scope="col">Result</th>
            <th scope="col">Check</th>
            <th scope="col">Observed</th>
            <th scope="col" className="numeric-cell">
              Failing rows
            </th>
            <th scope="col">Example rows</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ result, index }) => (
            <ResultRow key={`${index}:${result.checkId}`} result={result} version={version} />
          ))}
        </tbody>
      </table>
      {foldPassed && (
        <button
          type="button"
          className="link-button report-fold"
          data-testid="show-passed-checks"
          onClick={() => setShowPassed(true)}
        >
          Show the {plural(passedCount, 'passed check')}
        </button>
      )}
    </section>
  );
}
