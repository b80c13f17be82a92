import type { ColumnProfile, DatasetVersion } from '../contract/index.js';

/** Plain aligned columns for terminal tables. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(4);
}

export function describeVersion(v: DatasetVersion): string[] {
  return [
    v.id,
    `v${v.number}`,
    v.rowCount.toLocaleString('en-US'),
    String(v.columns.length),
    v.source.format,
    v.createdAt,
  ];
}

export function describeColumnProfile(c: ColumnProfile): string[] {
  const stats = c.numeric
    ? `min ${formatNumber(c.numeric.min)}  mean ${formatNumber(c.numeric.mean)}  max ${formatNumber(c.numeric.max)}`
    : c.range
      ? `${c.range.min ?? ''} … ${c.range.max ?? ''}`
      : (c.topValues ?? [])
          .slice(0, 3)
          .map((t) => `${t.value} (${t.count})`)
          .join(', ');
  return [c.name, c.type, formatNumber(c.missing), formatNumber(c.distinct), stats];
}
