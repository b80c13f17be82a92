import { useMemo } from 'react';
import type { EpochMetrics } from '../../../core/contract/training.js';
import { MetricChartCard, useChosenMetric } from './metric-chart-card.js';
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
  const [metric, setChosen] = useChosenMetric(others);
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
      <MetricChartCard
        title={metric !== null ? metricLabel(metric) : 'Metric'}
        options={others}
        metric={metric}
        onChoose={setChosen}
        pickerLabel="Metric to chart"
        pickerTestId="epoch-metric-picker"
        traces={metricTraces}
        yTitle={metric !== null ? metricLabel(metric) : ''}
        testId="metric-chart"
      />
    </div>
  );
}
