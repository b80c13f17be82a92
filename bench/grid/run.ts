/**
 * Grid benchmark: how fast the engine serves row windows of a 1,000,000-row dataset version
 * (`api.datasets.rows`), against pandas, which must read the CSV before it can show any row.
 *
 *   bash bench/setup.sh && npm run bench:grid
 *
 * Target: first rows within 1 s of opening (fresh engine on a workspace that holds the version).
 * The browser-side grid is measured by bench/grid/browser.ts (`npm run bench:grid:browser`).
 * Exits 0 whether or not the target is met.
 */
import { availableParallelism, totalmem } from 'node:os';
import { ensureSyntheticCsv, repoRoot } from '../lib/synthetic-csv.js';
import {
  formatMb,
  formatMs,
  formatRatio,
  formatSeconds,
  num,
  pandasMissingMessage,
  pandasVersion,
  printTable,
  runChild,
  runPython,
  verdict,
} from '../lib/measure.js';

const rows = 1_000_000;
const windowSize = 100;
const randomWindows = 200;
const sortedWindows = 20;
const sortColumn = 'amount';
const firstRowsTargetMs = 1000;

/** The same seeded offsets for both sides, so they fetch the same windows. */
function seededOffsets(count: number, seed: number): number[] {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Array.from({ length: count }, () => Math.floor(random() * (rows - windowSize)));
}

// Windows are materialised as lists of rows (`.values.tolist()`), as Orchard returns them.
const pandasWindows = `
import json, resource, sys, time
import pandas
path, sort_column, offsets, sorted_offsets = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
W = ${windowSize}
def ms(start): return (time.perf_counter() - start) * 1000
def pct(values, p):
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]

t = time.perf_counter(); frame = pandas.read_csv(path); read_ms = ms(t)
t = time.perf_counter(); frame.iloc[0:W].values.tolist(); first_ms = ms(t)
n = len(frame)
t = time.perf_counter(); frame.iloc[max(0, n - W):n].values.tolist(); last_ms = ms(t)
random_ms = []
for o in offsets:
    t = time.perf_counter(); frame.iloc[o:o + W].values.tolist(); random_ms.append(ms(t))
t = time.perf_counter()
ordered = frame.sort_values(sort_column, ascending=False)
ordered.iloc[0:W].values.tolist()
sorted_first_ms = ms(t)
sorted_ms = []
for o in sorted_offsets:
    t = time.perf_counter(); ordered.iloc[o:o + W].values.tolist(); sorted_ms.append(ms(t))
print("BENCH_RESULT " + json.dumps({
    "rowCount": n,
    "readMs": read_ms,
    "firstWindowMs": first_ms,
    "timeToFirstRowsMs": read_ms + first_ms,
    "lastWindowMs": last_ms,
    "randomP50Ms": pct(random_ms, 50),
    "randomP95Ms": pct(random_ms, 95),
    "sortedFirstMs": sorted_first_ms,
    "sortedNextP50Ms": pct(sorted_ms, 50),
    "sortedNextP95Ms": pct(sorted_ms, 95),
    "firstSortedValue": float(ordered[sort_column].iloc[0]),
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

async function main(): Promise<void> {
  console.log(`Orchard grid benchmark — ${rows.toLocaleString('en')} rows, windows of ${windowSize}`);
  console.log(
    `machine: ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`,
  );

  const csv = await ensureSyntheticCsv(rows);
  console.log(
    `file: ${csv.path} (${(csv.bytes / 1e6).toFixed(1)} MB, ` +
      `${csv.generated ? `generated in ${csv.seconds.toFixed(1)} s` : 'cached'})`,
  );
  const offsets = JSON.stringify(seededOffsets(randomWindows, 7));
  const sortedOffsets = JSON.stringify(seededOffsets(sortedWindows, 11));

  console.log('\n[orchard] import (setup), reopen, row windows in a child process…');
  const orchard = await runChild(
    process.execPath,
    ['--import', 'tsx', 'bench/grid/orchard-grid.ts', csv.path, sortColumn, offsets, sortedOffsets],
    repoRoot,
  );
  if (!orchard.ok) console.log(`  orchard FAILED: ${orchard.reason}`);

  const version = pandasVersion();
  let pandas: Awaited<ReturnType<typeof runPython>> | null = null;
  if (version === null) {
    console.log(`\n[pandas] ${pandasMissingMessage}`);
  } else {
    console.log(`\n[pandas ${version}] read_csv, then iloc windows in a child process…`);
    pandas = await runPython(pandasWindows, [csv.path, sortColumn, offsets, sortedOffsets], repoRoot);
    if (!pandas.ok) console.log(`  pandas FAILED: ${pandas.reason}`);
  }

  const o = (key: string): number => (orchard.ok ? num(orchard.result, key) : Number.NaN);
  const p = (key: string): number => (pandas?.ok ? num(pandas.result, key) : Number.NaN);

  console.log('\nResults (ms unless marked)');
  printTable([
    ['measure', 'orchard', 'pandas'],
    [
      'load before first rows',
      `${formatMs(o('openMs'))} (engine open)`,
      `${formatMs(p('readMs'))} (read_csv)`,
    ],
    ['first window, offset 0', formatMs(o('firstWindowMs')), formatMs(p('firstWindowMs'))],
    ['time to first rows', formatMs(o('timeToFirstRowsMs')), formatMs(p('timeToFirstRowsMs'))],
    ['last window', formatMs(o('lastWindowMs')), formatMs(p('lastWindowMs'))],
    [`random windows p50 (n=${randomWindows})`, formatMs(o('randomP50Ms')), formatMs(p('randomP50Ms'))],
    [`random windows p95 (n=${randomWindows})`, formatMs(o('randomP95Ms')), formatMs(p('randomP95Ms'))],
    [`sorted by ${sortColumn} desc, first`, formatMs(o('sortedFirstMs')), formatMs(p('sortedFirstMs'))],
    [`sorted, next p50 (n=${sortedWindows})`, formatMs(o('sortedNextP50Ms')), formatMs(p('sortedNextP50Ms'))],
    [`sorted, next p95 (n=${sortedWindows})`, formatMs(o('sortedNextP95Ms')), formatMs(p('sortedNextP95Ms'))],
    ['peak RSS', formatMb(o('peakRssMb')), formatMb(p('peakRssMb'))],
  ]);
  if (orchard.ok) {
    console.log(
      `orchard setup (not in the figures above): import + profile of ${o('rowCount').toLocaleString('en')} rows ` +
        `took ${formatSeconds(o('importSeconds'))}`,
    );
    if (o('total') !== rows)
      console.log(`  WARNING: the version reports ${o('total')} rows, expected ${rows}`);
  }
  if (orchard.ok && pandas?.ok) {
    const a = orchard.result['firstSortedValue'];
    const b = pandas.result['firstSortedValue'];
    if (Number(a) !== Number(b))
      console.log(`  WARNING: largest ${sortColumn} differs: orchard ${String(a)}, pandas ${String(b)}`);
  }
  const ratio = p('timeToFirstRowsMs') / o('timeToFirstRowsMs');
  console.log(
    `ratio pandas / orchard time to first rows: ${formatRatio(ratio)} (>1 means Orchard is faster)`,
  );
  const sortedRatio = p('sortedFirstMs') / o('sortedFirstMs');
  console.log(`ratio pandas / orchard first sorted window: ${formatRatio(sortedRatio)}`);

  console.log('\nTargets');
  const firstRows = o('timeToFirstRowsMs');
  console.log(
    verdict(
      'first rows within 1 s of opening',
      Number.isFinite(firstRows) ? firstRows <= firstRowsTargetMs : null,
      `${formatMs(firstRows)} (engine open + first window)`,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('benchmark did not complete (see the error above); no figures to report');
});
