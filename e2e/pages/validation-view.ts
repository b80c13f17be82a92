import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** One check of the suite editor, found by its report name (`completeness:annual_income`). */
export class CheckEditorRow {
  readonly kind: Locator;
  readonly column: Locator;
  readonly severity: Locator;
  readonly removeButton: Locator;

  constructor(readonly root: Locator) {
    this.kind = root.getByTestId('check-kind');
    this.column = root.getByTestId('check-column');
    this.severity = root.getByTestId('check-severity');
    this.removeButton = root.getByTestId('check-remove');
  }

  /** A threshold input: `maxMissingShare`, `min`, `max`, `values`, `regex`, `threshold`… */
  param(name: string): Locator {
    return this.root.getByTestId(`check-param-${name}`);
  }
}

/** One check's line in the run report. */
export class CheckResultRow {
  readonly status: Locator;
  readonly observed: Locator;
  readonly failingRows: Locator;
  readonly examples: Locator;
  readonly showRowsButton: Locator;

  constructor(readonly root: Locator) {
    this.status = root.getByTestId('check-result-status');
    this.observed = root.getByTestId('check-result-observed');
    this.failingRows = root.getByTestId('check-result-failing-rows');
    this.examples = root.getByTestId('check-result-examples');
    this.showRowsButton = root.getByTestId('show-rows');
  }

  /** The example `_row_id`s the engine reported (up to 20). */
  async exampleRowIds(): Promise<number[]> {
    const ids = (await this.root.getAttribute('data-example-ids')) ?? '';
    return ids === '' ? [] : ids.split(',').map(Number);
  }

  async failingRowCount(): Promise<number> {
    return Number(await this.failingRows.getAttribute('data-count'));
  }
}

/** The folded "Leakage between versions" panel. */
export class LeakagePanel {
  readonly root: Locator;
  readonly otherVersion: Locator;
  readonly idColumn: Locator;
  readonly compareButton: Locator;
  readonly identicalRows: Locator;
  readonly sharedIds: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('leakage-panel');
    this.otherVersion = page.getByTestId('leakage-other-version');
    this.idColumn = page.getByTestId('leakage-id-column');
    this.compareButton = page.getByTestId('leakage-run');
    this.identicalRows = page.getByTestId('leakage-identical-rows');
    this.sharedIds = page.getByTestId('leakage-shared-ids');
  }

  async open(): Promise<void> {
    await this.root.locator('summary').click();
    await expect(this.root).toHaveAttribute('open', '');
  }
}

/** The Validation tab: suite toolbar, check editor (form and YAML), run report, leakage. */
export class ValidationView {
  readonly root: Locator;
  readonly suggestButton: Locator;
  readonly suitePicker: Locator;
  readonly suiteName: Locator;
  readonly saveButton: Locator;
  readonly saveState: Locator;
  readonly requiredCheckbox: Locator;
  readonly runButton: Locator;
  readonly checkRows: Locator;
  readonly addCheckKind: Locator;
  readonly addCheckButton: Locator;
  readonly problems: Locator;
  readonly formMode: Locator;
  readonly yamlMode: Locator;
  readonly yamlText: Locator;
  readonly yamlApply: Locator;
  readonly yamlError: Locator;
  readonly uploadInput: Locator;
  readonly report: Locator;
  readonly reportStatus: Locator;
  readonly reportSummary: Locator;
  readonly notRun: Locator;
  readonly leakage: LeakagePanel;

  constructor(page: Page) {
    this.root = page.getByTestId('validation-view');
    this.suggestButton = page.getByTestId('suggest-suite');
    this.suitePicker = page.getByTestId('suite-picker');
    this.suiteName = page.getByTestId('suite-name');
    this.saveButton = page.getByTestId('save-suite');
    this.saveState = page.getByTestId('suite-save-state');
    this.requiredCheckbox = page.getByTestId('suite-required');
    this.runButton = page.getByTestId('run-suite');
    this.checkRows = page.getByTestId('check-row');
    this.addCheckKind = page.getByTestId('add-check-kind');
    this.addCheckButton = page.getByTestId('add-check');
    this.problems = page.getByTestId('suite-problems');
    this.formMode = page.getByTestId('suite-mode-form');
    this.yamlMode = page.getByTestId('suite-mode-yaml');
    this.yamlText = page.getByTestId('suite-yaml-text');
    this.yamlApply = page.getByTestId('suite-yaml-apply');
    this.yamlError = page.getByTestId('suite-yaml-error');
    this.uploadInput = page.getByTestId('suite-upload-input');
    this.report = page.getByTestId('validation-report');
    this.reportStatus = page.getByTestId('report-status');
    this.reportSummary = page.getByTestId('report-summary');
    this.notRun = page.getByTestId('validation-not-run');
    this.leakage = new LeakagePanel(page);
  }

  check(checkId: string): CheckEditorRow {
    return new CheckEditorRow(this.root.locator(`[data-testid="check-row"][data-check-id="${checkId}"]`));
  }

  result(checkId: string): CheckResultRow {
    return new CheckResultRow(
      this.report.locator(`[data-testid="check-result"][data-check-id="${checkId}"]`),
    );
  }

  /** Suggests a suite from the open version and waits for its checks. */
  async suggest(): Promise<void> {
    await this.suggestButton.click();
    await expect(this.checkRows.first()).toBeVisible({ timeout: 30_000 });
  }

  /** Saves and waits until the engine answered with a suite version. */
  async save(): Promise<void> {
    await this.saveButton.click();
    await expect(this.saveState).toHaveText(/^Saved as version \d+$/);
  }

  /** Runs the saved suite and waits for the report of the new run. */
  async run(): Promise<void> {
    const before = (await this.report.count()) > 0 ? await this.report.getAttribute('data-run-id') : null;
    await this.runButton.click();
    await expect(this.report).toBeVisible({ timeout: 60_000 });
    if (before !== null)
      await expect(this.report).not.toHaveAttribute('data-run-id', before, { timeout: 60_000 });
  }

  /** Opens the YAML view, lets `edit` change the text, and applies it to the form. */
  async editYaml(edit: (yaml: string) => string): Promise<void> {
    await this.yamlMode.click();
    const yaml = await this.yamlText.inputValue();
    await this.yamlText.fill(edit(yaml));
    await this.yamlApply.click();
  }
}
