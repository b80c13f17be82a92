import type { Histogram } from '../contract/schemas.js';
import { finiteOrNull } from './cells.js';
import { histogramBins, quantileLevels } from './profile-plan.js';
import type { Bounds } from './profile-plan.js';

/** Equal-width bins over `bounds`, from per-bin counts (bin index → count). */
export function histogramOf(bounds: Bounds, binCounts: Readonly<Record<string, number>>): Histogram {
  const counts = new Array<number>(histogramBins).fill(0);
  for (const [bin, count] of Object.entries(binCounts)) counts[Number(bin)] = Number(count);
  if (bounds.max === bounds.min) {
    // One value only: a single bin holding it, so edges still bracket the data.
    return { edges: [bounds.min, bounds.max], counts: [counts.reduce((a, b) => a + b, 0)] };
  }
  const width = (bounds.max - bounds.min) / histogramBins;
  const edges = Array.from({ length: histogramBins + 1 }, (_unused, i) =>
    i === histogramBins ? bounds.max : bounds.min + i * width,
  );
  return { edges, counts };
}

/** Bin width as bound into SQL (and used by the JS binning of value counts, so both agree). */
export function binWidth(bounds: Bounds): number {
  const width = (bounds.max - bounds.min) / histogramBins;
  return width > 0 ? width : 1;
}

/**
 * A column with no missing value whose value minus `_row_id` is the same on every row holds
 * min, min + 1, …, max once each: its distinct count is the row count, and its quantiles and
 * histogram follow by arithmetic (exactly what `quantile_cont` and the binned count would give)
 * without sorting or binning millions of values.
 */
export function sequenceProfile(
  bounds: Bounds,
  rows: number,
): { quantiles: Array<number | null>; histogram: Histogram } {
  const quantiles = quantileLevels.map((level) => {
    // As quantile_cont: order statistics ⌊h⌋ and ⌈h⌉ (here min + k), interpolated lo + (hi − lo)·(h − ⌊h⌋).
    const h = (rows - 1) * level;
    const lo = bounds.min + Math.floor(h);
    const hi = bounds.min + Math.ceil(h);
    return finiteOrNull(lo + (hi - lo) * (h - Math.floor(h)));
  });
  // The SQL binning is least(floor((v − min) / width), bins − 1) with v − min = k, an exact DOUBLE for
  // k = 0…rows − 1; `firstOf(b)` is the smallest k landing in bin b or later, found the same way.
  const width = binWidth(bounds);
  const binOf = (k: number): number => Math.min(Math.floor(k / width), histogramBins - 1);
  const firstOf = (bin: number): number => {
    let k = Math.min(rows, Math.max(0, Math.ceil(bin * width)));
    while (k > 0 && binOf(k - 1) >= bin) k -= 1;
    while (k < rows && binOf(k) < bin) k += 1;
    return k;
  };
  const binCounts: Record<string, number> = {};
  for (let bin = 0; bin < histogramBins; bin++) {
    const count = (bin === histogramBins - 1 ? rows : firstOf(bin + 1)) - firstOf(bin);
    if (count > 0) binCounts[bin] = count;
  }
  return { quantiles, histogram: histogramOf(bounds, binCounts) };
}

/**
 * `quantile_cont` on sorted (value, count) pairs: position h = (n − 1)·p between the order
 * statistics ⌊h⌋ and ⌈h⌉, interpolated as DuckDB does (lo + (hi − lo)·(h − ⌊h⌋)).
 */
export function quantilesOfCounts(
  values: readonly number[],
  counts: readonly number[],
  levels: readonly number[],
): Array<number | null> {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return levels.map(() => null);
  // Cumulative count up to and including each value: order statistic k is values[first i with cumulative > k].
  const cumulative: number[] = [];
  let running = 0;
  for (const count of counts) cumulative.push((running += count));
  const orderStatistic = (k: number): number => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) > k) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] ?? Number.NaN;
  };
  return levels.map((level) => {
    const h = (total - 1) * level;
    const floor = Math.floor(h);
    const lo = orderStatistic(floor);
    if (h === floor) return finiteOrNull(lo);
    const hi = orderStatistic(Math.ceil(h));
    return finiteOrNull(lo + (hi - lo) * (h - floor));
  });
}

/** Everything a numeric profile reports, as computed from one column's value counts. */
export interface CountedColumn {
  readonly count: number;
  readonly distinct: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1), as DuckDB's `stddev_samp`. */
  readonly std: number | null;
  readonly quantiles: Array<number | null>;
  readonly histogram: Histogram | null;
}

/**
 * A numeric column's statistics from its distinct values (ascending) and how often each occurs:
 * exact quantiles and histogram, and mean and std in two passes over the (few) distinct values,
 * which is as accurate as DuckDB's streaming `avg` and `stddev_samp` over the rows.
 */
export function countedColumn(values: readonly number[], counts: readonly number[]): CountedColumn {
  const count = counts.reduce((a, b) => a + b, 0);
  const first = values[0];
  const last = values[values.length - 1];
  const bounds = first !== undefined && last !== undefined ? { min: first, max: last } : null;
  let mean: number | null = null;
  let std: number | null = null;
  if (count > 0) {
    let sum = 0;
    values.forEach((value, i) => (sum += value * (counts[i] ?? 0)));
    const average = sum / count;
    mean = finiteOrNull(average);
    if (count > 1) {
      let squares = 0;
      values.forEach((value, i) => (squares += (counts[i] ?? 0) * (value - average) ** 2));
      std = finiteOrNull(Math.sqrt(squares / (count - 1)));
    }
  }
  let histogram: Histogram | null = null;
  if (bounds !== null) {
    const width = binWidth(bounds);
    const bins: Record<string, number> = {};
    values.forEach((value, i) => {
      const bin = Math.min(Math.floor((value - bounds.min) / width), histogramBins - 1);
      bins[bin] = (bins[bin] ?? 0) + (counts[i] ?? 0);
    });
    histogram = histogramOf(bounds, bins);
  }
  return {
    count,
    distinct: values.length,
    min: bounds === null ? null : finiteOrNull(bounds.min),
    max: bounds === null ? null : finiteOrNull(bounds.max),
    mean,
    std,
    quantiles: quantilesOfCounts(values, counts, quantileLevels),
    histogram,
  };
}
