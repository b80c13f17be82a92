import { useState } from 'react';
import { Plot } from './plot.js';
import type { Trace } from './plot.js';
import { metricLabel } from './run-format.js';

/** The metric the user picked, while it is still among `options`; else the first option. */
export function useChosenMetric(options: readonly string[]): [string | null, (metric: string) => void] {
  const [chosen, setChosen] = useState<string | null>(null);
  const metric = chosen !== null && options.includes(chosen) ? chosen : (options[0] ?? null);
  return [metric, setChosen];
}

/** A chart card of one metric per epoch, with a picker when there is more than one metric to show. */
export function MetricChartCard(props: {
  title: string;
  options: readonly string[];
  metric: string | null;
  onChoose: (metric: string) => void;
  pickerLabel: string;
  pickerTestId: string;
  traces: Trace[];
  yTitle: string;
  testId: string;
}) {
  return (
    <section className="chart-card">
      <div className="chart-card-header">
        <h3>{props.title}</h3>
        {props.options.length > 1 && (
          <select
            aria-label={props.pickerLabel}
            value={props.metric ?? ''}
            data-testid={props.pickerTestId}
            onChange={(event) => props.onChoose(event.target.value)}
          >
            {props.options.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name)}
              </option>
            ))}
          </select>
        )}
      </div>
      <Plot
        traces={props.traces}
        xTitle="epoch"
        integerX
        yTitle={props.yTitle}
        testId={props.testId}
        height={260}
      />
    </section>
  );
}
