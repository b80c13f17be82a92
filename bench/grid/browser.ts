/**
 * Browser-side grid benchmark: a 1,000,000-row dataset version opened in the real app (browser
 * mode, Debian Chromium), against pandas, which must read the CSV before it can show any row.
 *
 *   npm run build && node --import tsx bench/grid/browser.ts
 *
 * Setup (not timed): the version is imported in-process into a fresh temporary workspace. Then,
 * REPEATS times, Orchard is reopened — a new `orchard serve` process and a new browser context —
 * and the bench selects the project, the dataset and the version, and measures:
 *   - click on the version → first grid row visible (in-page clock: the click's capture listener to
 *     the animation frame after a loaded row id is in the grid's viewport);
 *   - the `datasets.rows` requests the page sent over its WebSocket for that first screen;
 *   - End pressed in the grid → row 999,999 visible, and the requests that took;
 *   - the page's JS heap (CDP `Performance.getMetrics` JSHeapUsedSize after a forced GC).
 * Targets: first rows visible within 1 s of opening; scrolling to the end fetches only the windows
 * shown. Exits 0 whether or not they are met; read the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { rowWindowSize } from '../../renderer/src/grid/row-cache.js';
import { ensureSyntheticCsv, repoRoot } from '../lib/synthetic-csv.js';
import {
  formatMs,
  formatRatio,
  formatSeconds,
  num,
  pandasMissingMessage,
  pandasVersion,
  printTable,
  runPython,
  verdict,
} from '../lib/measure.js';
import { checkBuild, startServe } from '../lib/orchard-serve.js';
// Type only: the module is loaded in createVersion, so a broken engine source is reported, not fatal.
import type * as OrchardSession from '../lib/orchard-session.js';

const rows = 1_000_000;
const lastRowId = rows - 1;
const repeats = 5;
const firstRowsTargetMs = 1000;
/** No new `datasets.rows` request for this long counts as "done fetching". */
const quietMs = 300;
const waitTimeoutMs = 60_000;

const chromiumPath = process.env['ORCHARD_CHROMIUM'] ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The grid's own window (renderer/src/grid/row-cache.ts), so pandas materialises the same rows.
const pandasFirstRows = `
import json, resource, sys, time
import pandas
path, W = sys.argv[1], int(sys.argv[2])
def ms(start): return (time.perf_counter() - start) * 1000
t = time.perf_counter(); frame = pandas.read_csv(path); read_ms = ms(t)
t = time.perf_counter(); frame.iloc[0:W].values.tolist(); first_ms = ms(t)
n = len(frame)
t = time.perf_counter(); frame.iloc[max(0, n - W):n].values.tolist(); last_ms = ms(t)
print("BENCH_RESULT " + json.dumps({
    "rowCount": n,
    "readMs": read_ms,
    "firstWindowMs": first_ms,
    "timeToFirstRowsMs": read_ms + first_ms,
    "lastWindowMs": last_ms,
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

interface RowsRequest {
  readonly offset: number;
  readonly limit: number;
  readonly sentAt: number;
  receivedAt: number | null;
}

/** Every `datasets.rows` request the page sends over `/rpc`, with its round trip (Node clock). */
function recordRowRequests(page: Page): RowsRequest[] {
  const requests: RowsRequest[] = [];
  const byId = new Map<number, RowsRequest>();
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).pathname !== '/rpc') return;
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const message = JSON.parse(payload) as {
        type?: unknown;
        id?: unknown;
        method?: unknown;
        params?: { offset?: unknown; limit?: unknown };
      };
      if (message.type !== 'request' || message.method !== 'datasets.rows') return;
      const request: RowsRequest = {
        offset: Number(message.params?.offset),
        limit: Number(message.params?.limit),
        sentAt: performance.now(),
        receivedAt: null,
      };
      requests.push(request);
      if (typeof message.id === 'number') byId.set(message.id, request);
    });
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.startsWith('{"type":"response"')) return;
      const message = JSON.parse(payload) as { id?: unknown };
      const request = typeof message.id === 'number' ? byId.get(message.id) : undefined;
      if (request && request.receivedAt === null) request.receivedAt = performance.now();
    });
  });
  return requests;
}

/**
 * Arms an in-page stopwatch: it starts at the trigger (a click on a version, or End pressed) and
 * stops at the animation frame after a matching loaded row id is inside the grid's viewport
 * (`rowId` null: any loaded row). Read it with `readProbe`.
 */
async function armProbe(
  page: Page,
  trigger: 'version-click' | 'end-key',
  rowId: number | null,
): Promise<void> {
  await page.evaluate(
    ({ trigger, rowId }) => {
      const probe = { startAt: -1, shownAt: -1, frameAt: -1 };
      (window as unknown as { benchProbe: typeof probe }).benchProbe = probe;
      const start = (): void => {
        if (probe.startAt < 0) probe.startAt = performance.now();
      };
      if (trigger === 'version-click') {
        document.addEventListener(
          'click',
          (event) => {
            if ((event.target as Element | null)?.closest('[data-testid="version-item"]')) start();
          },
          { capture: true },
        );
      } else {
        document.addEventListener(
          'keydown',
          (event) => {
            if (event.key === 'End') start();
          },
          { capture: true },
        );
      }
      const shown = (): boolean => {
        const body = document.querySelector('[data-testid="grid-body"]');
        if (!body) return false;
        const view = body.getBoundingClientRect();
        for (const cell of document.querySelectorAll('[data-testid="grid-row-id"]')) {
          const text = cell.textContent ?? '';
          if (rowId === null ? !/^\d+$/.test(text) : text !== String(rowId)) continue;
          const box = cell.getBoundingClientRect();
          if (box.bottom > view.top && box.top < view.bottom) return true;
        }
        return false;
      };
      const observer = new MutationObserver(() => {
        if (probe.startAt < 0 || probe.shownAt >= 0 || !shown()) return;
        probe.shownAt = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => {
          probe.frameAt = performance.now();
        });
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['style', 'class'],
      });
    },
    { trigger, rowId },
  );
}

async function readProbe(page: Page): Promise<{ domMs: number; frameMs: number }> {
  await page.waitForFunction(
    () => (window as unknown as { benchProbe: { frameAt: number } }).benchProbe.frameAt >= 0,
    undefined,
    { timeout: waitTimeoutMs },
  );
  const probe = await page.evaluate(
    () =>
      (window as unknown as { benchProbe: { startAt: number; shownAt: number; frameAt: number } }).benchProbe,
  );
  return { domMs: probe.shownAt - probe.startAt, frameMs: probe.frameAt - probe.startAt };
}

/** Waits until every rendered row has its values and no new row request came for `quietMs`. */
async function settle(page: Page, requests: readonly RowsRequest[]): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="grid-row"]') !== null &&
      document.querySelector('.grid-row-loading') === null,
    undefined,
    { timeout: waitTimeoutMs },
  );
  for (;;) {
    const seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (requests.length === seen && requests.every((request) => request.receivedAt !== null)) return;
  }
}

interface RowsInView {
  /** Rows inside the grid's viewport. */
  readonly visible: number[];
  /** Rows the grid rendered: the visible ones plus its overscan. */
  readonly rendered: number[];
}

async function rowsInView(page: Page): Promise<RowsInView> {
  return page.evaluate(() => {
    const body = document.querySelector('[data-testid="grid-body"]');
    const view = body?.getBoundingClientRect();
    const visible: number[] = [];
    const rendered: number[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('[data-testid="grid-row"]')) {
      const index = Number(row.dataset['rowIndex']);
      rendered.push(index);
      const box = row.getBoundingClientRect();
      if (view && box.bottom > view.top && box.top < view.bottom) visible.push(index);
    }
    return { visible, rendered };
  });
}

/** Distinct windows of `size` rows (aligned at multiples of it) that hold these rows. */
function windowsOf(indexes: readonly number[], size: number): Set<number> {
  return new Set(indexes.map((index) => Math.floor(index / size)));
}

interface FetchCheck {
  readonly fetched: number;
  readonly inView: number;
  readonly rendered: number;
  /** Every fetched window holds a rendered row and none was fetched twice. */
  readonly onlyShown: boolean;
  readonly offsets: string;
}

function checkFetches(requests: readonly RowsRequest[], view: RowsInView, size: number): FetchCheck {
  const renderedWindows = windowsOf(view.rendered, size);
  const fetchedWindows = new Set(requests.map((request) => Math.floor(request.offset / size)));
  const onlyShown =
    fetchedWindows.size === requests.length &&
    requests.every(
      (request) =>
        request.offset % size === 0 &&
        request.limit === size &&
        renderedWindows.has(Math.floor(request.offset / size)),
    );
  return {
    fetched: requests.length,
    inView: windowsOf(view.visible, size).size,
    rendered: renderedWindows.size,
    onlyShown,
    offsets: requests.map((request) => `${request.offset}+${request.limit}`).join(', '),
  };
}

async function jsHeapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value;
    return used === undefined ? Number.NaN : used / 2 ** 20;
  } finally {
    await cdp.detach();
  }
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Repeat {
  readonly serveStartMs: number;
  readonly appReadyMs: number;
  readonly firstRowsDomMs: number;
  readonly firstRowsMs: number;
  readonly firstScreen: FetchCheck;
  readonly firstRowsRoundTripMs: number;
  readonly heapFirstScreenMb: number;
  readonly endDomMs: number;
  readonly endMs: number;
  readonly end: FetchCheck;
  readonly endRoundTripMs: number;
  readonly heapAfterEndMb: number;
}

function roundTrips(requests: readonly RowsRequest[]): number[] {
  return requests.flatMap((request) =>
    request.receivedAt === null ? [] : [request.receivedAt - request.sentAt],
  );
}

/** Reopens Orchard (new server, new browser context), opens the version, then jumps to its end. */
async function measureOnce(browser: Browser, workspace: string): Promise<Repeat> {
  const serve = await startServe(workspace);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx compiles this file with esbuild's keepNames, which wraps named inner functions of the
  // callbacks sent to page.evaluate in `__name(…)`; the page needs that helper.
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  try {
    const page = await context.newPage();
    const requests = recordRowRequests(page);
    const opened = performance.now();
    await page.goto(serve.url);
    const project = page.getByTestId('project-item').first();
    await project.waitFor({ timeout: waitTimeoutMs });
    const appReadyMs = performance.now() - opened;
    await project.click();
    const dataset = page.getByTestId('dataset-item').first();
    await dataset.getByTestId('dataset-name').click();
    const version = dataset.getByTestId('version-item').first();
    await version.waitFor({ timeout: waitTimeoutMs });
    if ((await page.getByTestId('grid-body').count()) > 0)
      throw new Error('a grid was already open before the version was clicked');

    await armProbe(page, 'version-click', null);
    const beforeOpen = requests.length;
    await version.click();
    const first = await readProbe(page);
    await settle(page, requests);
    const firstRequests = requests.slice(beforeOpen);
    const firstScreen = checkFetches(firstRequests, await rowsInView(page), rowWindowSize);
    const heapFirstScreenMb = await jsHeapUsedMb(page);

    const body = page.getByTestId('grid-body');
    await body.focus();
    await armProbe(page, 'end-key', lastRowId);
    const beforeEnd = requests.length;
    await body.press('End');
    const end = await readProbe(page);
    await settle(page, requests);
    const endRequests = requests.slice(beforeEnd);
    const endView = await rowsInView(page);
    if (!endView.visible.includes(lastRowId)) throw new Error(`row ${lastRowId} is not in view after End`);
    const endCheck = checkFetches(endRequests, endView, rowWindowSize);
    const heapAfterEndMb = await jsHeapUsedMb(page);

    return {
      serveStartMs: serve.startMs,
      appReadyMs,
      firstRowsDomMs: first.domMs,
      firstRowsMs: first.frameMs,
      firstScreen,
      firstRowsRoundTripMs: median(roundTrips(firstRequests)),
      heapFirstScreenMb,
      endDomMs: end.domMs,
      endMs: end.frameMs,
      end: endCheck,
      endRoundTripMs: median(roundTrips(endRequests)),
      heapAfterEndMb,
    };
  } finally {
    await context.close();
    await serve.stop();
  }
}

interface CreatedVersion {
  readonly rowCount: number;
  readonly columnCount: number;
}

/** Runs the built CLI (`bin/orchard.js`, the code `orchard serve` runs) and parses its `--json` output. */
function cliJson(workspace: string, args: readonly string[]): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    [join(repoRoot, 'bin', 'orchard.js'), '--workspace', workspace, ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  if (run.status !== 0) throw new Error(`orchard ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/**
 * The version the grid shows, imported and profiled in a fresh workspace through the engine API in
 * this process. If the engine sources do not load (a change in progress elsewhere in the tree), the
 * built CLI does the same import with the compiled code `orchard serve` runs.
 */
async function createVersion(workspace: string, file: string): Promise<CreatedVersion> {
  let session: typeof OrchardSession;
  try {
    session = await import('../lib/orchard-session.js');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.log(`  the engine sources do not load in-process (${reason});`);
    console.log('  importing with the built CLI instead (dist/, the same code orchard serve runs)');
    const project = 'bench-browser';
    cliJson(workspace, ['projects', 'create', project, '--json']);
    const { version } = cliJson(workspace, ['import', file, '--project', project, '--json']) as {
      version: { id: string; rowCount: number; columns: unknown[] };
    };
    cliJson(workspace, ['datasets', 'profile', version.id, '--json']);
    return { rowCount: version.rowCount, columnCount: version.columns.length };
  }
  const engine = await session.openOrchard(workspace);
  try {
    const imported = await session.importAndProfile(engine.api, file);
    return { rowCount: imported.rowCount, columnCount: imported.columnCount };
  } finally {
    await engine.close();
  }
}

function row(label: string, values: readonly number[], format: (value: number) => string): string[] {
  return [
    label,
    format(median(values)),
    format(Math.min(...values)),
    format(Math.max(...values)),
    values.map((value) => format(value)).join(', '),
  ];
}

const formatCount = (value: number): string => (Number.isFinite(value) ? String(value) : 'n/a');

async function main(): Promise<void> {
  console.log(
    `Orchard browser grid benchmark — ${rows.toLocaleString('en')} rows, ${repeats} reopenings, Chromium at ${chromiumPath}`,
  );
  console.log(
    `machine: ${availableParallelism()} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`,
  );
  const build = checkBuild();
  if (!build.present) {
    console.log(
      'dist/ is missing: run `npm run build` first (orchard serve runs the compiled app). No figures.',
    );
    return;
  }
  if (build.staleWarning) console.log(`WARNING: ${build.staleWarning}`);

  const csv = await ensureSyntheticCsv(rows);
  console.log(
    `file: ${csv.path} (${(csv.bytes / 1e6).toFixed(1)} MB, ` +
      `${csv.generated ? `generated in ${csv.seconds.toFixed(1)} s` : 'cached'})`,
  );

  const workspace = mkdtempSync(join(tmpdir(), 'orchard-bench-browser-'));
  const results: Repeat[] = [];
  try {
    console.log('\n[orchard] import + profile into a fresh workspace (setup, not in the figures)…');
    const importStarted = performance.now();
    const imported = await createVersion(workspace, csv.path);
    console.log(
      `  ${imported.rowCount.toLocaleString('en')} rows, ${imported.columnCount} columns in ` +
        formatSeconds((performance.now() - importStarted) / 1000),
    );

    console.log(
      `[orchard] ${repeats}× reopen (orchard serve + new browser context), open the version, press End…`,
    );
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    try {
      for (let repeat = 1; repeat <= repeats; repeat++) {
        const result = await measureOnce(browser, workspace);
        results.push(result);
        console.log(
          `  run ${repeat}: first rows ${formatMs(result.firstRowsMs)} (${result.firstScreen.fetched} requests: ` +
            `${result.firstScreen.offsets}), End → last row ${formatMs(result.endMs)} ` +
            `(${result.end.fetched} requests: ${result.end.offsets})`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }

  const version = pandasVersion();
  let pandas: Awaited<ReturnType<typeof runPython>> | null = null;
  if (version === null) {
    console.log(`\n[pandas] ${pandasMissingMessage}`);
  } else {
    console.log(`\n[pandas ${version}] read_csv, then iloc[0:${rowWindowSize}] in a child process…`);
    pandas = await runPython(pandasFirstRows, [csv.path, String(rowWindowSize)], repoRoot);
    if (!pandas.ok) console.log(`  pandas FAILED: ${pandas.reason}`);
  }
  const p = (key: string): number => (pandas?.ok ? num(pandas.result, key) : Number.NaN);

  const pick = (get: (result: Repeat) => number): number[] => results.map(get);
  console.log(`\nResults over ${results.length} reopenings (window = ${rowWindowSize} rows)`);
  printTable([
    ['measure', 'median', 'min', 'max', 'runs'],
    row(
      'orchard serve start → address printed',
      pick((r) => r.serveStartMs),
      formatMs,
    ),
    row(
      'page load → sidebar listed',
      pick((r) => r.appReadyMs),
      formatMs,
    ),
    row(
      'click version → first row in DOM',
      pick((r) => r.firstRowsDomMs),
      formatMs,
    ),
    row(
      'click version → first row visible (next frame)',
      pick((r) => r.firstRowsMs),
      formatMs,
    ),
    row(
      '  datasets.rows requests for the first screen',
      pick((r) => r.firstScreen.fetched),
      formatCount,
    ),
    row(
      '  windows in view',
      pick((r) => r.firstScreen.inView),
      formatCount,
    ),
    row(
      '  windows rendered (with overscan)',
      pick((r) => r.firstScreen.rendered),
      formatCount,
    ),
    row(
      '  datasets.rows round trip (ws)',
      pick((r) => r.firstRowsRoundTripMs),
      formatMs,
    ),
    row(
      'JS heap used, first screen (after GC)',
      pick((r) => r.heapFirstScreenMb),
      (v) => `${v.toFixed(1)} MB`,
    ),
    row(
      'End → row 999,999 in DOM',
      pick((r) => r.endDomMs),
      formatMs,
    ),
    row(
      'End → row 999,999 visible (next frame)',
      pick((r) => r.endMs),
      formatMs,
    ),
    row(
      '  datasets.rows requests for the jump',
      pick((r) => r.end.fetched),
      formatCount,
    ),
    row(
      '  windows in view',
      pick((r) => r.end.inView),
      formatCount,
    ),
    row(
      '  windows rendered (with overscan)',
      pick((r) => r.end.rendered),
      formatCount,
    ),
    row(
      '  datasets.rows round trip (ws)',
      pick((r) => r.endRoundTripMs),
      formatMs,
    ),
    row(
      'JS heap used, after End (after GC)',
      pick((r) => r.heapAfterEndMb),
      (v) => `${v.toFixed(1)} MB`,
    ),
  ]);

  const orchardFirst = median(pick((r) => r.firstRowsMs));
  console.log('\nPeer: time to first rows of the same file');
  printTable([
    ['', 'orchard (browser)', `pandas ${version ?? ''}`.trim()],
    ['load before first rows', '— (version already imported)', `${formatMs(p('readMs'))} (read_csv)`],
    [
      'time to first rows',
      `${formatMs(orchardFirst)} (click → visible, median)`,
      formatMs(p('timeToFirstRowsMs')),
    ],
    [
      'last window',
      `${formatMs(median(pick((r) => r.endMs)))} (End → visible, median)`,
      formatMs(p('lastWindowMs')),
    ],
  ]);
  console.log(
    `ratio pandas / orchard time to first rows: ${formatRatio(p('timeToFirstRowsMs') / orchardFirst)} ` +
      '(>1 means Orchard is faster; Orchard includes the round trip and drawing, pandas draws nothing)',
  );

  console.log('\nTargets');
  const firstPass = results.length === repeats ? orchardFirst <= firstRowsTargetMs : null;
  console.log(
    verdict(
      'first rows visible within 1 s of opening',
      firstPass,
      `median ${formatMs(orchardFirst)}, worst ${formatMs(Math.max(...pick((r) => r.firstRowsMs)))} ` +
        '(click on the version → first loaded row in view, fresh server each time)',
    ),
  );
  const endPass =
    results.length === repeats ? results.every((r) => r.end.onlyShown && r.firstScreen.onlyShown) : null;
  console.log(
    verdict(
      'scrolling to the end fetches only the windows shown',
      endPass,
      results.length === 0
        ? 'no runs'
        : `windows fetched vs in view (rendered): ` +
            results.map((r) => `${r.end.fetched} vs ${r.end.inView} (${r.end.rendered})`).join('; ') +
            `; first screen: ` +
            results
              .map((r) => `${r.firstScreen.fetched} vs ${r.firstScreen.inView} (${r.firstScreen.rendered})`)
              .join('; '),
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  console.log('benchmark did not complete (see the error above); no figures to report');
});
