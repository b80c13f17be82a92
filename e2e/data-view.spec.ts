import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures.js';
import { OrchardApp } from './pages/orchard-app.js';

const sampleCsv = path.join(repoRoot, 'resources', 'samples', 'credit-applications.csv');

/** Streams a generated CSV to disk (millions of rows without holding them in memory). */
async function writeCsv(
  file: string,
  header: string,
  rows: number,
  line: (index: number) => string,
): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let start = 0; start < rows; start += 10_000) {
    let chunk = '';
    for (let i = start; i < Math.min(start + 10_000, rows); i++) chunk += `${line(i)}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface RowsRequest {
  readonly versionId: string;
  readonly offset: number;
  readonly limit: number;
  readonly sort?: unknown;
  readonly filters?: unknown;
}

/**
 * Records the params of every `datasets.rows` request the page sends over its `/rpc` WebSocket,
 * from sockets opened after this call (so call it before the page connects).
 */
function recordRowRequests(page: Page): RowsRequest[] {
  const requests: RowsRequest[] = [];
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).pathname !== '/rpc') return;
    socket.on('framesent', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const message = JSON.parse(payload) as { type?: unknown; method?: unknown; params?: unknown };
      if (message.type === 'request' && message.method === 'datasets.rows') {
        requests.push(message.params as RowsRequest);
      }
    });
  });
  return requests;
}

/** The `data-row-index` of every row the grid rendered (the rows in view plus its overscan). */
async function renderedRowIndexes(page: Page): Promise<number[]> {
  return page
    .getByTestId('grid-row')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset['rowIndex'])));
}

test('imports the sample dataset, scrolls to its last row and charts a column', async ({ app }) => {
  await app.sidebar.createProject('Credit risk');
  await app.chooseFile(sampleCsv);
  await app.importDialog.waitForColumns();
  await expect(app.importDialog.columnType('credit_score')).toHaveValue('integer');
  await expect(app.importDialog.datasetName).toHaveValue('credit-applications');
  await app.importDialog.confirm();

  const { dataView, sidebar } = app;
  await expect(dataView.rowCount).toHaveText('10,000 rows', { timeout: 60_000 });
  await expect(dataView.datasetName).toHaveText('credit-applications');
  await expect(dataView.versionNumber).toHaveText('v1');
  await expect(dataView.source).toHaveText('credit-applications.csv');
  await expect(sidebar.version('credit-applications', 1)).toContainText('10,000 rows');
  await expect(app.errorPanel).toBeHidden();

  const { grid } = dataView;
  await expect(grid.total).toHaveText('10,000 rows');
  await expect(grid.rowId(0)).toBeVisible();
  await grid.scrollToEnd();
  await expect(grid.rowId(9999)).toBeVisible();
  await expect(grid.rowId(0)).toHaveCount(0);

  await dataView.profileTab.click();
  await expect(dataView.profile.card('credit_score')).toContainText('integer');
  await dataView.profile.openChart('credit_score');
  expect(await dataView.profile.bars().count()).toBeGreaterThan(3);
});

test('sorts and filters the grid through its column headers', async ({ app }) => {
  await app.sidebar.createProject('Filters');
  await app.importFile(sampleCsv);
  const { grid } = app.dataView;
  await expect(grid.total).toHaveText('10,000 rows');

  await grid.filter('loan_purpose', 'contains', 'car');
  await expect(grid.total).toHaveText(/^[\d,]+ of 10,000 rows match$/);
  const matching = Number((await grid.total.textContent())?.split(' ')[0]?.replaceAll(',', ''));
  expect(matching).toBeGreaterThan(0);
  expect(matching).toBeLessThan(10_000);

  await grid.sortBy('_row_id');
  await grid.sortBy('_row_id');
  await expect(grid.columnHeader('_row_id')).toHaveAttribute('aria-sort', 'descending');
  await grid.waitForRows();
  const firstId = Number(await grid.rowIds.first().textContent());
  expect(firstId).toBeGreaterThan(9_000);
});

test('a ragged CSV shows why it cannot be imported', async ({ app, scratchDir }) => {
  const ragged = path.join(scratchDir, 'ragged.csv');
  await writeFile(ragged, 'id,name,score\n1,alpha,3\n2,beta\n3,gamma,5,extra,fields\n4,delta,7\n');
  await app.sidebar.createProject('Broken files');
  await app.chooseFile(ragged);
  // The engine's message names the file and the line, and is shown whole.
  await expect(app.errorMessages).toHaveCount(1, { timeout: 30_000 });
  await expect(app.errorMessages.first()).toContainText('ragged.csv');
  await expect(app.errorMessages.first()).toContainText(/line 3\b/);
  await expect(app.importDialog.root).toBeHidden();
  await expect(app.dataView.header).toBeHidden();
  await expect(app.sidebar.datasets).toHaveCount(0);

  await app.errorPanel.getByTestId('dismiss-error').click();
  await expect(app.errorPanel).toBeHidden();
});

test('a million-row version scrolls to its last row', async ({ app, scratchDir }) => {
  const million = path.join(scratchDir, 'million.csv');
  await writeCsv(million, 'id,amount,category', 1_000_000, (i) => `${i},${i % 977},c${i % 7}`);
  await app.sidebar.createProject('Big data');
  await app.importFile(million);
  const { grid } = app.dataView;
  await expect(app.dataView.rowCount).toHaveText('1,000,000 rows', { timeout: 60_000 });
  await expect(grid.rowId(0)).toBeVisible();
  // 1M rows x 28 px is past Chromium's element height cap; the grid scales its scroll range.
  expect(await grid.body.evaluate((element) => element.scrollHeight)).toBeLessThan(16_000_000);
  await grid.scrollToEnd();
  await expect(grid.rowId(999_999)).toBeVisible();
  await grid.body.evaluate((element) => {
    element.scrollTop = (element.scrollHeight - element.clientHeight) / 2;
  });
  // Half way down the scrollbar is half way through the rows.
  await expect
    .poll(async () => {
      const firstId = Number(await grid.rowIds.first().textContent());
      return firstId > 480_000 && firstId < 520_000;
    })
    .toBe(true);
});

test('jumping to the end of a million-row version fetches only the windows in view', async ({
  app,
  page,
  server,
  scratchDir,
}) => {
  // The app fixture already connected; reopen so the recorder sees the page's WebSocket.
  const requests = recordRowRequests(page);
  await app.open(server.url);

  const million = path.join(scratchDir, 'million.csv');
  await writeCsv(million, 'id,amount,category', 1_000_000, (i) => `${i},${i % 977},c${i % 7}`);
  await app.sidebar.createProject('Big data');
  await app.importFile(million);
  const { grid } = app.dataView;
  await expect(app.dataView.rowCount).toHaveText('1,000,000 rows', { timeout: 60_000 });
  await expect(grid.rowId(0)).toBeVisible();
  await expect(page.locator('.grid-row-loading')).toHaveCount(0);

  // The first screen: windows at the top only.
  const opening = [...requests];
  expect(opening.length).toBeGreaterThan(0);
  expect(opening.length).toBeLessThanOrEqual(4);
  const versionId = opening[0]!.versionId;
  for (const request of opening) {
    expect(request.versionId).toBe(versionId);
    expect(request.limit).toBeLessThanOrEqual(500);
    expect(request.offset).toBeLessThan(1_000);
  }

  const before = requests.length;
  await grid.scrollToEnd();
  await expect(grid.rowId(999_999)).toBeVisible();
  await expect(page.locator('.grid-row-loading')).toHaveCount(0);
  // Asserting an absence: give a stray request (a window skipped over) time to be sent.
  await page.waitForTimeout(500);

  const jump = requests.slice(before);
  const rendered = await renderedRowIndexes(page);
  const firstShown = Math.min(...rendered);
  const lastShown = Math.max(...rendered);
  expect(lastShown).toBe(999_999);
  expect(firstShown).toBeGreaterThan(999_000);
  const summary = JSON.stringify(jump.map(({ offset, limit }) => ({ offset, limit })));
  expect(jump.length, `requests during the jump: ${summary}`).toBeGreaterThan(0);
  expect(jump.length, `requests during the jump: ${summary}`).toBeLessThanOrEqual(4);
  for (const request of jump) {
    expect(request.versionId).toBe(versionId);
    expect(request.sort ?? [], 'no sort was set').toEqual([]);
    expect(request.filters ?? [], 'no filter was set').toEqual([]);
    expect(request.limit, summary).toBeLessThanOrEqual(500);
    expect(request.offset, summary).toBeGreaterThanOrEqual(999_000 - 500);
    // Every window fetched overlaps the rows the grid rendered: nothing in between.
    expect(request.offset, summary).toBeLessThanOrEqual(lastShown);
    expect(request.offset + request.limit, summary).toBeGreaterThan(firstShown);
  }
  // Together they cover every rendered row.
  for (const index of rendered) {
    expect(
      jump.some(({ offset, limit }) => index >= offset && index < offset + limit),
      `row ${index} is covered by a window fetched during the jump: ${summary}`,
    ).toBe(true);
  }
});

test('an import in progress shows its progress and can be cancelled', async ({ app, scratchDir }) => {
  // Large enough that the import job is still running when the test clicks Cancel.
  const big = path.join(scratchDir, 'big.csv');
  const categories = ['alpha', 'beta', 'gamma', 'delta'];
  await writeCsv(
    big,
    'id,amount,category,note',
    3_000_000,
    (i) => `${i},${(i * 7919) % 100_000}.25,${categories[i % 4]},row number ${i}`,
  );

  await app.sidebar.createProject('Cancelling');
  await app.chooseFile(big);
  await app.importDialog.waitForColumns();
  await app.importDialog.confirm();

  const job = app.job('Import big.csv');
  await expect(job).toBeVisible();
  await expect(job.getByTestId('job-progress')).toBeVisible();
  await job.getByTestId('cancel-job').click();
  await expect(job).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(job.getByTestId('job-message')).toHaveText('Cancelled.');
  await expect(app.dataView.header).toBeHidden();
  await job.getByTestId('dismiss-job').click();
  await expect(app.jobPanel).toBeHidden();
});

test('a lost server shows the reconnecting banner, and a restarted one asks for its new address', async ({
  page,
  server,
}) => {
  // Not the `app` fixture: a stopped server makes the page log failed connections, as it should.
  const app = new OrchardApp(page);
  await app.open(server.url);
  await app.sidebar.createProject('Survives restarts');

  await server.stop();
  await expect(app.connectionBanner).toHaveAttribute('data-state', 'reconnecting');
  await expect(app.connectionBanner).toContainText('Reconnecting');

  // A restarted server has a new token, so the old cookie no longer works.
  await server.restart();
  await expect(app.connectionBanner).toHaveAttribute('data-state', 'unauthorized', { timeout: 30_000 });
  await expect(app.connectionBanner).toContainText('?token=');

  await app.open(server.url);
  await expect(app.sidebar.project('Survives restarts')).toBeVisible();
});

test('a file dropped on the data view imports with the types chosen in the dialog', async ({ app, page }) => {
  await app.sidebar.createProject('Dropped files');
  const csv = 'id,name,score\n1,alpha,3\n2,beta,4\n3,gamma,5\n';
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    return transfer;
  }, csv);
  await app.dataView.root.dispatchEvent('dragover', { dataTransfer });
  await app.dataView.root.dispatchEvent('drop', { dataTransfer });

  await app.importDialog.waitForColumns();
  await expect(app.importDialog.columnType('score')).toHaveValue('integer');
  await app.importDialog.setColumnType('score', 'float');
  await app.importDialog.confirm();

  await expect(app.dataView.rowCount).toHaveText('3 rows', { timeout: 60_000 });
  await expect(app.dataView.datasetName).toHaveText('dropped');
  await expect(app.dataView.grid.columnHeader('score')).toContainText('float');
  await expect(app.dataView.grid.rowId(2)).toBeVisible();
});
