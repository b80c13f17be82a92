import { useMemo, useState } from 'react';
import type { EpochMetrics } from '../../../core/contract/training.js';
import { Plot, traceColors } from './plot.js';
import type { Trace } from './plot.js';
import { baseMetricNames, metricLabel } from './run-format.js';

function seriesOf(epochs: readonly EpochMetrics[], key: string): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (const epoch of epochs) {
    const value = epoch.metrics[key];
    if (value === undefined) continue;
    x.push(epoch.epoch);
    y.push(value);
  }
  return { x, y };
}

function trainAndValidation(epochs: readonly EpochMetrics[], metric: string): Trace[] {
  return [
    { key: metric, name: 'train', dash: 'solid' },
    { key: `val_${metric}`, name: 'validation', dash: 'dot' },
  ]
    .map(({ key, name, dash }, index) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name,
      ...seriesOf(epochs, key),
      line: { color: traceColors[index], dash },
      marker: { size: 5 },
    }))
    .filter((trace) => trace.x.length > 0);
}

/** Loss and one chosen metric per epoch, train and validation, redrawn as epochs arrive. */
export function EpochCharts({ epochs }: { epochs: readonly EpochMetrics[] }) {
  const names = baseMetricNames(epochs);
  const others = names.filter((name) => name !== 'loss');
  const [chosen, setChosen] = useState<string | null>(null);
  const metric = chosen !== null && others.includes(chosen) ? chosen : (others[0] ?? null);
  const lossTraces = useMemo(() => trainAndValidation(epochs, 'loss'), [epochs]);
  const metricTraces = useMemo(
    () => (metric !== null ? trainAndValidation(epochs, metric) : []),
    [epochs, metric],
  );

  return (
    <div className="epoch-charts">
      <section className="chart-card">
        <h3>Loss</h3>
        <Plot traces={lossTraces} xTitle="epoch" integerX yTitle="loss" testId="loss-chart" height={260} />
      </section>
      <section className="chart-card">
        <div className="chart-card-header">
          <h3>{metric !== null ? metricLabel(metric) : 'Metric'}</h3>
          {others.length > 1 && (
            <select
              aria-label="Metric to chart"
              value={metric ?? ''}
              data-testid="epoch-metric-picker"
              onChange={(event) => setChosen(event.target.value)}
            >
              {others.map((name) => (
                <option key={name} value={name}>
                  {metricLabel(name)}
                </option>
              ))}
            </select>
          )}
        </div>
        <Plot
          traces={metricTraces}
          xTitle="epoch"
          integerX
          yTitle={metric !== null ? metricLabel(metric) : ''}
          testId="metric-chart"
          height={260}
        />
      </section>
    </div>
  );
}
