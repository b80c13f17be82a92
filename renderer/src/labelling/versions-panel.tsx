import { useEffect, useMemo, useRef, useState } from 'react';
import type {
  FreezePolicy,
  LabelExportFormat,
  LabelSet,
  LabelVersion,
} from '../../../core/contract/labels.js';
import { formatCount } from '../format.js';
import { useApp, useDeps } from '../store/app-store.js';
import type { LabelExport } from '../store/labels-slice.js';
import { ClassBalanceChart } from './class-balance-chart.js';
import { ImportReportView } from './import-report.js';

/** A version's class balance, in the set's class colours (and class order). */
function ClassBalance({ labelSet, version }: { labelSet: LabelSet; version: LabelVersion }) {
  const bars = useMemo(() => {
    const known = labelSet.classes.map((entry) => entry.name);
    const names = [...known, ...Object.keys(version.classCounts).filter((name) => !known.includes(name))];
    return names.map((name) => ({
      name,
      count: version.classCounts[name] ?? 0,
      color: labelSet.classes.find((entry) => entry.name === name)?.color ?? '#7f7f7f',
    }));
  }, [labelSet, version]);
  return <ClassBalanceChart bars={bars} testId="label-version-balance" />;
}

/** Where a finished export went: a download link in the browser (files only), else its path. */
function ExportOutcome({ state, isFile }: { state: LabelExport | undefined; isFile: boolean }) {
  const { files } = useDeps();
  return (
    <>
      {state?.state === 'done' &&
        (files.mode === 'browser' && isFile ? (
          <a
            href={`/api/exports/${encodeURIComponent(state.fileName)}`}
            download={state.fileName}
            data-testid="export-download"
          >
            Download {state.fileName}
          </a>
        ) : (
          <code className="export-path" data-testid="export-path">
            {state.path}
          </code>
        ))}
      {state?.state === 'failed' && <span className="error-message">{state.message}</span>}
    </>
  );
}

function ExportButton({ version, format }: { version: LabelVersion; format: LabelExportFormat }) {
  const state = useApp((s) => s.labelExports[`${version.id}:${format}`]);
  const exportLabelVersion = useApp((s) => s.exportLabelVersion);
  return (
    <span
      className="export-entry"
      data-testid="label-export"
      data-format={format}
      data-state={state?.state ?? 'idle'}
    >
      <button
        type="button"
        disabled={state?.state === 'running'}
        data-testid={`export-${format}`}
        onClick={() => void exportLabelVersion(version.id, format)}
      >
        {state?.state === 'running'
          ? 'Exporting…'
          : format === 'imagenet'
            ? 'ImageNet folders'
            : format.toUpperCase()}
      </button>
      <ExportOutcome state={state} isFile={format !== 'imagenet'} />
    </span>
  );
}

/**
 * Every annotation of the set (all annotators, undos and reviews, not just a frozen version), as
 * JSONL: a colleague's Import labels merges it, adding each annotation once.
 */
function AnnotationsExport({ labelSet }: { labelSet: LabelSet }) {
  const state = useApp((s) => s.labelExports[`annotations:${labelSet.id}`]);
  const exportAnnotations = useApp((s) => s.exportAnnotations);
  return (
    <div className="export-entry" data-testid="annotations-export" data-state={state?.state ?? 'idle'}>
      <button
        type="button"
        disabled={state?.state === 'running'}
        data-testid="export-annotations"
        onClick={() => void exportAnnotations()}
      >
        {state?.state === 'running' ? 'Exporting…' : 'Export all annotations (to merge)'}
      </button>
      <ExportOutcome state={state} isFile />
    </div>
  );
}

function VersionEntry({ labelSet, version }: { labelSet: LabelSet; version: LabelVersion }) {
  const formats: LabelExportFormat[] =
    labelSet.itemKind === 'image' && labelSet.task === 'single'
      ? ['csv', 'jsonl', 'imagenet']
      : ['csv', 'jsonl'];
  return (
    <li className="label-version" data-testid="label-version" data-number={version.number}>
      <div className="label-version-head">
        <strong>v{version.number}</strong>{' '}
        <span data-testid="label-version-items">{formatCount(version.itemCount)} items</span>
        <span className="muted">
          {' '}
          · {version.policy}
          {version.excluded.unlabelled + version.excluded.unresolved > 0 &&
            ` · left out ${formatCount(version.excluded.unlabelled)} unlabelled, ${formatCount(version.excluded.unresolved)} unresolved`}
        </span>
        <code className="muted" title={version.sha256}>
          {' '}
          {version.sha256.slice(0, 12)}
        </code>
      </div>
      <ClassBalance labelSet={labelSet} version={version} />
      <div className="button-row">
        <span className="muted">Export</span>
        {formats.map((format) => (
          <ExportButton key={format} version={version} format={format} />
        ))}
      </div>
    </li>
  );
}

function ImportLabels() {
  const importLabels = useApp((state) => state.importLabels);
  const importing = useApp((state) => state.labelImport);
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <div className="label-import">
      <button
        type="button"
        disabled={importing?.state === 'running'}
        data-testid="import-labels"
        onClick={() => inputRef.current?.click()}
      >
        {importing?.state === 'running' ? `Importing ${importing.fileName}…` : 'Import labels (CSV, JSONL)'}
      </button>
      <input
        ref={inputRef}
        type="file"
        accept=".csv,.jsonl,.ndjson,.json"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-labels-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importLabels(file);
        }}
      />
      {importing?.state === 'done' && (
        <ImportReportView fileName={importing.fileName} report={importing.report} />
      )}
      {importing?.state === 'failed' && (
        <p className="error-message" data-testid="import-labels-failed">
          {importing.fileName}: {importing.message}
        </p>
      )}
    </div>
  );
}

/** Freeze the labels as a version, see each version's class balance, export; import labels. */
export function VersionsPanel({ labelSet }: { labelSet: LabelSet }) {
  const versions = useApp((state) => state.labelVersions);
  const freezing = useApp((state) => state.freezing);
  const loadLabelVersions = useApp((state) => state.loadLabelVersions);
  const freezeLabels = useApp((state) => state.freezeLabels);
  const [policy, setPolicy] = useState<FreezePolicy>('agreed');
  useEffect(() => {
    void loadLabelVersions();
  }, [loadLabelVersions, labelSet.id]);
  return (
    <section className="label-panel" aria-labelledby="versions-heading" data-testid="versions-panel">
      <h3 id="versions-heading">Label versions</h3>
      <div className="button-row">
        <label className="inline-field">
          <span>Settle items by</span>
          <select
            value={policy}
            data-testid="freeze-policy"
            onChange={(event) => setPolicy(event.target.value === 'majority' ? 'majority' : 'agreed')}
          >
            <option value="agreed">all who labelled agree</option>
            <option value="majority">the majority</option>
          </select>
        </label>
        <button
          type="button"
          className="primary"
          disabled={freezing}
          data-testid="freeze-labels"
          onClick={() => void freezeLabels(policy)}
        >
          {freezing ? 'Freezing…' : 'Freeze a version'}
        </button>
      </div>
      <p className="muted">A reviewer&apos;s label always settles an item. Training uses a frozen version.</p>
      {versions.length === 0 ? (
        <p className="muted" data-testid="no-label-versions">
          No version yet.
        </p>
      ) : (
        <ol className="label-versions">
          {versions.map((version) => (
            <VersionEntry key={version.id} labelSet={labelSet} version={version} />
          ))}
        </ol>
      )}
      <ImportLabels />
      <AnnotationsExport labelSet={labelSet} />
    </section>
  );
}
