/**
 * The browser side of the labelling benchmark: a label set opened in the real app (`orchard serve`
 * + Debian Chromium), the way a returning annotator opens it, then labelled by keyboard.
 *
 * Each call is a reopening: a new `orchard serve` process on the workspace and a new browser
 * context (the annotator's name already remembered in localStorage, as after a first visit). The
 * bench selects the project, the dataset and its version, waits for the grid (the default tab) to
 * settle, then clicks the Label tab and measures, on the page's clock, from that click to the
 * first item on screen: the item card with its text, or with its image loaded, then the frame that
 * shows it (its `requestAnimationFrame` callback) and the first task after that frame's paint — the
 * two points at which the view times its own keypresses (renderer/src/labelling/latency.ts). When
 * asked, it then presses class hotkeys, each after the previous key's samples have landed (so one
 * sample per key, none overwritten and no key queued behind another's paint), and reads the view's
 * own samples: `window.__orchardLabelLatency` (keydown → the frame showing the next item) and, when
 * the view has it, `window.__orchardLabelLatencyAfterPaint` (the same keys → after that paint).
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession, Page } from '@playwright/test';
import { LabelPage } from '../../e2e/pages/label-page.js';
import { Sidebar } from '../../e2e/pages/sidebar.js';
import { startServe } from '../lib/orchard-serve.js';

export const chromiumPath = process.env['ORCHARD_CHROMIUM'] ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const waitTimeoutMs = 120_000;
/** One key's wait for its sample; far above the budget, so only a stuck view trips it. */
const keyTimeoutMs = 30_000;
const annotator = 'bench';

export interface LabelTarget {
  readonly projectName: string;
  readonly datasetName: string;
  /** What "the item is on screen" means: its image loaded, or its text shown. */
  readonly itemKind: 'image' | 'text';
}

export interface RendererMemory {
  /** CDP `Performance.getMetrics` JSHeapUsedSize, as the page is. */
  readonly jsHeapMb: number;
  /** The same after a forced garbage collection. */
  readonly jsHeapAfterGcMb: number;
  readonly domNodes: number;
  /**
   * Private resident memory (USS) of the page's renderer process, before the forced GC: the JS
   * heap plus decoded images, DOM, layout and code pages of its own. From `/proc/PID/smaps_rollup`
   * of the pid CDP `SystemInfo.getProcessInfo` lists; NaN if Chromium does not list it.
   */
  readonly rendererPrivateMb: number;
  /** Its proportional set size: private memory plus its share of pages shared with other processes. */
  readonly rendererPssMb: number;
}

export interface LabelOpening {
  readonly serveStartMs: number;
  /** Page load → the project is listed in the sidebar. */
  readonly appReadyMs: number;
  /** Click on the Label tab → the first item card in the DOM, complete (text, or image loaded). */
  readonly firstItemDomMs: number;
  /** The same to the frame that shows it (its `requestAnimationFrame` callback). */
  readonly firstItemMs: number;
  /** The same to the first task after that frame was painted. */
  readonly firstItemAfterPaintMs: number;
  readonly firstRowId: number;
  readonly memoryAtFirstItem: RendererMemory;
  readonly labelled: Labelling | null;
}

export interface Labelling {
  readonly keys: number;
  /** Keypress → the frame showing the next item, as the view measured them, oldest first. */
  readonly samplesMs: readonly number[];
  /** The same keys → the first task after that frame's paint; empty if the view has no such buffer. */
  readonly afterPaintSamplesMs: readonly number[];
  /** From the first key to the last sample, Playwright's round trips included. */
  readonly wallMs: number;
  readonly lastRowId: number;
  /** Labels the engine acknowledged, as the view's sync marker counts them. */
  readonly acknowledged: number;
  readonly memoryAfter: RendererMemory;
}

/** Proportional and private resident memory of a process, from `/proc/PID/smaps_rollup`, in MB. */
function residentMbOf(pid: number): { pssMb: number; privateMb: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    return {
      pssMb: kb('Pss') / 1024,
      privateMb: (kb('Private_Clean') + kb('Private_Dirty')) / 1024,
    };
  } catch {
    return { pssMb: Number.NaN, privateMb: Number.NaN };
  }
}

/**
 * The page's renderer process: Chromium keeps spare renderers too, so the one that has used the
 * most CPU (React, the grid, the Label view) is taken to be the page's.
 */
async function pageRendererMemory(browser: Browser): Promise<{ pssMb: number; privateMb: number }> {
  let session: CDPSession | null = null;
  try {
    session = await browser.newBrowserCDPSession();
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number; cpuTime: number }[];
    };
    const busiest = processInfo
      .filter((entry) => entry.type === 'renderer')
      .sort((a, b) => b.cpuTime - a.cpuTime)[0];
    return busiest ? residentMbOf(busiest.id) : { pssMb: Number.NaN, privateMb: Number.NaN };
  } catch {
    return { pssMb: Number.NaN, privateMb: Number.NaN };
  } finally {
    await session?.detach().catch(() => undefined);
  }
}

async function rendererMemory(browser: Browser, page: Page): Promise<RendererMemory> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    const metric = async (): Promise<Map<string, number>> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return new Map(metrics.map((entry) => [entry.name, entry.value]));
    };
    const before = await metric();
    const renderer = await pageRendererMemory(browser);
    await cdp.send('HeapProfiler.collectGarbage');
    const after = await metric();
    const mb = (value: number | undefined): number => (value === undefined ? Number.NaN : value / 2 ** 20);
    return {
      jsHeapMb: mb(before.get('JSHeapUsedSize')),
      jsHeapAfterGcMb: mb(after.get('JSHeapUsedSize')),
      domNodes: after.get('Nodes') ?? Number.NaN,
      rendererPrivateMb: renderer.privateMb,
      rendererPssMb: renderer.pssMb,
    };
  } finally {
    await cdp.detach();
  }
}

/**
 * Arms the in-page stopwatch for the first item: it starts at the click on the Label tab (capture
 * listener) and stops once the item card is complete, then a frame and a message later.
 */
async function armFirstItemProbe(page: Page, itemKind: LabelTarget['itemKind']): Promise<void> {
  await page.evaluate((kind) => {
    const probe = { startAt: -1, shownAt: -1, frameAt: -1, paintedAt: -1, rowId: -1 };
    (window as unknown as { benchProbe: typeof probe }).benchProbe = probe;
    document.addEventListener(
      'click',
      (event) => {
        const tab = (event.target as Element | null)?.closest('[data-testid="tab-label"]');
        if (tab && probe.startAt < 0) probe.startAt = performance.now();
      },
      { capture: true },
    );
    const complete = (): boolean => {
      const item = document.querySelector('[data-testid="label-item"]');
      if (!item) return false;
      if (kind === 'text')
        return (item.querySelector('[data-testid="label-text"]')?.textContent ?? '') !== '';
      const image = item.querySelector<HTMLImageElement>('img[data-testid="label-image"]');
      if (!image) return false;
      if (image.complete && image.naturalWidth > 0) return true;
      // Not loaded yet: look again when it is (a load changes no attribute the observer sees).
      image.addEventListener('load', check, { once: true });
      return false;
    };
    const observer = new MutationObserver(() => check());
    function check(): void {
      if (probe.startAt < 0 || probe.shownAt >= 0 || !complete()) return;
      probe.shownAt = performance.now();
      probe.rowId = Number(document.querySelector('[data-testid="label-item"]')?.getAttribute('data-row-id'));
      observer.disconnect();
      requestAnimationFrame(() => {
        probe.frameAt = performance.now();
        // A message posted from a frame callback is handled after that frame's paint.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          probe.paintedAt = performance.now();
        };
        channel.port2.postMessage(null);
      });
    }
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  }, itemKind);
}

interface FirstItem {
  readonly domMs: number;
  readonly frameMs: number;
  readonly paintedMs: number;
  readonly rowId: number;
}

async function readFirstItemProbe(page: Page): Promise<FirstItem> {
  await page.waitForFunction(
    () => (window as unknown as { benchProbe: { paintedAt: number } }).benchProbe.paintedAt >= 0,
    undefined,
    { timeout: waitTimeoutMs },
  );
  const probe = await page.evaluate(
    () =>
      (
        window as unknown as {
          benchProbe: { startAt: number; shownAt: number; frameAt: number; paintedAt: number; rowId: number };
        }
      ).benchProbe,
  );
  return {
    domMs: probe.shownAt - probe.startAt,
    frameMs: probe.frameAt - probe.startAt,
    paintedMs: probe.paintedAt - probe.startAt,
    rowId: probe.rowId,
  };
}

/**
 * The view's second buffer (keypress → after the paint), read without its type: it is newer than
 * the first and may be missing from an older build.
 */
interface LatencyWindow {
  readonly __orchardLabelLatency?: { samples(): number[] };
  readonly __orchardLabelLatencyAfterPaint?: { samples(): number[]; clear(): void };
}

/** Presses `keys` in turn, each once the previous key's latency samples have landed. */
async function labelByKeyboard(
  browser: Browser,
  page: Page,
  labels: LabelPage,
  keys: readonly string[],
): Promise<Labelling> {
  await labels.clearLatency();
  await page.evaluate(() => (window as unknown as LatencyWindow).__orchardLabelLatencyAfterPaint?.clear());
  const started = performance.now();
  for (let i = 0; i < keys.length; i++) {
    await page.keyboard.press(keys[i]!);
    await page
      .waitForFunction(
        (n) => {
          const view = window as unknown as LatencyWindow;
          const frames = view.__orchardLabelLatency?.samples().length ?? 0;
          const painted = view.__orchardLabelLatencyAfterPaint?.samples().length ?? n;
          return frames >= n && painted >= n;
        },
        i + 1,
        { timeout: keyTimeoutMs, polling: 'raf' },
      )
      .catch((error: unknown) => {
        throw new Error(
          `key ${i + 1} of ${keys.length} (${keys[i]}) gave no latency sample within ${keyTimeoutMs} ms: ` +
            (error instanceof Error ? error.message.split('\n')[0] : String(error)),
        );
      });
  }
  const wallMs = performance.now() - started;
  const samplesMs = await labels.latencySamples();
  const afterPaintSamplesMs = await page.evaluate(
    () => (window as unknown as LatencyWindow).__orchardLabelLatencyAfterPaint?.samples() ?? [],
  );
  const lastRowId = Number(await labels.item.getAttribute('data-row-id'));
  await page.waitForFunction(
    () => {
      const sync = document.querySelector('[data-testid="label-sync"]');
      return sync?.getAttribute('data-state') === 'saved' && sync.getAttribute('data-pending') === '0';
    },
    undefined,
    { timeout: waitTimeoutMs },
  );
  const acknowledged = Number(await labels.sync.getAttribute('data-acknowledged'));
  return {
    keys: keys.length,
    samplesMs,
    afterPaintSamplesMs,
    wallMs,
    lastRowId,
    acknowledged,
    memoryAfter: await rendererMemory(browser, page),
  };
}

/** One reopening: serve, open the version's Label tab, time the first item; label `keys` if given. */
export async function openLabelSet(
  browser: Browser,
  workspace: string,
  target: LabelTarget,
  keys: readonly string[],
): Promise<LabelOpening> {
  const serve = await startServe(workspace);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx compiles this file with esbuild's keepNames, which wraps named inner functions of the
  // callbacks sent to page.evaluate in `__name(…)`; the page needs that helper.
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  await context.addInitScript(
    `try { localStorage.setItem('orchard.annotator', ${JSON.stringify(annotator)}); } catch {}`,
  );
  try {
    const page = await context.newPage();
    const sidebar = new Sidebar(page);
    const labels = new LabelPage(page);
    const opened = performance.now();
    await page.goto(serve.url);
    const project = sidebar.project(target.projectName);
    await project.waitFor({ timeout: waitTimeoutMs });
    const appReadyMs = performance.now() - opened;
    await project.click();
    await sidebar.dataset(target.datasetName).getByTestId('dataset-name').click();
    await sidebar.version(target.datasetName, 1).click();
    // The version opens on its grid: let that finish, so the Label tab does not share the engine.
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="grid-row"]') !== null &&
        document.querySelector('.grid-row-loading') === null,
      undefined,
      { timeout: waitTimeoutMs },
    );
    if ((await labels.root.count()) > 0)
      throw new Error('the Label view was open before its tab was clicked');

    await armFirstItemProbe(page, target.itemKind);
    await labels.tab.click();
    const first = await readFirstItemProbe(page);
    const memoryAtFirstItem = await rendererMemory(browser, page);
    const labelled = keys.length > 0 ? await labelByKeyboard(browser, page, labels, keys) : null;
    return {
      serveStartMs: serve.startMs,
      appReadyMs,
      firstItemDomMs: first.domMs,
      firstItemMs: first.frameMs,
      firstItemAfterPaintMs: first.paintedMs,
      firstRowId: first.rowId,
      memoryAtFirstItem,
      labelled,
    };
  } finally {
    await context.close();
    await serve.stop();
  }
}
