import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** Browser mode's "Import a folder…": a folder of images by its path on the server's machine. */
export class FolderImport {
  readonly button: Locator;
  readonly dialog: Locator;
  readonly path: Locator;
  readonly confirmButton: Locator;

  constructor(page: Page) {
    this.button = page.getByTestId('import-folder').first();
    this.dialog = page.getByTestId('import-folder-dialog');
    this.path = page.getByTestId('import-folder-path');
    this.confirmButton = page.getByTestId('import-folder-confirm');
  }

  /** Types the folder's path and starts the import (a job; its version opens when it is done). */
  async importPath(folder: string): Promise<void> {
    await this.button.click();
    await expect(this.dialog).toBeVisible();
    await this.path.fill(folder);
    await this.confirmButton.click();
    await expect(this.dialog).toBeHidden();
  }
}
