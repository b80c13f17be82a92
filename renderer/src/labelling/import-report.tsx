import type { LabelImportReport } from '../../../core/contract/labels.js';
import { formatCount, plural } from '../format.js';

const shownLines = 20;

function Lines({ title, lines, testId }: { title: string; lines: readonly string[]; testId: string }) {
  if (lines.length === 0) return null;
  return (
    <details className="import-lines" data-testid={testId} data-count={lines.length} open>
      <summary>
        {title} ({formatCount(lines.length)})
      </summary>
      <ul>
        {lines.slice(0, shownLines).map((line) => (
          <li key={line}>{line}</li>
        ))}
        {lines.length > shownLines && (
          <li className="muted">… and {formatCount(lines.length - shownLines)} more</li>
        )}
      </ul>
    </details>
  );
}

/** What a label import did: how many came in, and every line it left out, by line number. */
export function ImportReportView({ fileName, report }: { fileName: string; report: LabelImportReport }) {
  return (
    <div className="import-report" data-testid="import-labels-report">
      <p>
        {fileName}: <strong data-testid="import-labels-imported">{plural(report.imported, 'label')}</strong>{' '}
        imported
        {report.alreadyPresent > 0 && `, ${formatCount(report.alreadyPresent)} already present`}.
      </p>
      <Lines
        title="Unknown classes"
        testId="import-unknown-classes"
        lines={report.unknownClasses.map((entry) => `line ${entry.line}: “${entry.value}”`)}
      />
      <Lines
        title="Unknown rows"
        testId="import-unknown-rows"
        lines={report.unknownRows.map((entry) => `line ${entry.line}: row ${entry.rowId}`)}
      />
      <Lines
        title="Lines not understood"
        testId="import-invalid"
        lines={report.invalid.map((entry) => `line ${entry.line}: ${entry.message}`)}
      />
    </div>
  );
}
