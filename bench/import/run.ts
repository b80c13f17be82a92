/**
 * Import benchmark: Orchard's import + profile of a 5,000,000-row CSV against pandas reading the
 * same file, each in its own process, wall time and peak RSS, in one run.
 *
 *   bash bench/setup.sh && npm run bench:import
 *
 * Targets: Orchard's import + profile is faster than `pandas.read_csv` alone, and Orchard's peak
 * RSS stays under 1.5 GB. Exits 0 whether or not they are met: it is a benchmark, not a test.
 */
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { ensureSyntheticCsv, repoRoot } from '../lib/synthetic-csv.js';
import {
  formatMb,
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

const rows = 5_000_000;
const rssTargetMb = 1.5 * 1024;

const pandasReadCsv = `
import json, resource, sys, time
import pandas
started = time.perf_counter()
cpu_started = time.process_time()
frame = pandas.read_csv(sys.argv[1])
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started
print("BENCH_RESULT " + json.dumps({
    "wallSeconds": seconds,
    "cpuSeconds": cpu_seconds,
    "rows": int(len(frame)),
    "columns": int(len(frame.columns)),
    # ru_maxrss is in KiB on Linux.
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

async function main(): Promise<void> {
  console.log(`Orchard import benchmark — ${rows.toLocaleString('en')} rows`);
  console.log(
    `machine: ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`,
  );

  const csv = await ensureSyntheticCsv(rows);
  console.log(
    `file: ${csv.path} (${(csv.bytes / 1e6).toFixed(1)} MB, ` +
      `${csv.generated ? `generated in ${csv.seconds.toFixed(1)} s` : 'cached'})`,
  );

  console.log('\n[orchard] import + profile in a child process…');
  const orchard = await runChild(
    process.execPath,
    ['--import', 'tsx', 'bench/import/orchard-import.ts', csv.path],
    repoRoot,
  );
  if (!orchard.ok) console.log(`  orchard FAILED: ${orchard.reason}`);

  const version = pandasVersion();
  let pandas: Awaited<ReturnType<typeof runPython>> | null = null;
  if (version === null) {
    console.log(`\n[pandas] ${pandasMissingMessage}`);
  } else {
    console.log(`\n[pandas ${version}] pandas.read_csv in a child process…`);
    pandas = await runPython(pandasReadCsv, [csv.path], repoRoot);
    if (!pandas.ok) console.log(`  pandas FAILED: ${pandas.reason}`);
  }

  const orchardSeconds = orchard.ok ? num(orchard.result, 'wallSeconds') : Number.NaN;
  const orchardRss = orchard.ok ? num(orchard.result, 'peakRssMb') : Number.NaN;
  const pandasSeconds = pandas?.ok ? num(pandas.result, 'wallSeconds') : Number.NaN;
  const pandasRss = pandas?.ok ? num(pandas.result, 'peakRssMb') : Number.NaN;
  const ratio = pandasSeconds / orchardSeconds;
  const orchardCpu = orchard.ok ? num(orchard.result, 'cpuSeconds') : Number.NaN;
  const pandasCpu = pandas?.ok ? num(pandas.result, 'cpuSeconds') : Number.NaN;

  console.log('\nResults');
  printTable(
    [
      ['side', 'what is timed', 'wall', 'cpu (all threads)', 'peak RSS'],
      [
        'orchard',
        'open engine + import + profile',
        formatSeconds(orchardSeconds),
        formatSeconds(orchardCpu),
        formatMb(orchardRss),
      ],
      [
        'pandas',
        'pandas.read_csv',
        formatSeconds(pandasSeconds),
        formatSeconds(pandasCpu),
        formatMb(pandasRss),
      ],
    ],
    2,
  );
  if (orchard.ok) {
    const r = orchard.result;
    console.log(
      `orchard detail: engine open ${formatSeconds(num(r, 'openSeconds'))}, import job ${formatSeconds(num(r, 'importSeconds'))}, ` +
        `version ${String(r['versionId'])} with ${num(r, 'rowCount').toLocaleString('en')} rows, ` +
        `${num(r, 'profiledColumns')} of ${num(r, 'columnCount')} columns profiled`,
    );
    if (num(r, 'rowCount') !== rows) console.log(`  WARNING: expected ${rows} rows in the version`);
  }
  console.log(
    `ratio pandas_read_time / orchard_import_time: ${formatRatio(ratio)} (>1 means Orchard is faster)`,
  );
  // The target is about wall time; CPU time (Orchard's spread over every core, pandas' on one) and
  // the load say how much of a difference between runs is other work on the machine.
  console.log(
    `load average after the run: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );

  console.log('\nTargets');
  console.log(
    verdict(
      'Orchard import + profile faster than pandas read_csv alone',
      Number.isFinite(ratio) ? ratio > 1 : null,
      `${formatSeconds(orchardSeconds)} vs ${formatSeconds(pandasSeconds)}`,
    ),
  );
  console.log(
    verdict(
      'Orchard peak RSS < 1.5 GB',
      Number.isFinite(orchardRss) ? orchardRss < rssTargetMb : null,
      formatMb(orchardRss),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('benchmark did not complete (see the error above); no figures to report');
});
