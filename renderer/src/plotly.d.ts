// plotly.js-basic-dist-min ships no types; this declares the small part the charts use.
declare module 'plotly.js-basic-dist-min' {
  interface PlotlyStatic {
    newPlot(
      root: HTMLElement,
      data: ReadonlyArray<Record<string, unknown>>,
      layout?: Record<string, unknown>,
      config?: Record<string, unknown>,
    ): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): void };
  }
  const Plotly: PlotlyStatic;
  export default Plotly;
}
