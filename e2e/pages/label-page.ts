import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export interface LabelSetSpec {
  readonly name: string;
  readonly classes: readonly string[];
  readonly textColumn?: string;
  readonly instructions?: string;
}

/** The Label tab of a dataset version: label set form, focus mode, grid, panels. */
export class LabelPage {
  readonly tab: Locator;
  readonly root: Locator;
  readonly form: Locator;
  readonly setName: Locator;
  readonly addClass: Locator;
  readonly textColumn: Locator;
  readonly suggestionColumn: Locator;
  readonly createSetButton: Locator;
  readonly formProblems: Locator;
  readonly annotatorName: Locator;
  readonly annotatorSave: Locator;
  readonly annotatorCurrent: Locator;
  readonly changeAnnotator: Locator;
  readonly item: Locator;
  readonly itemText: Locator;
  readonly itemImage: Locator;
  readonly itemLabel: Locator;
  readonly itemSync: Locator;
  readonly suggestion: Locator;
  readonly end: Locator;
  readonly classButtons: Locator;
  /** The unacknowledged marker: `data-pending` writes in flight, `data-acknowledged` answered. */
  readonly sync: Locator;
  /** How many labels an earlier page left unsaved and this one sent again. */
  readonly restored: Locator;
  readonly progressDone: Locator;
  readonly progressTotal: Locator;
  readonly keymapOverlay: Locator;
  readonly orderKind: Locator;
  readonly focusModeButton: Locator;
  readonly gridModeButton: Locator;
  readonly gridItems: Locator;
  readonly gridSelectedCount: Locator;
  readonly reviewPanel: Locator;
  readonly reviewItems: Locator;
  readonly reviewVotes: Locator;
  readonly agreementPanel: Locator;
  readonly versionsPanel: Locator;
  readonly freezePolicy: Locator;
  readonly freezeButton: Locator;
  readonly versions: Locator;
  readonly importLabelsInput: Locator;
  readonly importReport: Locator;

  constructor(readonly page: Page) {
    this.tab = page.getByTestId('tab-label');
    this.root = page.getByTestId('label-view');
    this.form = page.getByTestId('label-set-form');
    this.setName = page.getByTestId('label-set-name');
    this.addClass = page.getByTestId('add-class');
    this.textColumn = page.getByTestId('label-text-column');
    this.suggestionColumn = page.getByTestId('label-suggestion-column');
    this.createSetButton = page.getByTestId('create-label-set');
    this.formProblems = page.getByTestId('label-set-problems');
    this.annotatorName = page.getByTestId('annotator-name');
    this.annotatorSave = page.getByTestId('annotator-save');
    this.annotatorCurrent = page.getByTestId('annotator-current');
    this.changeAnnotator = page.getByTestId('change-annotator');
    this.item = page.getByTestId('label-item');
    this.itemText = page.getByTestId('label-text');
    this.itemImage = page.getByTestId('label-image');
    this.itemLabel = page.getByTestId('label-item-label');
    this.itemSync = page.getByTestId('label-item-sync');
    this.suggestion = page.getByTestId('label-suggestion');
    this.end = page.getByTestId('label-end');
    this.classButtons = page.getByTestId('class-button');
    this.sync = page.getByTestId('label-sync');
    this.restored = page.getByTestId('label-restored');
    this.progressDone = page.getByTestId('label-progress-done');
    this.progressTotal = page.getByTestId('label-progress-total');
    this.keymapOverlay = page.getByTestId('keymap-overlay');
    this.orderKind = page.getByTestId('label-order-kind');
    this.focusModeButton = page.getByTestId('label-mode-focus');
    this.gridModeButton = page.getByTestId('label-mode-grid');
    this.gridItems = page.getByTestId('grid-item');
    this.gridSelectedCount = page.getByTestId('grid-selected-count');
    this.reviewPanel = page.getByTestId('review-panel');
    this.reviewItems = page.getByTestId('review-item');
    this.reviewVotes = page.getByTestId('review-vote');
    this.agreementPanel = page.getByTestId('agreement-panel');
    this.versionsPanel = page.getByTestId('versions-panel');
    this.freezePolicy = page.getByTestId('freeze-policy');
    this.freezeButton = page.getByTestId('freeze-labels');
    this.versions = page.getByTestId('label-version');
    this.importLabelsInput = page.getByTestId('import-labels-input');
    this.importReport = page.getByTestId('import-labels-report');
  }

  async open(): Promise<void> {
    await this.tab.click();
    await expect(this.root).toBeVisible();
  }

  className(index: number): Locator {
    return this.page.getByTestId(`class-name-${index}`);
  }

  classCount(name: string): Locator {
    return this.page
      .locator(`[data-testid="label-class-count"][data-class="${name}"]`)
      .getByTestId('label-class-count-value');
  }

  panelButton(panel: 'review' | 'history' | 'agreement' | 'versions'): Locator {
    return this.page.getByTestId(`label-panel-${panel}`);
  }

  version(number: number): Locator {
    return this.page.locator(`[data-testid="label-version"][data-number="${number}"]`);
  }

  exportButton(version: Locator, format: 'csv' | 'jsonl' | 'imagenet'): Locator {
    return version.getByTestId(`export-${format}`);
  }

  exportDownload(version: Locator, format: 'csv' | 'jsonl' | 'imagenet'): Locator {
    return version
      .locator(`[data-testid="label-export"][data-format="${format}"]`)
      .getByTestId('export-download');
  }

  gridItem(rowId: number): Locator {
    return this.page.locator(`[data-testid="grid-item"][data-row-id="${rowId}"]`);
  }

  /** Fills the form (classes get the default hotkeys 1, 2, 3…) and waits for the set to open. */
  async createLabelSet(spec: LabelSetSpec): Promise<void> {
    await expect(this.form).toBeVisible();
    await this.setName.fill(spec.name);
    for (let i = 0; i < spec.classes.length; i++) {
      if (i >= 2) await this.addClass.click();
      await this.className(i).fill(spec.classes[i] ?? '');
    }
    if (spec.textColumn !== undefined) await this.textColumn.selectOption(spec.textColumn);
    if (spec.instructions !== undefined)
      await this.page.getByTestId('label-instructions').fill(spec.instructions);
    await expect(this.formProblems).toBeHidden();
    await this.createSetButton.click();
    await expect(this.form).toBeHidden();
  }

  /** Answers "who is labelling?" and waits for the first item. */
  async setAnnotator(name: string): Promise<void> {
    await this.annotatorName.fill(name);
    await this.annotatorSave.click();
    await expect(this.annotatorCurrent).toHaveText(name);
  }

  async currentRowId(): Promise<number> {
    await expect(this.item).toBeVisible();
    return Number(await this.item.getAttribute('data-row-id'));
  }

  /** Presses a key that moves on, and waits until another item is on screen. */
  async pressAndWaitForNext(key: string): Promise<void> {
    const before = await this.item.getAttribute('data-row-id');
    await this.page.keyboard.press(key);
    await expect(this.item.or(this.end)).toBeVisible();
    if (before !== null) await expect(this.item).not.toHaveAttribute('data-row-id', before);
  }

  /**
   * Presses a key and waits for row `rowId` to be the item shown. Reads only an attribute (no
   * layout), so the check itself does not hold up the frame being measured.
   */
  async pressAndExpectRow(key: string, rowId: number): Promise<void> {
    await this.page.keyboard.press(key);
    await expect(this.item).toHaveAttribute('data-row-id', String(rowId));
  }

  /** Waits until every label on screen has been acknowledged by the engine. */
  async waitUntilSaved(): Promise<number> {
    await expect(this.sync).toHaveAttribute('data-state', 'saved');
    await expect(this.sync).toHaveAttribute('data-pending', '0');
    return Number(await this.sync.getAttribute('data-acknowledged'));
  }

  async clearLatency(): Promise<void> {
    await this.page.evaluate(() => {
      window.__orchardLabelLatency?.clear();
      window.__orchardLabelLatencyAfterPaint?.clear();
    });
  }

  /** Keypress → the frame showing the next item, in ms, as the page measured them. */
  async latencySamples(): Promise<number[]> {
    return this.page.evaluate(() => window.__orchardLabelLatency?.samples() ?? []);
  }

  /** The same keys, to the first task after that frame was painted. */
  async latencyAfterPaintSamples(): Promise<number[]> {
    return this.page.evaluate(() => window.__orchardLabelLatencyAfterPaint?.samples() ?? []);
  }
}
