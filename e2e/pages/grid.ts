import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The virtualised row grid. Only rows in view exist in the DOM. */
export class Grid {
  readonly root: Locator;
  readonly body: Locator;
  readonly rows: Locator;
  readonly rowIds: Locator;
  readonly total: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('grid');
    this.body = page.getByTestId('grid-body');
    this.rows = page.getByTestId('grid-row');
    this.rowIds = page.getByTestId('grid-row-id');
    this.total = page.getByTestId('grid-total');
  }

  /** The row-id cell showing exactly `id` (loaded, not a placeholder). */
  rowId(id: number): Locator {
    return this.rowIds.filter({ hasText: new RegExp(`^${id}$`) });
  }

  /** Scrolls to the last row the way a keyboard user would: focus the rows, press End. */
  async scrollToEnd(): Promise<void> {
    await this.body.focus();
    await this.body.press('End');
  }

  async scrollToStart(): Promise<void> {
    await this.body.focus();
    await this.body.press('Home');
  }

  /** The rendered cells of one column, top to bottom. */
  cells(column: string): Locator {
    return this.rows.locator(`[data-column="${column}"]`);
  }

  /** The row ids of the rendered rows (those in view plus overscan), once loaded. */
  async renderedRowIds(): Promise<number[]> {
    await this.waitForRows();
    return (await this.rowIds.allTextContents()).map(Number);
  }

  filterOp(column: string): Locator {
    return this.page.getByTestId(`filter-op-${column}`);
  }

  filterValue(column: string): Locator {
    return this.page.getByTestId(`filter-value-${column}`);
  }

  columnHeader(column: string): Locator {
    return this.page.getByTestId(`column-header-${column}`);
  }

  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click();
  }

  async filter(column: string, op: string, value = ''): Promise<void> {
    await this.page.getByTestId(`filter-op-${column}`).selectOption({ label: op });
    if (value !== '') await this.page.getByTestId(`filter-value-${column}`).fill(value);
  }

  /** Waits until the first rendered row has loaded values (no placeholders). */
  async waitForRows(): Promise<void> {
    await expect(this.rows.first().getByTestId('grid-row-id')).toHaveText(/^\d+$/);
  }
}
