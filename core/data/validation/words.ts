/** Numbers in the sentences a reviewer reads in a validation report. */

/** `10000` → `10,000`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A share as a percentage with the digits that matter: `0.032` → `3.2%`, `0.00012` → `0.012%`. */
export function formatShare(share: number): string {
  const percent = share * 100;
  if (percent === 0) return '0%';
  if (Number.isInteger(percent)) return `${percent}%`;
  if (percent < 0.1) return `${Number(percent.toPrecision(2))}%`;
  return `${Number(percent.toFixed(1))}%`;
}

/** A p-value: `p = 0.042`, `p = 3.1e-12`. */
export function formatPValue(p: number): string {
  if (p === 0) return 'p < 1e-300';
  return p >= 0.001 ? `p = ${Number(p.toPrecision(2))}` : `p = ${p.toExponential(1)}`;
}

/** A statistic to three significant digits. */
export function formatStatistic(value: number): string {
  return String(Number(value.toPrecision(3)));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
