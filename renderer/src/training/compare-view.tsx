import { useEffect, useMemo, useState } from 'react';
import type { EpochMetrics, Run } from '../../../core/contract/training.js';
import { formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { MetricChartCard, useChosenMetric } from './metric-chart-card.js';
import { Plot, traceColors } from './plot.js';
import type { Trace } from './plot.js';
import {
  baseMetricNames,
  compareLabels,
  flattenConfig,
  mergedEpochs,
  metricLabel,
  summaryKeys,
} from './run-format.js';

function ConfigDiff({ runs, labels }: { runs: readonly Run[]; labels: readonly string[] }) {
  const flat = runs.map((run) => flattenConfig(run.config));
  const keys = [...new Set(flat.flatMap((config) => Object.keys(config)))].sort();
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const rows = keys.map((key) => {
    const values = flat.map((config) => config[key] ?? '—');
    return { key, values, differs: new Set(values).size > 1 };
  });
  const shown = onlyDiffering ? rows.filter((row) => row.differs) : rows;
  return (
    <section className="chart-card">
      <div className="chart-card-header">
        <h3>Config ({rows.filter((row) => row.differs).length} keys differ)</h3>
        <label className="inline-field checkbox-field">
          <input
            type="checkbox"
            checked={onlyDiffering}
            data-testid="diff-only-differing"
            onChange={(event) => setOnlyDiffering(event.target.checked)}
          />
          <span>Only differing keys</span>
        </label>
      </div>
      <table className="report-table compare-table" data-testid="config-diff">
        <thead>
          <tr>
            <th>Key</th>
            {runs.map((run, index) => (
              <th key={run.id}>
                <span className="swatch" style={{ background: traceColors[index] }} /> {labels[index]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr
              key={row.key}
              className={row.differs ? 'differs' : 'muted'}
              data-testid="config-diff-row"
              data-key={row.key}
              data-differs={row.differs}
            >
              <td className="config-key">{row.key}</td>
              {row.values.map((value, index) => (
                <td key={runs[index]?.id ?? index}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One line per run of one epoch metric, in the run's colour. */
function overlaid(
  runs: readonly Run[],
  labels: readonly string[],
  epochsByRun: readonly EpochMetrics[][],
  key: string,
): Trace[] {
  return runs
    .map((run, index) => {
      const epochs = (epochsByRun[index] ?? []).filter((epoch) => epoch.metrics[key] !== undefined);
      return {
        type: 'scatter',
        mode: 'lines+markers',
        name: labels[index] ?? run.name,
        x: epochs.map((epoch) => epoch.epoch),
        y: epochs.map((epoch) => epoch.metrics[key]),
        line: { color: traceColors[index % traceColors.length] },
        marker: { size: 5 },
      };
    })
    .filter((trace) => trace.x.length > 0);
}

function OverlaidCurves({ runs, labels }: { runs: readonly Run[]; labels: readonly string[] }) {
  const liveEpochs = useApp((state) => state.liveEpochs);
  const epochsByRun = useMemo(
    () => runs.map((run) => mergedEpochs(run, liveEpochs[run.id])),
    [runs, liveEpochs],
  );
  const metrics = baseMetricNames(epochsByRun.flat()).filter((name) => name !== 'loss');
  const [metric, setChosen] = useChosenMetric(metrics);

  const lossTraces = useMemo(
    () => overlaid(runs, labels, epochsByRun, 'val_loss'),
    [runs, labels, epochsByRun],
  );
  const metricTraces = useMemo(
    () => (metric !== null ? overlaid(runs, labels, epochsByRun, `val_${metric}`) : []),
    [runs, labels, epochsByRun, metric],
  );

  return (
    <div className="epoch-charts">
      <section className="chart-card">
        <h3>Validation loss</h3>
        <Plot
          traces={lossTraces}
          xTitle="epoch"
          integerX
          yTitle="val loss"
          testId="compare-loss-chart"
          height={260}
        />
      </section>
      <MetricChartCard
        title={`Validation ${metric !== null ? metricLabel(metric) : 'metric'}`}
        options={metrics}
        metric={metric}
        onChoose={setChosen}
        pickerLabel="Metric to overlay"
        pickerTestId="compare-metric-picker"
        traces={metricTraces}
        yTitle={metric !== null ? `val ${metricLabel(metric)}` : ''}
        testId="compare-metric-chart"
      />
    </div>
  );
}

function MetricsSideBySide({ runs, labels }: { runs: readonly Run[]; labels: readonly string[] }) {
  const keys = summaryKeys(runs);
  return (
    <section className="chart-card">
      <h3>Test metrics</h3>
      {keys.length === 0 ? (
        <p className="muted">None of these runs has finished with a test evaluation yet.</p>
      ) : (
        <table className="report-table compare-table" data-testid="compare-metrics">
          <thead>
            <tr>
              <th>Metric</th>
              {runs.map((run, index) => (
                <th key={run.id} className="numeric-cell">
                  <span className="swatch" style={{ background: traceColors[index] }} /> {labels[index]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key} data-testid="compare-metric-row" data-key={key}>
                <td>{metricLabel(key)}</td>
                {runs.map((run) => (
                  <td key={run.id} className="numeric-cell">
                    {formatNumber(run.summary[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** 2–5 runs side by side: what differs in their configs, their curves, their test metrics. */
export function CompareView({ runIds }: { runIds: readonly string[] }) {
  const runsById = useApp((state) => state.runs);
  const loadRun = useApp((state) => state.loadRun);
  const showPage = useApp((state) => state.showPage);
  useEffect(() => {
    for (const runId of runIds) void loadRun(runId);
  }, [runIds, loadRun]);
  const runs = useMemo(
    () => runIds.map((id) => runsById[id]).filter((run): run is Run => run !== undefined),
    [runIds, runsById],
  );
  const labels = useMemo(() => compareLabels(runs), [runs]);
  return (
    <div className="training-page compare-view" data-testid="compare-view" data-runs={runs.length}>
      <header className="training-header">
        <h1 className="dataset-title">Compare {runIds.length} runs</h1>
        <button type="button" data-testid="back-to-runs" onClick={() => showPage({ kind: 'runs' })}>
          Back to runs
        </button>
      </header>
      {runs.length < runIds.length ? (
        <p className="muted">Loading the runs…</p>
      ) : (
        <>
          <OverlaidCurves runs={runs} labels={labels} />
          <MetricsSideBySide runs={runs} labels={labels} />
          <ConfigDiff runs={runs} labels={labels} />
        </>
      )}
    </div>
  );
}
