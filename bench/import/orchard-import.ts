/**
 * Orchard's side of the import benchmark, run as its own process by `run.ts` so its peak RSS is
 * its own: open an engine on a fresh temporary workspace, import FILE to a registered, profiled
 * dataset version, and report wall time and peak RSS.
 *
 *   node --import tsx bench/import/orchard-import.ts FILE
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMb, reportResult } from '../lib/measure.js';
import { importAndProfile, openOrchard } from '../lib/orchard-session.js';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node --import tsx bench/import/orchard-import.ts FILE');
  const workspace = mkdtempSync(join(tmpdir(), 'orchard-bench-import-'));
  const rssBeforeMb = peakRssMb();
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const session = await openOrchard(workspace);
    const opened = performance.now();
    let lastProgress = 0;
    const version = await importAndProfile(session.api, file, (message) => {
      // Progress to stderr at most every two seconds, so a long import shows it is alive.
      const now = performance.now();
      if (now - lastProgress > 2000) {
        lastProgress = now;
        process.stderr.write(`  orchard: ${message}\n`);
      }
    });
    const finished = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    await session.close();
    reportResult({
      wallSeconds: (finished - started) / 1000,
      // User + system time of every thread (DuckDB's included): on a busy machine a steadier
      // measure of the work done than wall time.
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      openSeconds: (opened - started) / 1000,
      importSeconds: (finished - opened) / 1000,
      peakRssMb: peakRssMb(),
      rssBeforeMb,
      ...version,
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reportResult({ error: message.split('\n')[0] ?? message });
  process.stderr.write(`orchard-import failed: ${message}\n`);
  process.exitCode = 1;
});
