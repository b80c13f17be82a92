const countFormat = new Intl.NumberFormat('en-US');
const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/** 10000 → "10,000". */
export function formatCount(count: number): string {
  return countFormat.format(count);
}

/** A statistic for reading, not for copying: six significant digits. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return numberFormat.format(value);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
