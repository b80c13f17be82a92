import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { DataView } from './data-view.js';
import { ImportDialog } from './import-dialog.js';
import { Sidebar } from './sidebar.js';
import { Training } from './training.js';

/** The whole window: sidebar, data view, import dialog, errors and jobs. */
export class OrchardApp {
  readonly sidebar: Sidebar;
  readonly dataView: DataView;
  readonly importDialog: ImportDialog;
  readonly training: Training;
  readonly errorPanel: Locator;
  readonly errorMessages: Locator;
  readonly jobPanel: Locator;
  readonly connectionBanner: Locator;

  constructor(readonly page: Page) {
    this.sidebar = new Sidebar(page);
    this.dataView = new DataView(page);
    this.importDialog = new ImportDialog(page);
    this.training = new Training(page);
    this.errorPanel = page.getByTestId('error-panel');
    this.errorMessages = page.getByTestId('error-message');
    this.jobPanel = page.getByTestId('job-panel');
    this.connectionBanner = page.getByTestId('connection-banner');
  }

  /** Opens the printed address (sets the cookie, redirects to `/`) and waits for the engine link. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.sidebar.root).toBeVisible();
    await expect(this.connectionBanner).toBeHidden();
  }

  job(label: string | RegExp): Locator {
    return this.page.getByTestId('job-item').filter({ hasText: label });
  }

  /** Picks a file through the import button's file input and waits for the column dialog. */
  async chooseFile(filePath: string): Promise<void> {
    await this.dataView.fileInput.setInputFiles(filePath);
  }

  /** Import a file with the inferred types and wait for its version to open. */
  async importFile(filePath: string): Promise<void> {
    await this.chooseFile(filePath);
    await this.importDialog.waitForColumns();
    await this.importDialog.confirm();
    await expect(this.dataView.header).toBeVisible({ timeout: 60_000 });
  }
}
