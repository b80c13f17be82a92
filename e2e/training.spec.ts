import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures.js';
import type { OrchardApp } from './pages/orchard-app.js';

const sampleCsv = path.join(repoRoot, 'resources', 'samples', 'credit-applications.csv');
const epochs = 5;

/** A project with the sample imported and the Train page open on its version. */
async function openTrainForm(app: OrchardApp, projectName: string): Promise<void> {
  await app.sidebar.createProject(projectName);
  await app.importFile(sampleCsv);
  await expect(app.dataView.rowCount).toHaveText('10,000 rows', { timeout: 60_000 });
  await app.training.openTrainForm();
}

/** Fills the form for a small, quick binary MLP on `approved`; early stopping off so every epoch runs. */
async function configureApprovedRun(app: OrchardApp, learningRate: string): Promise<void> {
  const { form } = app.training;
  await form.chooseTarget('approved');
  await expect(form.taskSuggestion).toHaveAttribute('data-task', 'binary');
  await form.task.selectOption('binary');
  await form.modelKind.selectOption('mlp');
  await form.layers.fill('16');
  await form.epochs.fill(String(epochs));
  await form.batchSize.fill('256');
  await form.learningRate.fill(learningRate);
  await form.earlyStopping.uncheck();
}

/**
 * Records every value the live loss chart's `data-points` takes, from inside the page, so a run
 * that finishes between two Playwright polls still shows whether its curve grew epoch by epoch.
 */
async function recordLossPoints(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { lossPoints: number[] }).lossPoints = seen;
    const read = (): void => {
      const chart = document.querySelector('[data-testid="run-view"] [data-testid="loss-chart"]');
      const points = Number(chart?.getAttribute('data-points') ?? 0);
      if (seen.at(-1) !== points) seen.push(points);
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-points'],
    });
  });
  return () => page.evaluate(() => [...(window as unknown as { lossPoints: number[] }).lossPoints]);
}

test('train an MLP on the sample, watch its curves grow, see its test ROC AUC', async ({ app, page }) => {
  await openTrainForm(app, 'Training');
  const { form, run } = app.training;
  await expect(form.backendInfo).toBeVisible();
  await configureApprovedRun(app, '0.001');

  const pointsSeen = await recordLossPoints(page);
  await form.startButton.click();
  await expect(run.root).toBeVisible();
  await expect(run.epochCount).not.toHaveText('0', { timeout: 30_000 });
  await run.waitForFinish();
  await expect(run.status).toHaveText('succeeded');

  // The curve grew as epochs arrived, one point per epoch, ending with every epoch.
  await expect(run.epochCount).toHaveText(String(epochs));
  expect(await run.lossChart.points()).toBe(epochs);
  const seen = (await pointsSeen()).filter((points) => points > 0);
  expect(seen.at(-1)).toBe(epochs);
  expect(seen.length, `loss chart sizes seen: ${seen.join(', ')}`).toBeGreaterThan(1);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  await expect(run.lossChart.lines()).toHaveCount(2); // train and validation
  await expect(run.samplesPerSecond).not.toHaveText('—');
  await expect(run.backend).not.toHaveAttribute('data-backend', '');

  // The model version shows with its test evaluation; the sample's outcome is learnable.
  await expect(run.model).toBeVisible({ timeout: 30_000 });
  await expect(run.rocAuc).toBeVisible();
  const rocAuc = Number(await run.rocAuc.getAttribute('data-value'));
  expect(rocAuc).toBeGreaterThan(0.6);
  expect(rocAuc).toBeLessThanOrEqual(1);
  await expect(run.confusionMatrix.getByTestId('confusion-cell')).toHaveCount(4);
  await expect(run.perClassTable.getByTestId('per-class-row')).toHaveCount(2);

  await app.training.modelsLink.click();
  await expect(app.training.models.rows).toHaveCount(1);
  await expect(app.errorPanel).toBeHidden();
});

test('two runs with different learning rates compare side by side', async ({ app }) => {
  await openTrainForm(app, 'Compare');
  const { form, run, runs, compare } = app.training;

  await configureApprovedRun(app, '0.001');
  await form.startButton.click();
  await run.waitForFinish();
  await expect(run.status).toHaveText('succeeded');
  const firstRunId = await run.runId();

  // "Train again" starts from the first run's config; only the learning rate changes.
  await run.trainAgainButton.click();
  await expect(form.root).toBeVisible();
  await expect(form.target).toHaveValue('approved');
  await expect(form.epochs).toHaveValue(String(epochs));
  await form.learningRate.fill('0.01');
  await form.startButton.click();
  await expect(run.root).not.toHaveAttribute('data-run-id', firstRunId);
  await run.waitForFinish();
  await expect(run.status).toHaveText('succeeded');
  const secondRunId = await run.runId();

  await app.training.openRuns();
  await expect(runs.rows).toHaveCount(2);
  await expect(runs.compareButton).toBeDisabled();
  await runs.select(firstRunId);
  await runs.select(secondRunId);
  await runs.compareButton.click();

  await expect(compare.root).toHaveAttribute('data-runs', '2');
  const learningRate = compare.diffRow('optimizer.learningRate');
  await expect(learningRate).toHaveAttribute('data-differs', 'true');
  await expect(learningRate).toContainText('0.001');
  await expect(learningRate).toContainText('0.01');
  await expect(compare.diffRow('target.column')).toHaveAttribute('data-differs', 'false');
  await expect(compare.diffRow('epochs')).toHaveAttribute('data-differs', 'false');

  // One validation-loss curve per run, overlaid on the same axes.
  await expect(compare.lossChart.root).toHaveAttribute('data-traces', '2');
  await expect(compare.lossChart.lines()).toHaveCount(2);
  expect(await compare.lossChart.points()).toBe(epochs);
  await expect(compare.metrics.getByTestId('compare-metric-row').first()).toBeVisible();
  await expect(app.errorPanel).toBeHidden();
});
