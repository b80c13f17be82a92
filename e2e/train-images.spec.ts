import { randomUUID } from 'node:crypto';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { OrchardApi } from '../core/contract/client.js';
import { connectWebSocketClient } from '../core/engine/transport/ws-client.js';
import { expect, repoRoot, test } from './fixtures.js';
import type { OrchardServer } from './fixtures.js';
import { FolderImport } from './pages/folder-import.js';
import type { OrchardApp } from './pages/orchard-app.js';

/** 180 PNGs of 32×32 px in circle/, square/ and triangle/ (resources/samples/README.md). */
const shapesSample = path.join(repoRoot, 'resources', 'samples', 'shapes');

/**
 * The page may read folders only under the server's uploads folder and its `--data-dir` folders;
 * the fixture starts `orchard serve` without `--data-dir`, so the sample goes into the uploads.
 */
async function shapesOnServer(server: OrchardServer): Promise<string> {
  const folder = path.join(server.workspace, 'uploads', 'shapes');
  await cp(shapesSample, folder, { recursive: true });
  return folder;
}

/** A project with the shapes folder imported by path through "Import a folder…". */
async function importShapes(app: OrchardApp, server: OrchardServer, projectName: string): Promise<void> {
  await app.sidebar.createProject(projectName);
  await new FolderImport(app.page).importPath(await shapesOnServer(server));
  await expect(app.dataView.rowCount).toHaveText('180 rows', { timeout: 60_000 });
  await expect(app.dataView.datasetName).toHaveText('shapes');
}

/** Engine calls the UI has no screen for in this test: labelling is not what is tested here. */
async function withApi<T>(server: OrchardServer, use: (api: OrchardApi) => Promise<T>): Promise<T> {
  const rpc = `${server.origin.replace(/^http/, 'ws')}/rpc?token=${encodeURIComponent(server.token)}`;
  const client = await connectWebSocketClient(rpc);
  try {
    return await use(client.api);
  } finally {
    client.close();
  }
}

/** Labels every shape round (circles) or angular (the rest) and freezes version 1 of "Roundness". */
async function freezeRoundness(api: OrchardApi, projectName: string): Promise<void> {
  const project = (await api.projects.list({})).find((candidate) => candidate.name === projectName);
  if (!project) throw new Error(`no project ${projectName}`);
  const [dataset] = await api.datasets.list({ projectId: project.id });
  if (!dataset) throw new Error('no dataset');
  const [version] = await api.datasets.versions({ datasetId: dataset.id });
  if (!version) throw new Error('no dataset version');
  const window = await api.datasets.rows({ versionId: version.id, offset: 0, limit: 180 });
  const rowId = window.columns.indexOf('_row_id');
  const folder = window.columns.indexOf('folder');
  const set = await api.labels.createSet({
    datasetVersionId: version.id,
    definition: {
      name: 'Roundness',
      task: 'single',
      classes: [
        { name: 'round', color: '#2f6b47', hotkey: '1' },
        { name: 'angular', color: '#a3262a', hotkey: '2' },
      ],
    },
  });
  for (const [name, round] of [
    ['round', true],
    ['angular', false],
  ] as const) {
    const items = window.rows
      .filter((row) => (row[folder] === 'circle') === round)
      .map((row) => ({ rowId: Number(row[rowId]), id: randomUUID(), expectedSeq: null }));
    await api.labels.annotateMany({
      labelSetId: set.id,
      annotator: 'e2e',
      action: 'label',
      value: { classes: [name] },
      items,
    });
  }
  await api.labels.freeze({ labelSetId: set.id, policy: 'agreed' });
}

test('import the shapes folder by path and train a tiny CNN on the folder names', async ({ app, server }) => {
  await importShapes(app, server, 'Shapes');
  await app.training.openTrainForm();
  const { form, run } = app.training;

  // An image version: image classification with a CNN, the folder name (the pre-label) as target.
  await expect(form.root).toHaveAttribute('data-images', 'true');
  await expect(form.target).toHaveValue('folder');
  await expect(form.task).toHaveValue('image_classification');
  await expect(form.taskSuggestion).toHaveAttribute('data-task', 'image_classification');
  await expect(form.taskSuggestion).toContainText('3 classes of images');
  await expect(form.imageSize).toHaveValue('32');
  await expect(form.filters).toHaveValue('16,32');
  await expect(form.batchSize).toHaveValue('32');
  // No linear/MLP choice and no feature picker: the image is the input.
  await expect(form.modelKind).toBeHidden();
  await expect(form.layers).toBeHidden();
  // Images split as tables do: holdout by default, k-fold on offer.
  await expect(form.splitKind).toHaveValue('holdout');
  await expect(form.featuresAll).toBeHidden();
  await expect(form.imageInput).toBeVisible();

  await form.imageSize.fill('16');
  await form.epochs.fill('2');
  await form.earlyStopping.uncheck();
  await form.startButton.click();
  await expect(run.root).toBeVisible();
  await run.waitForFinish(60_000);
  await expect(run.status).toHaveText('succeeded');
  await expect(run.target).toHaveAttribute('data-source', 'column');
  await expect(run.target).toContainText('target folder (image classification)');
  await expect(run.imageSize).toHaveText('images 16×16');
  await expect(run.epochCount).toHaveText('2');

  await expect(run.model).toBeVisible({ timeout: 30_000 });
  await expect(run.accuracy).toBeVisible();
  const accuracy = Number(await run.accuracy.getAttribute('data-value'));
  expect(accuracy).toBeGreaterThanOrEqual(0);
  expect(accuracy).toBeLessThanOrEqual(1);
  await expect(run.perClassTable.getByTestId('per-class-row')).toHaveCount(3);
  await expect(run.confusionMatrix.getByTestId('confusion-cell')).toHaveCount(9);

  await app.training.modelsLink.click();
  await expect(app.training.models.rows).toHaveCount(1);
  await expect(app.errorPanel).toBeHidden();
});

test('train a CNN on a frozen label version instead of the folder names', async ({ app, server }) => {
  await importShapes(app, server, 'Labelled shapes');
  await withApi(server, (api) => freezeRoundness(api, 'Labelled shapes'));
  await app.training.openTrainForm();
  const { form, run } = app.training;

  await form.targetFromLabels.click();
  const roundness = form.labelTargets.filter({ hasText: 'Roundness' });
  await expect(roundness).toHaveCount(1);
  await expect(roundness).toContainText('Roundness v1');
  await expect(roundness).toContainText('180 items');
  await expect(roundness).toContainText('angular 120 · round 60');
  await form.chooseLabelVersion('Roundness', 1);
  await expect(form.task).toHaveValue('image_classification');
  // The dataset has no `label` column, so that is the name offered for the labels.
  await expect(form.labelColumn).toHaveValue('label');

  await form.imageSize.fill('16');
  await form.epochs.fill('2');
  await form.earlyStopping.uncheck();
  await form.startButton.click();
  await run.waitForFinish(60_000);
  await expect(run.status).toHaveText('succeeded');
  await expect(run.target).toHaveAttribute('data-source', 'labels');
  await expect(run.target).toContainText('target label from labels Roundness v1');
  await expect(run.model).toBeVisible({ timeout: 30_000 });
  await expect(run.perClassTable.getByTestId('per-class-row')).toHaveCount(2);

  // "Train again" keeps the label version as the target.
  await run.trainAgainButton.click();
  await expect(form.targetFromLabels).toHaveAttribute('aria-pressed', 'true');
  await expect(form.labelTargets.filter({ hasText: 'Roundness' }).getByRole('radio')).toBeChecked();
  await expect(app.errorPanel).toBeHidden();
});
