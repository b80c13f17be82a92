import { useEffect, useRef, useState } from 'react';

export type Trace = Readonly<Record<string, unknown>>;

export interface PlotProps {
  readonly traces: readonly Trace[];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly testId: string;
  readonly height?: number;
  readonly xType?: 'linear' | 'log';
  readonly yRange?: readonly [number, number];
  /** Both axes fixed to 0–1 (ROC and calibration curves). */
  readonly unitSquare?: boolean;
  /** Whole-number ticks on x (epochs). */
  readonly integerX?: boolean;
}

export const traceColors = ['#2f6b47', '#c2571a', '#1a5fd0', '#8a3ea8', '#a3262a'];

/**
 * A plotly chart of line or scatter traces, redrawn when they change. `data-points` carries the
 * longest trace's length so tests (and people with devtools) can watch it grow without reading SVG.
 */
export function Plot({
  traces,
  xTitle,
  yTitle,
  testId,
  height = 280,
  xType,
  yRange,
  unitSquare,
  integerX,
}: PlotProps) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const points = Math.max(0, ...traces.map((trace) => (Array.isArray(trace['x']) ? trace['x'].length : 0)));

  useEffect(() => {
    const element = plotRef.current;
    if (!element) return undefined;
    let disposed = false;
    // Plotly is large; load it only when a chart is first drawn (as the profile chart does).
    import('plotly.js-basic-dist-min')
      .then(({ default: Plotly }) => {
        if (disposed) return undefined;
        return Plotly.newPlot(
          element,
          traces,
          {
            margin: { l: 56, r: 16, t: traces.length > 1 ? 32 : 12, b: 48 },
            height,
            xaxis: {
              title: { text: xTitle },
              type: xType ?? 'linear',
              automargin: true,
              ...(unitSquare ? { range: [0, 1] } : {}),
              ...(integerX ? { tickformat: 'd', ...(points <= 12 ? { dtick: 1 } : {}) } : {}),
            },
            yaxis: {
              title: { text: yTitle },
              automargin: true,
              ...(yRange ? { range: yRange } : {}),
              ...(unitSquare ? { range: [0, 1.02] } : {}),
            },
            // Above the plot, right-aligned, so it never covers the x axis title.
            legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1, yanchor: 'bottom' },
            showlegend: traces.length > 1,
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
            font: { family: 'system-ui, sans-serif', size: 12 },
          },
          { displayModeBar: false, responsive: true },
        );
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      disposed = true;
    };
  }, [traces, xTitle, yTitle, height, xType, yRange, unitSquare, integerX, points]);

  useEffect(() => {
    const element = plotRef.current;
    return () => {
      if (element)
        void import('plotly.js-basic-dist-min').then(({ default: Plotly }) => Plotly.purge(element));
    };
  }, []);

  return (
    <div className="training-plot" data-testid={testId} data-points={points} data-traces={traces.length}>
      {failure !== null && <p className="error-message">Could not draw the chart: {failure}</p>}
      <div ref={plotRef} className="plot" style={{ minHeight: height }} />
    </div>
  );
}
