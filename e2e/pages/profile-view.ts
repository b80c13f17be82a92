import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export class ProfileView {
  readonly root: Locator;
  readonly cards: Locator;
  readonly chartPanel: Locator;
  readonly chart: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('profile-view');
    this.cards = page.getByTestId('profile-card');
    this.chartPanel = page.getByTestId('chart-panel');
    this.chart = page.getByTestId('column-chart');
  }

  card(column: string): Locator {
    return this.root.locator(`[data-testid="profile-card"][data-column="${column}"]`);
  }

  /** Opens the histogram (or top values) of a column and waits for plotly to draw it. */
  async openChart(column: string): Promise<void> {
    await this.card(column).getByTestId('profile-chart-button').click();
    await expect(this.chart).toHaveAttribute('data-column', column);
    await expect(this.chart.locator('.main-svg').first()).toBeVisible();
  }

  /** The bars plotly drew. */
  bars(): Locator {
    return this.chart.locator('.bars .point path');
  }
}
