import type { Locator, Page } from '@playwright/test';
import { Grid } from './grid.js';
import { ProfileView } from './profile-view.js';
import { ValidationView } from './validation-view.js';

/** The main area: the selected version's header, tabs, grid and profile. */
export class DataView {
  readonly root: Locator;
  readonly header: Locator;
  readonly datasetName: Locator;
  readonly versionNumber: Locator;
  readonly rowCount: Locator;
  readonly source: Locator;
  readonly importButton: Locator;
  readonly fileInput: Locator;
  readonly gridTab: Locator;
  readonly profileTab: Locator;
  readonly validationTab: Locator;
  /** The open version's latest validation status next to its number (absent until validated). */
  readonly validationStatus: Locator;
  readonly grid: Grid;
  readonly profile: ProfileView;
  readonly validation: ValidationView;

  constructor(page: Page) {
    this.root = page.getByTestId('data-view');
    this.header = page.getByTestId('version-header');
    this.datasetName = page.getByTestId('version-dataset-name');
    this.versionNumber = page.getByTestId('version-number');
    this.rowCount = page.getByTestId('version-row-count');
    this.source = page.getByTestId('version-source');
    this.importButton = page.getByTestId('import-data').first();
    this.fileInput = page.getByTestId('import-file-input').first();
    this.gridTab = page.getByTestId('tab-grid');
    this.profileTab = page.getByTestId('tab-profile');
    this.validationTab = page.getByTestId('tab-validation');
    this.validationStatus = page.getByTestId('version-validation-status-header');
    this.grid = new Grid(page);
    this.profile = new ProfileView(page);
    this.validation = new ValidationView(page);
  }
}
