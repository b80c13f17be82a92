import { useEffect, useRef, useState } from 'react';
import type { ColumnProfile } from '../../../core/contract/schemas.js';
import { formatNumber } from '../format.js';

type Trace = Record<string, unknown>;

/** Bars for a column: histogram bins for numbers and dates, top values for categories and text. */
export function chartTraceOf(
  column: ColumnProfile,
): { trace: Trace; xType: 'linear' | 'date' | 'category' } | null {
  const isDate = column.type === 'date' || column.type === 'timestamp';
  if (column.histogram && column.histogram.counts.length > 0) {
    const { edges, counts } = column.histogram;
    const centers = counts.map((_, i) => ((edges[i] ?? 0) + (edges[i + 1] ?? 0)) / 2);
    const widths = counts.map((_, i) => (edges[i + 1] ?? 0) - (edges[i] ?? 0));
    const label = (value: number): string =>
      isDate ? new Date(value).toISOString().slice(0, 10) : formatNumber(value);
    return {
      trace: {
        type: 'bar',
        x: isDate ? centers.map((value) => new Date(value).toISOString()) : centers,
        y: counts,
        width: widths,
        text: counts.map((_, i) => `${label(edges[i] ?? 0)} – ${label(edges[i + 1] ?? 0)}`),
        // The bin range is for the hover label only, not printed on the bars.
        textposition: 'none',
        hovertemplate: '%{text}<br>%{y} rows<extra></extra>',
        marker: { color: '#3f7d58' },
      },
      xType: isDate ? 'date' : 'linear',
    };
  }
  if (column.topValues && column.topValues.length > 0) {
    return {
      trace: {
        type: 'bar',
        x: column.topValues.map((top) => top.value),
        y: column.topValues.map((top) => top.count),
        hovertemplate: '%{x}<br>%{y} rows<extra></extra>',
        marker: { color: '#3f7d58' },
      },
      xType: 'category',
    };
  }
  return null;
}

export function ColumnChart({ column }: { column: ColumnProfile }) {
  const plotRef = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const chart = chartTraceOf(column);

  useEffect(() => {
    const element = plotRef.current;
    const drawn = chartTraceOf(column);
    if (!element || !drawn) return undefined;
    let disposed = false;
    // Plotly is large; load it only when a chart is first opened.
    import('plotly.js-basic-dist-min')
      .then(({ default: Plotly }) => {
        if (disposed) return undefined;
        return Plotly.newPlot(
          element,
          [drawn.trace],
          {
            margin: { l: 56, r: 16, t: 16, b: 64 },
            height: 320,
            bargap: drawn.xType === 'category' ? 0.2 : 0.02,
            xaxis: { type: drawn.xType, title: { text: column.name }, automargin: true },
            yaxis: { title: { text: 'rows' }, rangemode: 'tozero' },
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
      void import('plotly.js-basic-dist-min').then(({ default: Plotly }) => Plotly.purge(element));
    };
  }, [column]);

  if (!chart) {
    return (
      <p className="muted" data-testid="column-chart-empty">
        No values to chart for {column.name}.
      </p>
    );
  }
  return (
    <div className="column-chart" data-testid="column-chart" data-column={column.name}>
      {failure !== null && <p className="error-message">Could not draw the chart: {failure}</p>}
      <div ref={plotRef} className="plot" data-testid="column-chart-plot" />
    </div>
  );
}
