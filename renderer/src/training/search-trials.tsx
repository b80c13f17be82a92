import { useMemo, useState } from 'react';
import type { Run } from '../../../core/contract/training.js';
import { formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { Plot, traceColors } from './plot.js';
import { bestValue, describeModel, lowerIsBetter, metricLabel } from './run-format.js';

type TrialParam = 'learningRate' | 'batchSize' | 'dropout' | 'width';

const paramLabels: Readonly<Record<TrialParam, string>> = {
  learningRate: 'learning rate',
  batchSize: 'batch size',
  dropout: 'dropout',
  width: 'total hidden units',
};

function paramOf(run: Run, param: TrialParam): number | null {
  const { config } = run;
  if (param === 'learningRate') return config.optimizer.learningRate;
  if (param === 'batchSize') return config.batchSize;
  if (config.model.kind !== 'mlp') return null;
  if (param === 'dropout') return config.model.dropout;
  return config.model.layers.reduce((sum, size) => sum + size, 0);
}

/** The search's trials, best one marked, and a scatter of a parameter against the search metric. */
export function SearchTrials({ parent, trials }: { parent: Run; trials: readonly Run[] }) {
  const showPage = useApp((state) => state.showPage);
  // The engine records the search metric as `best_<metric>` in the parent's summary once it is done.
  const summaryMetric = Object.keys(parent.summary)
    .find((key) => key.startsWith('best_'))
    ?.slice('best_'.length);
  const searchMetric =
    summaryMetric ??
    parent.config.earlyStopping?.metric ??
    (parent.config.task === 'regression' ? 'val_rmse' : 'val_loss');
  const [param, setParam] = useState<TrialParam>('learningRate');
  const scored = trials.map((trial) => ({ trial, score: bestValue(trial.epochs, searchMetric) }));
  const ranked = scored.filter((entry) => entry.score !== null);
  const lower = lowerIsBetter(searchMetric);
  const best = ranked.reduce<(typeof ranked)[number] | null>((top, entry) => {
    if (top === null || entry.score === null || top.score === null) return top ?? entry;
    return (lower ? entry.score < top.score : entry.score > top.score) ? entry : top;
  }, null);

  const traces = useMemo(() => {
    const points = scored
      .map(({ trial, score }) => ({ trial, score, x: paramOf(trial, param) }))
      .filter((point) => point.score !== null && point.x !== null);
    return [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'trials',
        x: points.map((point) => point.x),
        y: points.map((point) => point.score),
        text: points.map((point) => point.trial.name),
        hovertemplate: '%{text}<br>%{x}<br>%{y:.4f}<extra></extra>',
        marker: {
          size: 10,
          color: points.map((point) => (point.trial.id === best?.trial.id ? traceColors[1] : traceColors[0])),
        },
      },
    ];
  }, [scored, param, best]);

  return (
    <section className="chart-card trials" data-testid="search-trials">
      <div className="chart-card-header">
        <h3>
          Trials ({trials.length}) by best {metricLabel(searchMetric)}
        </h3>
        <label className="inline-field">
          <span>Plot against</span>
          <select
            value={param}
            data-testid="trial-param"
            onChange={(event) => setParam(event.target.value as TrialParam)}
          >
            {(Object.keys(paramLabels) as TrialParam[]).map((name) => (
              <option key={name} value={name}>
                {paramLabels[name]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="trials-body">
        <table className="report-table metric-table" data-testid="trials-table">
          <thead>
            <tr>
              <th>Trial</th>
              <th>Status</th>
              <th>Model</th>
              <th className="numeric-cell">LR</th>
              <th className="numeric-cell">Batch</th>
              <th className="numeric-cell">{metricLabel(searchMetric)}</th>
            </tr>
          </thead>
          <tbody>
            {scored.map(({ trial, score }) => (
              <tr
                key={trial.id}
                className={trial.id === best?.trial.id ? 'best-trial' : undefined}
                data-testid="trial-row"
                data-best={trial.id === best?.trial.id}
              >
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => showPage({ kind: 'run', runId: trial.id })}
                  >
                    {trial.name}
                  </button>
                  {trial.id === best?.trial.id && <span className="status-pill status-passed">best</span>}
                </td>
                <td>{trial.status}</td>
                <td>{describeModel(trial.config)}</td>
                <td className="numeric-cell">{formatNumber(trial.config.optimizer.learningRate)}</td>
                <td className="numeric-cell">{trial.config.batchSize}</td>
                <td className="numeric-cell">{formatNumber(score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Plot
          traces={traces}
          xTitle={paramLabels[param]}
          yTitle={metricLabel(searchMetric)}
          xType={param === 'learningRate' ? 'log' : 'linear'}
          testId="trials-scatter"
          height={260}
        />
      </div>
    </section>
  );
}
