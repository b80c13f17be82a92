import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export class ImportDialog {
  readonly root: Locator;
  readonly columns: Locator;
  readonly datasetName: Locator;
  readonly importButton: Locator;
  readonly cancelButton: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('import-dialog');
    this.columns = page.getByTestId('import-column');
    this.datasetName = page.getByTestId('import-dataset-name');
    this.importButton = page.getByTestId('import-confirm');
    this.cancelButton = page.getByTestId('import-cancel');
  }

  /** Waits until the file was inspected and its columns are listed. */
  async waitForColumns(): Promise<void> {
    await expect(this.root).toBeVisible();
    await expect(this.columns.first()).toBeVisible({ timeout: 30_000 });
  }

  columnType(column: string): Locator {
    return this.root.getByTestId(`import-type-${column}`);
  }

  async setColumnType(column: string, type: string): Promise<void> {
    await this.columnType(column).selectOption(type);
  }

  async confirm(): Promise<void> {
    await this.importButton.click();
    await expect(this.root).toBeHidden();
  }
}
