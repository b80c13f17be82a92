import { useMemo, useState } from 'react';
import type {
  ClassificationMetrics,
  Evaluation,
  Metrics,
  RegressionMetrics,
} from '../../../core/contract/training.js';
import { formatCount, formatNumber } from '../format.js';
import { Plot, traceColors } from './plot.js';
import { metricLabel } from './run-format.js';

function Headline({ name, value }: { name: string; value: number | null }) {
  return (
    <div className="headline-metric" data-testid={`metric-${name}`} data-value={value ?? ''}>
      <dt>{metricLabel(name)}</dt>
      <dd>{formatNumber(value)}</dd>
    </div>
  );
}

/** White → accent green by share of the row (so each true class reads on its own scale). */
function heat(share: number): string {
  const alpha = Math.max(0, Math.min(1, share));
  return `rgba(47, 107, 71, ${(0.08 + alpha * 0.82).toFixed(3)})`;
}

function ConfusionMatrix({ metrics }: { metrics: ClassificationMetrics }) {
  return (
    <table className="confusion-matrix" data-testid="confusion-matrix">
      <thead>
        <tr>
          <th className="muted">true ↓ / predicted →</th>
          {metrics.labels.map((label) => (
            <th key={label}>{label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {metrics.confusionMatrix.map((row, i) => {
          const total = row.reduce((sum, count) => sum + count, 0);
          return (
            <tr key={metrics.labels[i] ?? i}>
              <th>{metrics.labels[i]}</th>
              {row.map((count, j) => {
                const share = total > 0 ? count / total : 0;
                return (
                  <td
                    key={metrics.labels[j] ?? j}
                    className="numeric-cell"
                    data-testid="confusion-cell"
                    style={{ background: heat(share), color: share > 0.55 ? '#fff' : undefined }}
                    title={`${formatCount(count)} of ${formatCount(total)} (${(share * 100).toFixed(1)}%)`}
                  >
                    {formatCount(count)}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function PerClassTable({ metrics }: { metrics: ClassificationMetrics }) {
  return (
    <table className="report-table metric-table" data-testid="per-class-table">
      <thead>
        <tr>
          <th>Class</th>
          <th className="numeric-cell">Precision</th>
          <th className="numeric-cell">Recall</th>
          <th className="numeric-cell">F1</th>
          <th className="numeric-cell">Support</th>
        </tr>
      </thead>
      <tbody>
        {metrics.perClass.map((row) => (
          <tr key={row.label} data-testid="per-class-row" data-label={row.label}>
            <td>{row.label}</td>
            <td className="numeric-cell">{formatNumber(row.precision)}</td>
            <td className="numeric-cell">{formatNumber(row.recall)}</td>
            <td className="numeric-cell">{formatNumber(row.f1)}</td>
            <td className="numeric-cell">{formatCount(row.support)}</td>
          </tr>
        ))}
        <tr className="muted">
          <td>macro avg</td>
          <td className="numeric-cell">{formatNumber(metrics.macro.precision)}</td>
          <td className="numeric-cell">{formatNumber(metrics.macro.recall)}</td>
          <td className="numeric-cell">{formatNumber(metrics.macro.f1)}</td>
          <td />
        </tr>
        <tr className="muted">
          <td>weighted avg</td>
          <td className="numeric-cell">{formatNumber(metrics.weighted.precision)}</td>
          <td className="numeric-cell">{formatNumber(metrics.weighted.recall)}</td>
          <td className="numeric-cell">{formatNumber(metrics.weighted.f1)}</td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}

const diagonal = {
  type: 'scatter',
  mode: 'lines',
  x: [0, 1],
  y: [0, 1],
  name: 'chance',
  line: { color: '#b5bdb7', dash: 'dash' },
};

function ClassificationView({ metrics }: { metrics: ClassificationMetrics }) {
  const rocTraces = useMemo(
    () =>
      metrics.rocCurve
        ? [
            {
              type: 'scatter',
              mode: 'lines',
              name: 'ROC',
              x: metrics.rocCurve.map((point) => point.fpr),
              y: metrics.rocCurve.map((point) => point.tpr),
              line: { color: traceColors[0] },
            },
            { ...diagonal },
          ]
        : [],
    [metrics],
  );
  const calibrationTraces = useMemo(
    () => [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'model',
        x: metrics.calibration.bins.map((bin) => bin.meanPredicted),
        y: metrics.calibration.bins.map((bin) => bin.fractionPositive),
        text: metrics.calibration.bins.map((bin) => `${formatCount(bin.count)} rows`),
        hovertemplate: 'predicted %{x:.2f}<br>observed %{y:.2f}<br>%{text}<extra></extra>',
        line: { color: traceColors[1] },
      },
      { ...diagonal, name: 'perfectly calibrated' },
    ],
    [metrics],
  );
  return (
    <>
      <dl className="headline-metrics">
        <Headline name="accuracy" value={metrics.accuracy} />
        <Headline name="balancedAccuracy" value={metrics.balancedAccuracy} />
        <Headline name="rocAuc" value={metrics.rocAuc} />
        <Headline name="prAuc" value={metrics.prAuc} />
        <Headline name="logLoss" value={metrics.logLoss} />
        <Headline name="ece" value={metrics.calibration.ece} />
      </dl>
      <div className="evaluation-grid">
        <section className="chart-card">
          <h3>Per class</h3>
          <PerClassTable metrics={metrics} />
        </section>
        <section className="chart-card">
          <h3>Confusion matrix</h3>
          <ConfusionMatrix metrics={metrics} />
        </section>
        <section className="chart-card">
          <h3>ROC curve</h3>
          {rocTraces.length > 0 ? (
            <Plot
              traces={rocTraces}
              xTitle="false positive rate"
              yTitle="true positive rate"
              testId="roc-chart"
              unitSquare
            />
          ) : (
            <p className="muted">No ROC curve: a class is missing from the test split.</p>
          )}
        </section>
        <section className="chart-card">
          <h3>Calibration</h3>
          <Plot
            traces={calibrationTraces}
            xTitle="mean predicted probability"
            yTitle="fraction positive"
            testId="calibration-chart"
            unitSquare
          />
        </section>
      </div>
    </>
  );
}

function RegressionView({ metrics }: { metrics: RegressionMetrics }) {
  const traces = useMemo(
    () => [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'residual',
        x: metrics.residuals.map((point) => point.predicted),
        y: metrics.residuals.map((point) => point.residual),
        marker: { color: traceColors[0], size: 4, opacity: 0.5 },
      },
    ],
    [metrics],
  );
  return (
    <>
      <dl className="headline-metrics">
        <Headline name="mae" value={metrics.mae} />
        <Headline name="rmse" value={metrics.rmse} />
        <Headline name="r2" value={metrics.r2} />
      </dl>
      <section className="chart-card">
        <h3>Residuals</h3>
        <Plot traces={traces} xTitle="predicted" yTitle="actual − predicted" testId="residual-chart" />
      </section>
    </>
  );
}

const sliceMetricChoices: Readonly<Record<Metrics['kind'], readonly string[]>> = {
  classification: ['accuracy', 'balancedAccuracy', 'rocAuc', 'logLoss'],
  regression: ['mae', 'rmse', 'r2'],
};

function sliceValue(metrics: Metrics, name: string): number | null {
  const value = (metrics as unknown as Record<string, unknown>)[name];
  return typeof value === 'number' ? value : null;
}

/** One metric per value of a chosen categorical column. */
function SlicesTable({ evaluation }: { evaluation: Evaluation }) {
  const columns = [...new Set(evaluation.slices.map((slice) => slice.column))];
  const [column, setColumn] = useState(columns[0] ?? '');
  const choices = sliceMetricChoices[evaluation.overall.kind];
  const [metric, setMetric] = useState(choices[0] ?? '');
  if (columns.length === 0) return null;
  const rows = evaluation.slices.filter((slice) => slice.column === column);
  const overall = sliceValue(evaluation.overall, metric);
  return (
    <section className="chart-card" data-testid="slices">
      <div className="chart-card-header">
        <h3>Slices</h3>
        <label className="inline-field">
          <span>Column</span>
          <select
            value={column}
            data-testid="slice-column"
            onChange={(event) => setColumn(event.target.value)}
          >
            {columns.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Metric</span>
          <select
            value={metric}
            data-testid="slice-metric"
            onChange={(event) => setMetric(event.target.value)}
          >
            {choices.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="report-table metric-table" data-testid="slices-table">
        <thead>
          <tr>
            <th>{column}</th>
            <th className="numeric-cell">Rows</th>
            <th className="numeric-cell">{metricLabel(metric)}</th>
            <th className="numeric-cell">vs overall</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((slice) => {
            const value = sliceValue(slice.metrics, metric);
            const delta = value !== null && overall !== null ? value - overall : null;
            return (
              <tr key={slice.value} data-testid="slice-row" data-value={slice.value}>
                <td>{slice.value}</td>
                <td className="numeric-cell">{formatCount(slice.rows)}</td>
                <td className="numeric-cell">{formatNumber(value)}</td>
                <td className="numeric-cell muted">
                  {delta === null ? '—' : `${delta >= 0 ? '+' : ''}${formatNumber(delta)}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** A model version's test evaluation: headline metrics, tables, curves and slices. */
export function EvaluationView({ evaluation }: { evaluation: Evaluation }) {
  return (
    <div className="evaluation" data-testid="evaluation" data-kind={evaluation.overall.kind}>
      <p className="muted evaluation-note">
        Test split, {formatCount(evaluation.rows)} rows never seen in training.
      </p>
      {evaluation.overall.kind === 'classification' ? (
        <ClassificationView metrics={evaluation.overall} />
      ) : (
        <RegressionView metrics={evaluation.overall} />
      )}
      <SlicesTable evaluation={evaluation} />
    </div>
  );
}
