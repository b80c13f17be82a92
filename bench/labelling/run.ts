/**
 * Labelling benchmark (issue #3): a 100,000-image dataset and a 1,000,000-row table opened for
 * labelling — time to import the images (against a plain Python/PIL loop over the same folder), the
 * table's import, time to first item, keypress → next item p50/p95 against the 50 ms budget, and
 * the renderer's memory, in the real app (`orchard serve` + Debian Chromium).
 *
 *   bash bench/labelling/setup.sh && npm run build && npm run bench:labelling
 *   npm run bench:labelling -- --count 20000 --rows 1000000 --keys 200 --reopens 3
 *
 * Exits 0 whether or not the budget is met; read the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ensureSyntheticCsv, repoRoot } from '../lib/synthetic-csv.js';
import {
  formatMb,
  formatMs,
  formatRatio,
  formatSeconds,
  num,
  percentile,
  printTable,
  python,
  runChild,
  runPython,
  verdict,
} from '../lib/measure.js';
import type { ChildOutcome } from '../lib/measure.js';
import { checkBuild } from '../lib/orchard-serve.js';
import { ensureImageFolder, intOption } from './generate-images.js';
import { chromiumArgs, chromiumPath, openLabelSet } from './label-browser.js';
import type { LabelOpening, LabelTarget, RendererMemory } from './label-browser.js';
import { hotkeyOf, imageClasses, tableClasses } from './label-classes.js';

const latencyBudgetMs = 50;
const projectName = 'labelling-bench';

// The peer: what an importer such as Label Studio's or FiftyOne's does to each image at least —
// open it, decode every pixel, make a thumbnail (256 px, as Orchard's; PIL never enlarges, so
// images this small stay as they are, as Orchard keeps them as their own thumbnail). One process,
// one thread: a plain loop. Starting Python and importing PIL are not timed.
const pilImport = `
import json, os, resource, sys, time
from PIL import Image
import PIL
root = sys.argv[1]
extensions = ('.png', '.jpg', '.jpeg', '.webp')
started = time.perf_counter()
cpu_started = time.process_time()
paths = []
for folder, subfolders, names in os.walk(root):
    subfolders.sort()
    for name in sorted(names):
        if name.lower().endswith(extensions):
            paths.append(os.path.join(folder, name))
pixels = 0
for path in paths:
    with Image.open(path) as image:
        image.load()
        pixels += image.width * image.height
        image.thumbnail((256, 256))
seconds = time.perf_counter() - started
print("BENCH_RESULT " + json.dumps({
    "pil": PIL.__version__,
    "images": len(paths),
    "pixels": pixels,
    "wallSeconds": seconds,
    "cpuSeconds": time.process_time() - cpu_started,
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Reads every file under `dir` once, so both sides of the import start from the page cache. */
function readAll(dir: string): number {
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files += readAll(full);
    else {
      readFileSync(full);
      files++;
    }
  }
  return files;
}

function importChild(workspace: string, args: readonly string[]): Promise<ChildOutcome> {
  return runChild(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/labelling/orchard-import.ts',
      '--workspace',
      workspace,
      '--project',
      projectName,
      ...args,
    ],
    repoRoot,
  );
}

const pilAvailable = (): boolean => spawnSync(python, ['-c', 'import PIL'], { stdio: 'ignore' }).status === 0;

const mb = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} MB` : 'n/a');
const rate = (value: number, unit: string): string =>
  Number.isFinite(value) ? `${Math.round(value).toLocaleString('en')} ${unit}/s` : 'n/a';

interface SetResult {
  readonly name: string;
  readonly openings: LabelOpening[];
  readonly error: string | null;
  readonly loadDuring: string;
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

function memoryRows(label: string, memory: RendererMemory | undefined): string[][] {
  if (!memory) return [[label, 'n/a']];
  return [
    [`${label}: JS heap used`, mb(memory.jsHeapMb)],
    [`${label}: JS heap used after GC`, mb(memory.jsHeapAfterGcMb)],
    [
      `${label}: renderer private (USS) / PSS`,
      `${mb(memory.rendererPrivateMb)} / ${mb(memory.rendererPssMb)}`,
    ],
    [`${label}: DOM nodes`, Number.isFinite(memory.domNodes) ? String(memory.domNodes) : 'n/a'],
  ];
}

function printSet(result: SetResult): void {
  const first = result.openings[0];
  const labelled = first?.labelled ?? null;
  console.log(`\n${result.name} (load average during: ${result.loadDuring})`);
  if (result.error) console.log(`  FAILED: ${result.error}`);
  if (!first) return;
  const samples = labelled?.samplesMs ?? [];
  const afterPaint = labelled?.afterPaintSamplesMs ?? [];
  const times = (pick: (opening: LabelOpening) => number): string =>
    `${formatMs(median(result.openings.map(pick)))}  (${result.openings.map((o) => formatMs(pick(o))).join(', ')})`;
  printTable([
    ['measure', `median over ${result.openings.length} reopenings (each)`],
    ['orchard serve start → address printed', times((o) => o.serveStartMs)],
    ['page load → project listed', times((o) => o.appReadyMs)],
    ['Label tab click → first item in DOM', times((o) => o.firstItemDomMs)],
    ['Label tab click → frame showing first item', times((o) => o.firstItemMs)],
    ['Label tab click → first item, after paint', times((o) => o.firstItemAfterPaintMs)],
    ['first item row (1st, later reopenings)', result.openings.map((o) => String(o.firstRowId)).join(', ')],
  ]);
  if (!labelled) return;
  console.log(`labelling in the first opening: ${labelled.keys} class hotkeys`);
  printTable([
    ['measure', 'value'],
    ['latency samples', String(samples.length)],
    ['keypress → next item p50', formatMs(percentile(samples, 50))],
    ['keypress → next item p95', formatMs(percentile(samples, 95))],
    ['keypress → next item max', formatMs(Math.max(...samples))],
    ['  the same keys → after the paint p50', formatMs(percentile(afterPaint, 50))],
    ['  the same keys → after the paint p95', formatMs(percentile(afterPaint, 95))],
    ['  the same keys → after the paint max', formatMs(Math.max(...afterPaint))],
    ['keys → all samples (Playwright pace)', formatSeconds(labelled.wallMs / 1000)],
    ['labels acknowledged by the engine', String(labelled.acknowledged)],
    ['last row shown', String(labelled.lastRowId)],
    ...memoryRows('at first item', first.memoryAtFirstItem),
    ...memoryRows(`after ${labelled.keys} labels`, labelled.memoryAfter),
  ]);
}

async function measureSet(
  name: string,
  workspace: string,
  target: LabelTarget,
  keys: readonly string[],
  reopens: number,
): Promise<SetResult> {
  const openings: LabelOpening[] = [];
  const before = load();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    for (let reopen = 1; reopen <= reopens; reopen++) {
      const opening = await openLabelSet(browser, workspace, target, reopen === 1 ? keys : []);
      openings.push(opening);
      const samples = opening.labelled?.samplesMs ?? [];
      console.log(
        `  reopening ${reopen}: first item (row ${opening.firstRowId}) ${formatMs(opening.firstItemMs)}` +
          (opening.labelled
            ? `; ${samples.length} keys: p50 ${formatMs(percentile(samples, 50))}, p95 ${formatMs(percentile(samples, 95))}`
            : ''),
      );
    }
    return { name, openings, error: null, loadDuring: `${before} → ${load()}` };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { name, openings, error: message, loadDuring: `${before} → ${load()}` };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const count = intOption(args, 'count', 100_000);
  const rows = intOption(args, 'rows', 1_000_000);
  const keyCount = intOption(args, 'keys', 200);
  const reopens = intOption(args, 'reopens', 3);
  const size = intOption(args, 'size', 64);
  console.log(
    `Orchard labelling benchmark — ${count.toLocaleString('en')} images (${size}×${size} PNG), ` +
      `${rows.toLocaleString('en')}-row table, ${keyCount} keys, ${reopens} reopenings`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}; ` +
      `load average ${load()}`,
  );

  const folder = await ensureImageFolder(count, { size });
  console.log(
    `images: ${folder.path} (${(folder.bytes / 1e6).toFixed(1)} MB, ` +
      `${folder.generated ? `generated in ${folder.seconds.toFixed(1)} s` : 'cached'})`,
  );
  const warmStarted = performance.now();
  const warmed = readAll(folder.path);
  console.log(
    `  read all ${warmed.toLocaleString('en')} files once (page cache), ` +
      `${formatSeconds((performance.now() - warmStarted) / 1000)}, not timed`,
  );

  const workspace = mkdtempSync(join(tmpdir(), 'orchard-bench-labelling-'));
  try {
    console.log(`\n[orchard] import the image folder in a child process… (load ${load()})`);
    const images = await importChild(workspace, [
      '--path',
      folder.path,
      '--dataset',
      'images',
      '--classes',
      imageClasses.join(','),
      '--suggestion-column',
      'folder',
    ]);
    const loadAfterOrchard = load();
    if (!images.ok) console.log(`  orchard FAILED: ${images.reason}`);

    let pil: ChildOutcome | null = null;
    if (!pilAvailable()) {
      console.log(
        `\n[pil] PIL is not available to ${python}: no peer. Run \`bash bench/labelling/setup.sh\` and rerun.`,
      );
    } else {
      console.log(
        `\n[pil] open + load() + thumbnail((256, 256)) of every image, one process… (load ${load()})`,
      );
      pil = await runPython(pilImport, [folder.path], repoRoot);
      if (!pil.ok) console.log(`  pil FAILED: ${pil.reason}`);
    }
    const loadAfterPil = load();

    const csv = await ensureSyntheticCsv(rows);
    console.log(
      `\ntable: ${csv.path} (${(csv.bytes / 1e6).toFixed(1)} MB, ` +
        `${csv.generated ? `generated in ${csv.seconds.toFixed(1)} s` : 'cached'})`,
    );
    console.log(`[orchard] import the table in a child process… (load ${load()})`);
    const table = await importChild(workspace, [
      '--path',
      csv.path,
      '--dataset',
      'table',
      '--classes',
      tableClasses.join(','),
      '--text-column',
      'note',
    ]);
    const loadAfterTable = load();
    if (!table.ok) console.log(`  orchard FAILED: ${table.reason}`);

    const sets: SetResult[] = [];
    const build = checkBuild();
    if (!build.present) {
      console.log('\ndist/ is missing: run `npm run build` first (orchard serve runs the compiled app).');
    } else if (!images.ok || !table.ok) {
      console.log('\nan import failed: no label sets to open in the browser.');
    } else {
      if (build.staleWarning) console.log(`\nWARNING: ${build.staleWarning}`);
      const imageKeys = Array.from({ length: keyCount }, (_, i) => hotkeyOf(i % imageClasses.length));
      const tableKeys = Array.from({ length: keyCount }, (_, i) => hotkeyOf(i % tableClasses.length));
      console.log(`\n[browser] image label set: ${reopens} reopenings, ${keyCount} keys in the first…`);
      sets.push(
        await measureSet(
          `Image label set (${count.toLocaleString('en')} images)`,
          workspace,
          { projectName, datasetName: 'images', itemKind: 'image' },
          imageKeys,
          reopens,
        ),
      );
      console.log(`[browser] table label set: ${reopens} reopenings, ${keyCount} keys in the first…`);
      sets.push(
        await measureSet(
          `Table label set (${rows.toLocaleString('en')} rows, text column note)`,
          workspace,
          { projectName, datasetName: 'table', itemKind: 'text' },
          tableKeys,
          reopens,
        ),
      );
    }

    // ---- Results ----
    const o = (key: string): number => (images.ok ? num(images.result, key) : Number.NaN);
    const p = (key: string): number => (pil?.ok ? num(pil.result, key) : Number.NaN);
    const orchardRate = o('rowCount') / o('importSeconds');
    const pilRate = p('images') / p('wallSeconds');
    const ratio = orchardRate / pilRate;
    console.log('\nImage import');
    printTable(
      [
        [
          'side',
          'what is timed',
          'wall',
          'images/s',
          'cpu (all threads)',
          'images/cpu-s',
          'peak RSS',
          'load after',
        ],
        [
          'orchard',
          'import job + version + profile readable',
          formatSeconds(o('importSeconds')),
          rate(orchardRate, 'img'),
          formatSeconds(o('cpuSeconds')),
          rate(o('rowCount') / o('cpuSeconds'), 'img'),
          formatMb(o('peakRssMb')),
          loadAfterOrchard,
        ],
        [
          `pil ${pil?.ok ? String(pil.result['pil']) : ''}`.trim(),
          'walk + open + load() + thumbnail',
          formatSeconds(p('wallSeconds')),
          rate(pilRate, 'img'),
          formatSeconds(p('cpuSeconds')),
          rate(p('images') / p('cpuSeconds'), 'img'),
          formatMb(p('peakRssMb')),
          loadAfterPil,
        ],
      ],
      2,
    );
    if (images.ok) {
      const r = images.result;
      console.log(
        `orchard detail: engine open ${formatSeconds(o('openSeconds'))}, import job ${formatSeconds(o('jobSeconds'))}, ` +
          `${o('rowCount').toLocaleString('en')} images in the version (${o('warnings')} warnings` +
          `${r['firstWarning'] ? `, e.g. ${String(r['firstWarning'])}` : ''}), ` +
          `label set made in ${formatMs(o('createSetSeconds') * 1000)}`,
      );
      if (o('rowCount') !== count) console.log(`  WARNING: expected ${count} images in the version`);
    }
    console.log(
      `ratio orchard images/s / pil images/s: ${formatRatio(ratio)} (>1 means Orchard is faster; Orchard also ` +
        'hashes every file and stores it, fsynced, in its object store)',
    );
    // On a shared machine each side gets what CPU the others leave it; per CPU-second is steadier.
    console.log(
      `ratio per CPU-second (images/cpu-s): ${formatRatio(o('rowCount') / o('cpuSeconds') / (p('images') / p('cpuSeconds')))}`,
    );

    if (table.ok) {
      const t = (key: string): number => num(table.result, key);
      console.log('\nTable import (no peer here: bench:import compares the CSV import with pandas)');
      printTable([
        ['measure', 'value'],
        ['import job + version + profile readable', formatSeconds(t('importSeconds'))],
        ['rows/s', rate(t('rowCount') / t('importSeconds'), 'rows')],
        ['cpu (all threads)', formatSeconds(t('cpuSeconds'))],
        ['peak RSS', formatMb(t('peakRssMb'))],
        ['rows, columns', `${t('rowCount').toLocaleString('en')}, ${t('columnCount')}`],
        ['label set made in', formatMs(t('createSetSeconds') * 1000)],
        ['load after', loadAfterTable],
      ]);
    }

    for (const set of sets) printSet(set);

    console.log(`\nload average at the end: ${load()}`);
    console.log('\nTargets');
    for (const set of sets) {
      const samples = set.openings[0]?.labelled?.samplesMs ?? [];
      const afterPaint = set.openings[0]?.labelled?.afterPaintSamplesMs ?? [];
      const p95 = percentile(samples, 95);
      console.log(
        verdict(
          `${set.name}: keypress → next item p95 < ${latencyBudgetMs} ms`,
          samples.length > 0 ? p95 < latencyBudgetMs : null,
          `${formatMs(p95)} over ${samples.length} keys` +
            (afterPaint.length > 0 ? ` (after the paint: ${formatMs(percentile(afterPaint, 95))})` : ''),
        ),
      );
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('benchmark did not complete (see the error above); no figures to report');
});
