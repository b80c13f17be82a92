/**
 * Phase timings of an import, printed to stderr when `ORCHARD_TIMINGS=1`; a no-op otherwise.
 * Used to see where an import spends its time (see bench/README.md).
 */
const enabled = process.env['ORCHARD_TIMINGS'] === '1';

/** Times `work` under `label` and prints its wall and process CPU time to stderr when enabled. */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const wall = ((performance.now() - started) / 1000).toFixed(3);
    // CPU time is the whole process's (all DuckDB threads), so it overlaps for concurrent phases.
    const cpuSeconds = ((used.user + used.system) / 1e6).toFixed(3);
    process.stderr.write(`[orchard timings] ${label}: ${wall} s wall, ${cpuSeconds} s cpu (process)\n`);
  }
}
