import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseSuiteFile } from '../core/domain/suite-file.js';
import { expect, repoRoot, test } from './fixtures.js';
import type { OrchardApp } from './pages/orchard-app.js';

const sampleCsv = path.join(repoRoot, 'resources', 'samples', 'credit-applications.csv');
// resources/samples/README.md: `annual_income` is missing in 301 of the 10,000 rows (about 3%).
const missingIncomeRows = 301;

interface YamlCheck {
  kind: string;
  column?: string;
  [key: string]: unknown;
}

/** A project with the sample imported, its Validation tab open and a suggested suite in the editor. */
async function suggestForSample(app: OrchardApp, projectName: string): Promise<void> {
  await app.sidebar.createProject(projectName);
  await app.importFile(sampleCsv);
  await expect(app.dataView.rowCount).toHaveText('10,000 rows', { timeout: 60_000 });
  await app.dataView.validationTab.click();
  await expect(app.dataView.validation.notRun).toBeVisible();
  await app.dataView.validation.suggest();
}

test('suggest a suite, tighten one threshold, run it, see the failure and open its rows', async ({ app }) => {
  await suggestForSample(app, 'Validation');
  const { dataView, sidebar } = app;
  const { validation, grid } = dataView;

  // The suggestion allows the missing incomes it saw; 1% cannot hold them.
  const completeness = validation.check('completeness:annual_income');
  await expect(completeness.param('maxMissingShare')).toBeVisible();
  expect(Number(await completeness.param('maxMissingShare').inputValue())).toBeGreaterThanOrEqual(0.0301);
  await completeness.param('maxMissingShare').fill('0.01');
  await validation.suiteName.fill('Credit intake');
  await validation.save();
  await expect(validation.saveState).toHaveText('Saved as version 1');

  await validation.run();
  await expect(validation.reportStatus).toHaveText('failed');
  const result = validation.result('completeness:annual_income');
  await expect(result.status).toHaveText('failed');
  await expect(result.failingRows).toHaveText(String(missingIncomeRows));
  await expect(result.observed).toContainText('3');
  const examples = await result.exampleRowIds();
  expect(examples).toHaveLength(20);
  // Every other suggested check was fitted to this very version, so it passes.
  await expect(validation.report.locator('[data-testid="check-result"][data-passed="false"]')).toHaveCount(1);

  // The latest status shows beside the version, in the header and in the sidebar.
  await expect(dataView.validationStatus).toHaveAttribute('data-status', 'failed');
  await expect(sidebar.validationStatus('credit-applications', 1)).toHaveAttribute('data-status', 'failed');

  await result.showRowsButton.click();
  await expect(dataView.gridTab).toHaveAttribute('aria-selected', 'true');
  await expect(grid.total).toHaveText('20 of 10,000 rows match');
  await expect(grid.filterOp('_row_id')).toHaveValue('in');
  await expect(grid.rowId(examples[0] ?? -1)).toBeVisible();
  const shown = await grid.renderedRowIds();
  expect(shown.length).toBeGreaterThan(0);
  for (const id of shown) expect(examples).toContain(id);
  // What a person checks: the income of every row shown is empty.
  const incomes = await grid.cells('annual_income').allTextContents();
  expect(incomes).toHaveLength(shown.length);
  for (const income of incomes) expect(income).toBe('');
  await expect(app.errorPanel).toBeHidden();
});

test('the suite round-trips through its YAML view and saves as a new version', async ({ app }) => {
  await suggestForSample(app, 'Suite files');
  const { validation } = app.dataView;
  await validation.suiteName.fill('Round trip');
  await validation.save();
  await expect(validation.saveState).toHaveText('Saved as version 1');
  const checkCount = await validation.checkRows.count();

  // Edit a threshold as text; the form shows it once applied.
  await validation.editYaml((yaml) => {
    const suite = parse(yaml) as { checks: YamlCheck[] };
    const check = suite.checks.find((c) => c.kind === 'completeness' && c.column === 'annual_income');
    if (!check) throw new Error(`The YAML has no completeness check of annual_income:\n${yaml}`);
    check['maxMissingShare'] = 0.015;
    return stringify(suite);
  });
  await expect(validation.yamlText).toBeHidden();
  await expect(validation.check('completeness:annual_income').param('maxMissingShare')).toHaveValue('0.015');
  await expect(validation.checkRows).toHaveCount(checkCount);
  await expect(validation.saveState).toHaveText('Unsaved changes to version 1');

  // Back in the YAML view the text carries the edit.
  await validation.yamlMode.click();
  const yaml = await validation.yamlText.inputValue();
  expect(yaml).toContain('name: Round trip');
  expect(yaml).toMatch(/maxMissingShare: 0\.015\b/);

  // A share above 1 is refused with the parser's own message, shown whole; the form keeps 0.015.
  const broken = yaml.replace(/maxMissingShare: 0\.015\b/, 'maxMissingShare: 1.5');
  const expected = (() => {
    try {
      parseSuiteFile(broken, 'suite.yaml');
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('parseSuiteFile accepted a share of 1.5');
  })();
  await validation.yamlText.fill(broken);
  await validation.yamlApply.click();
  await expect(validation.yamlError).toHaveText(expected);
  await validation.formMode.click();
  await expect(validation.check('completeness:annual_income').param('maxMissingShare')).toHaveValue('0.015');

  // Saving again makes version 2 of the same suite.
  await validation.save();
  await expect(validation.saveState).toHaveText('Saved as version 2');
  await expect(validation.suitePicker).toContainText('Round trip (v2)');

  // The box shows what the engine stored, so it turns checked only once the engine agreed.
  await validation.requiredCheckbox.click();
  await expect(validation.requiredCheckbox).toBeChecked();
});

test('the leakage panel counts the rows and ids two versions share', async ({ app }) => {
  await app.sidebar.createProject('Leakage');
  await app.importFile(sampleCsv);
  // The same file again as a "holdout" dataset: a split that leaks completely.
  await app.chooseFile(sampleCsv);
  await app.importDialog.waitForColumns();
  await app.importDialog.datasetName.fill('credit-holdout');
  await app.importDialog.confirm();
  const { dataView, sidebar } = app;
  await expect(dataView.datasetName).toHaveText('credit-holdout', { timeout: 60_000 });
  await expect(sidebar.versions).toHaveCount(2);
  await dataView.validationTab.click();
  const { leakage } = dataView.validation;
  await leakage.open();
  await expect(leakage.otherVersion.locator('option')).toHaveCount(1);
  await leakage.idColumn.selectOption('application_id');
  await leakage.compareButton.click();
  // Every row and every id is in both.
  await expect(leakage.identicalRows).toHaveText('10,000');
  await expect(leakage.sharedIds).toContainText('10,000');
});
