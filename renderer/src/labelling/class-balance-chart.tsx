import { useEffect, useRef, useState } from 'react';

export interface BalanceBar {
  readonly name: string;
  readonly count: number;
  readonly color: string;
}

/**
 * A small plotly bar chart of how many items each class has in a label version. `data-bars` and
 * `data-counts` carry the numbers so tests (and devtools) need not read the SVG.
 */
export function ClassBalanceChart({ bars, testId }: { bars: readonly BalanceBar[]; testId: string }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const key = JSON.stringify(bars);
  useEffect(() => {
    const element = plotRef.current;
    if (!element) return undefined;
    let disposed = false;
    const data: readonly BalanceBar[] = JSON.parse(key) as BalanceBar[];
    // Plotly is large: loaded the first time a chart is drawn, like the other charts.
    import('plotly.js-basic-dist-min')
      .then(({ default: Plotly }) => {
        if (disposed) return undefined;
        return Plotly.newPlot(
          element,
          [
            {
              type: 'bar',
              x: data.map((bar) => bar.name),
              y: data.map((bar) => bar.count),
              marker: { color: data.map((bar) => bar.color) },
              hovertemplate: '%{x}: %{y}<extra></extra>',
            },
          ],
          {
            height: 140,
            margin: { l: 40, r: 8, t: 8, b: 36 },
            xaxis: { type: 'category', automargin: true },
            yaxis: { rangemode: 'tozero', automargin: true, tickformat: 'd' },
            paper_bgcolor: 'rgba(0,0,0,0)',
            plot_bgcolor: 'rgba(0,0,0,0)',
            font: { family: 'system-ui, sans-serif', size: 11 },
          },
          { displayModeBar: false, responsive: true },
        );
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      disposed = true;
      void import('plotly.js-basic-dist-min').then(({ default: Plotly }) => Plotly.purge(element));
    };
  }, [key]);
  return (
    <div
      className="class-balance"
      data-testid={testId}
      data-bars={bars.length}
      data-counts={bars.map((bar) => `${bar.name}=${bar.count}`).join(',')}
    >
      {failure !== null && <p className="error-message">Could not draw the chart: {failure}</p>}
      <div ref={plotRef} style={{ minHeight: 140 }} />
    </div>
  );
}
