/**
 * Validation benchmark: a 25-check suite over 10,000,000 rows × 20 columns, Orchard's
 * `validation.run` against the same checks written with pandas, each in its own process, wall time
 * and peak RSS, in one run.
 *
 *   bash bench/setup.sh && npm run bench:validate
 *
 * Target: Orchard's run is readable within 5 s of `validation.run` on this 2-core machine. Exits 0
 * whether or not it is met: it is a benchmark, not a test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import type { ChildOutcome } from '../lib/measure.js';
import { repoRoot } from '../lib/synthetic-csv.js';
import { ensureCsvCopy, ensureSyntheticParquet } from '../lib/synthetic-parquet.js';
import type { SyntheticParquet } from '../lib/synthetic-parquet.js';
import { validationChecks } from './suite.js';

const rows = 10_000_000;
const referenceRows = 1_000_000;
const targetSeconds = 5;

/** How pandas reads the CSV: category dtype for the low-cardinality strings, parsed dates. */
const pandasReadOptions = {
  categorical: ['region', 'channel', 'segment', 'country'],
  dates: ['signup_date', 'last_active'],
};

const pandasProgram = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'pandas_checks.py'), 'utf8');

interface CheckOutcome {
  readonly checkId: string;
  readonly passed: boolean;
  readonly failingRows: number;
  readonly observed: string;
}

function checkOutcomes(outcome: ChildOutcome | null): Map<string, CheckOutcome> {
  if (!outcome?.ok || !Array.isArray(outcome.result['results'])) return new Map();
  return new Map((outcome.result['results'] as CheckOutcome[]).map((r) => [r.checkId, r]));
}

function describeFile(label: string, file: SyntheticParquet): void {
  console.log(
    `${label}: ${file.path} (${(file.bytes / 1e6).toFixed(1)} MB, ` +
      `${file.generated ? `generated in ${file.seconds.toFixed(1)} s` : 'cached'})`,
  );
}

async function runOrchard(
  data: string,
  reference: string,
): Promise<{ setup: ChildOutcome; run: ChildOutcome | null }> {
  const workspace = mkdtempSync(join(tmpdir(), 'orchard-bench-validate-'));
  try {
    console.log('\n[orchard] setup (not timed against the target): import reference + data, save the suite…');
    const setup = await runChild(
      process.execPath,
      ['--import', 'tsx', 'bench/validate/orchard-setup.ts', workspace, data, reference, String(rows)],
      repoRoot,
    );
    if (!setup.ok) {
      console.log(`  orchard setup FAILED: ${setup.reason}`);
      return { setup, run: null };
    }
    const r = setup.result;
    console.log(
      `  reference imported in ${formatSeconds(num(r, 'referenceSeconds'))}, ` +
        `data in ${formatSeconds(num(r, 'importSeconds'))} (${num(r, 'rowCount').toLocaleString('en')} rows, ` +
        `${num(r, 'columnCount')} columns), suite of ${num(r, 'checkCount')} checks saved; ` +
        `setup peak RSS ${formatMb(num(r, 'peakRssMb'))}`,
    );
    console.log(`  column types: ${JSON.stringify(r['columnTypes'])}`);
    console.log('\n[orchard] validation.run in a fresh process…');
    const run = await runChild(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/validate/orchard-validate.ts',
        workspace,
        String(r['versionId']),
        String(r['suiteVersionId']),
      ],
      repoRoot,
    );
    if (!run.ok) console.log(`  orchard validation FAILED: ${run.reason}`);
    return { setup, run };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const checks = validationChecks(rows);
  console.log(
    `Orchard validation benchmark — ${rows.toLocaleString('en')} rows × 20 columns, ${checks.length} checks`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`,
  );

  const data = await ensureSyntheticParquet(rows);
  describeFile('data', data);
  // The distribution checks' reference: the next 1M rows of the same generator, a separate version.
  const reference = await ensureSyntheticParquet(referenceRows, { start: rows });
  describeFile('reference', reference);

  const orchard = await runOrchard(data.path, reference.path);

  const version = pandasVersion();
  let pandas: ChildOutcome | null = null;
  if (version === null) {
    console.log(`\n[pandas] ${pandasMissingMessage}`);
  } else {
    // The system pandas has no pyarrow (Debian bookworm does not package it), so it reads CSV copies.
    const dataCsv = await ensureCsvCopy(data);
    describeFile('\n[pandas] data as CSV', dataCsv);
    const referenceCsv = await ensureCsvCopy(reference);
    describeFile('[pandas] reference as CSV', referenceCsv);
    console.log(`[pandas ${version}] read_csv + ${checks.length} checks in a child process…`);
    pandas = await runPython(
      pandasProgram,
      [dataCsv.path, referenceCsv.path, JSON.stringify(checks), JSON.stringify(pandasReadOptions)],
      repoRoot,
    );
    if (!pandas.ok) console.log(`  pandas FAILED: ${pandas.reason}`);
  }

  const run = orchard.run?.ok ? orchard.run.result : null;
  const orchardSeconds = run ? num(run, 'wallSeconds') : Number.NaN;
  const orchardRss = run ? num(run, 'peakRssMb') : Number.NaN;
  const p = pandas?.ok ? pandas.result : null;
  const pandasLoad = p ? num(p, 'loadDataSeconds') + num(p, 'loadReferenceSeconds') : Number.NaN;
  const pandasChecks = p ? num(p, 'checksSeconds') : Number.NaN;
  const pandasLoadRss = p ? num(p, 'rssAfterLoadMb') : Number.NaN;
  const pandasRss = p ? num(p, 'peakRssMb') : Number.NaN;

  console.log('\nResults');
  printTable(
    [
      ['side', 'what is timed', 'wall', 'peak RSS'],
      [
        'orchard',
        `validation.run → getRun readable (${checks.length} checks)`,
        formatSeconds(orchardSeconds),
        formatMb(orchardRss),
      ],
      ['pandas', 'read_csv of data + reference', formatSeconds(pandasLoad), formatMb(pandasLoadRss)],
      [
        'pandas',
        `${checks.length} checks on the loaded frame`,
        formatSeconds(pandasChecks),
        formatMb(pandasRss),
      ],
      ['pandas', 'load + checks', formatSeconds(pandasLoad + pandasChecks), formatMb(pandasRss)],
    ],
    2,
  );
  if (run) {
    console.log(
      `orchard detail: engine open ${formatSeconds(num(run, 'openSeconds'))} (not timed), ` +
        `run's own durationMs ${num(run, 'engineDurationMs').toFixed(0)} ms, status ${String(run['status'])}, ` +
        `RSS after open ${formatMb(num(run, 'rssBeforeMb'))}`,
    );
  }
  if (p) {
    console.log(
      `pandas detail: data read ${formatSeconds(num(p, 'loadDataSeconds'))}, reference read ` +
        `${formatSeconds(num(p, 'loadReferenceSeconds'))}, scipy ${p['scipy'] ? 'used for KS' : 'absent (numpy KS)'}`,
    );
  }
  console.log(
    `ratio pandas_checks / orchard_run: ${formatRatio(pandasChecks / orchardSeconds)}; ` +
      `pandas_load_and_checks / orchard_run: ${formatRatio((pandasLoad + pandasChecks) / orchardSeconds)} ` +
      '(>1 means Orchard is faster)',
  );

  // Check by check: both sides' verdict and failing rows, and whether the verdicts agree.
  const orchardChecks = checkOutcomes(orchard.run);
  const pandasChecksById = checkOutcomes(pandas);
  const timeById = new Map(
    (p && Array.isArray(p['results']) ? (p['results'] as { checkId: string; seconds: number }[]) : []).map(
      (r) => [r.checkId, r.seconds],
    ),
  );
  const show = (c: CheckOutcome | undefined): string =>
    c ? `${c.passed ? 'pass' : 'FAIL'} ${c.failingRows.toLocaleString('en')}` : '—';
  let disagreements = 0;
  const table: string[][] = [
    ['check', 'orchard', 'orchard observed', 'pandas', 'pandas observed', 'pandas time', 'agree'],
  ];
  for (const check of checks) {
    const id = check.id ?? check.kind;
    const o = orchardChecks.get(id);
    const q = pandasChecksById.get(id);
    const agree = o && q ? (o.passed === q.passed ? 'yes' : 'NO') : '—';
    if (agree === 'NO') disagreements++;
    table.push([
      id,
      show(o),
      o?.observed ?? '',
      show(q),
      q?.observed ?? '',
      formatSeconds(timeById.get(id) ?? Number.NaN),
      agree,
    ]);
  }
  console.log('\nChecks (verdict and failing rows per side)');
  printTable(table, 5);

  console.log('\nTargets');
  console.log(
    verdict(
      `Orchard ${checks.length}-check run on ${rows.toLocaleString('en')} rows under ${targetSeconds} s`,
      Number.isFinite(orchardSeconds) ? orchardSeconds < targetSeconds : null,
      `${formatSeconds(orchardSeconds)} (pandas: ${formatSeconds(pandasChecks)} checks, ` +
        `${formatSeconds(pandasLoad + pandasChecks)} with the load)`,
    ),
  );
  const compared = orchardChecks.size > 0 && pandasChecksById.size > 0;
  console.log(
    verdict(
      'sanity: Orchard and pandas give every check the same verdict',
      compared ? disagreements === 0 : null,
      compared ? `${disagreements} of ${checks.length} differ` : 'needs both sides',
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('benchmark did not complete (see the error above); no figures to report');
});
