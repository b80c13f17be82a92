/** One CSV field as RFC 4180 writes it: quoted (with doubled quotes) only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
