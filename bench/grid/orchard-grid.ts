/**
 * Orchard's side of the grid benchmark, run as its own process by `run.ts`: import FILE into a
 * fresh workspace, close the engine, then open it again (as a user reopening the app) and time
 * engine-side row windows through `api.datasets.rows`.
 *
 *   node --import tsx bench/grid/orchard-grid.ts FILE SORT_COLUMN OFFSETS_JSON SORTED_OFFSETS_JSON
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMb, percentile, reportResult } from '../lib/measure.js';
import { importAndProfile, openOrchard } from '../lib/orchard-session.js';
import type { OrchardApi } from '../../core/contract/client.js';

const windowSize = 100;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function timeWindows(
  api: OrchardApi,
  versionId: string,
  offsets: readonly number[],
  sort?: { column: string; direction: 'asc' | 'desc' },
): Promise<number[]> {
  const times: number[] = [];
  for (const offset of offsets) {
    const { ms, value } = await timed(() =>
      api.datasets.rows({ versionId, offset, limit: windowSize, ...(sort ? { sort: [sort] } : {}) }),
    );
    if (value.rows.length === 0) throw new Error(`empty window at offset ${offset}`);
    times.push(ms);
  }
  return times;
}

async function main(): Promise<void> {
  const [file, sortColumn, offsetsJson, sortedOffsetsJson] = process.argv.slice(2);
  if (!file || !sortColumn || !offsetsJson || !sortedOffsetsJson) {
    throw new Error('usage: orchard-grid.ts FILE SORT_COLUMN OFFSETS_JSON SORTED_OFFSETS_JSON');
  }
  const offsets = JSON.parse(offsetsJson) as number[];
  const sortedOffsets = JSON.parse(sortedOffsetsJson) as number[];
  const workspace = mkdtempSync(join(tmpdir(), 'orchard-bench-grid-'));
  try {
    // Setup, timed for information only: the dataset version the grid will show.
    const importStarted = performance.now();
    const first = await openOrchard(workspace);
    const { versionId, rowCount } = await importAndProfile(first.api, file);
    await first.close();
    const importSeconds = (performance.now() - importStarted) / 1000;

    // "Opening": a fresh engine on the workspace, then the first window the grid asks for.
    const openStarted = performance.now();
    const session = await openOrchard(workspace);
    const openMs = performance.now() - openStarted;
    const { api } = session;
    const firstWindow = await timed(() => api.datasets.rows({ versionId, offset: 0, limit: windowSize }));
    const total = firstWindow.value.total;
    const lastWindow = await timed(() =>
      api.datasets.rows({ versionId, offset: Math.max(0, total - windowSize), limit: windowSize }),
    );
    const random = await timeWindows(api, versionId, offsets);
    const sort = { column: sortColumn, direction: 'desc' as const };
    const sortedFirst = await timed(() =>
      api.datasets.rows({ versionId, offset: 0, limit: windowSize, sort: [sort] }),
    );
    const sortedNext = await timeWindows(api, versionId, sortedOffsets, sort);
    await session.close();

    reportResult({
      rowCount,
      total,
      importSeconds,
      openMs,
      firstWindowMs: firstWindow.ms,
      timeToFirstRowsMs: openMs + firstWindow.ms,
      lastWindowMs: lastWindow.ms,
      randomP50Ms: percentile(random, 50),
      randomP95Ms: percentile(random, 95),
      sortedFirstMs: sortedFirst.ms,
      sortedNextP50Ms: percentile(sortedNext, 50),
      sortedNextP95Ms: percentile(sortedNext, 95),
      firstSortedValue: sortedFirst.value.rows[0]?.[sortedFirst.value.columns.indexOf(sortColumn)] ?? null,
      peakRssMb: peakRssMb(),
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  reportResult({ error: message.split('\n')[0] ?? message });
  process.stderr.write(`orchard-grid failed: ${message}\n`);
  process.exitCode = 1;
});
