import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export class Sidebar {
  readonly root: Locator;
  readonly newProjectName: Locator;
  readonly createProjectButton: Locator;
  readonly projects: Locator;
  readonly datasets: Locator;
  readonly versions: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('sidebar');
    this.newProjectName = page.getByTestId('new-project-name');
    this.createProjectButton = page.getByTestId('create-project');
    this.projects = page.getByTestId('project-item');
    this.datasets = page.getByTestId('dataset-item');
    this.versions = page.getByTestId('version-item');
  }

  project(name: string): Locator {
    return this.projects.filter({ hasText: name });
  }

  dataset(name: string): Locator {
    return this.root.locator(`[data-testid="dataset-item"][data-dataset-name="${name}"]`);
  }

  version(datasetName: string, number: number): Locator {
    return this.dataset(datasetName).locator(`[data-testid="version-item"][data-version-number="${number}"]`);
  }

  /** Creates a project and waits until it is the selected one. */
  async createProject(name: string): Promise<void> {
    await this.newProjectName.fill(name);
    await this.createProjectButton.click();
    await expect(this.project(name)).toHaveAttribute('aria-current', 'true');
  }

  /** A version's latest validation status badge (absent until it was validated). */
  validationStatus(datasetName: string, number: number): Locator {
    return this.version(datasetName, number).getByTestId('version-validation-status');
  }
}
