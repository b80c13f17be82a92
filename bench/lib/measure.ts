/**
 * Running the two sides of a benchmark in their own processes (so each peak RSS is its own), and
 * printing the figures. A child reports by printing one line `BENCH_RESULT <json>` on stdout;
 * everything else it prints is passed through for the reader.
 */
import { spawn, spawnSync } from 'node:child_process';

export const resultMarker = 'BENCH_RESULT ';
export const python = '/usr/bin/python3';

/** Prints the line a parent process picks up; call once at the end of a child. */
export function reportResult(result: Readonly<Record<string, unknown>>): void {
  process.stdout.write(`${resultMarker}${JSON.stringify(result)}\n`);
}

/** Peak resident set of this process so far, in MB (`maxRSS` is in KiB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export type ChildOutcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

/** Runs a command, streams its stderr and non-result stdout, and parses its `BENCH_RESULT` line. */
export function runChild(command: string, args: readonly string[], cwd: string): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    let result: Record<string, unknown> | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(resultMarker)) {
          result = JSON.parse(line.slice(resultMarker.length)) as Record<string, unknown>;
        } else {
          process.stdout.write(`  | ${line}\n`);
        }
      }
    });
    child.on('error', (error) =>
      resolve({ ok: false, reason: `could not start ${command}: ${error.message}` }),
    );
    child.on('close', (code, signal) => {
      if (result && code === 0) resolve({ ok: true, result });
      else if (result && typeof result['error'] === 'string') resolve({ ok: false, reason: result['error'] });
      else resolve({ ok: false, reason: `${command} exited with ${signal ?? `code ${code}`} and no result` });
    });
  });
}

/** Whether `/usr/bin/python3` can import pandas; the version string when it can. */
export function pandasVersion(): string | null {
  const probe = spawnSync(python, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

export const pandasMissingMessage =
  'pandas is not available to /usr/bin/python3, so there is no peer to compare against.\n' +
  '  Install it with `bash bench/setup.sh` (apt-get install python3-pandas) and rerun.';

/** Runs a Python program given as a string with arguments; it must print `BENCH_RESULT <json>`. */
export function runPython(program: string, args: readonly string[], cwd: string): Promise<ChildOutcome> {
  return runChild(python, ['-c', program, ...args], cwd);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p % of the sample at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function num(result: Record<string, unknown>, key: string): number {
  const value = result[key];
  if (typeof value !== 'number')
    throw new Error(`benchmark result has no number "${key}": ${JSON.stringify(result)}`);
  return value;
}

export function formatSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? `${seconds.toFixed(3)} s` : 'n/a';
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

export function formatMb(mb: number): string {
  return Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : 'n/a';
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';
}

/** Prints an aligned plain-text table; the first row is the header, the first `textColumns` align left. */
export function printTable(rows: ReadonlyArray<readonly string[]>, textColumns = 1): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column < textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('   ');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const row of rows.slice(1)) console.log(line(row));
}

/** One target line: `PASS` or `MISSED`, with what was measured. */
export function verdict(label: string, passed: boolean | null, detail: string): string {
  const status = passed === null ? 'UNKNOWN' : passed ? 'PASS' : 'MISSED';
  return `  [${status.padEnd(7)}] ${label}: ${detail}`;
}
