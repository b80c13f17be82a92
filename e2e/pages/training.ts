import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** A plotly chart of the training pages; `data-points` is the longest trace's length. */
export class TrainingChart {
  constructor(readonly root: Locator) {}

  async points(): Promise<number> {
    return Number(await this.root.getAttribute('data-points'));
  }

  async traces(): Promise<number> {
    return Number(await this.root.getAttribute('data-traces'));
  }

  /** The lines plotly drew (one path per trace). */
  lines(): Locator {
    return this.root.locator('.scatterlayer .trace');
  }
}

/** The "Train a model" page: the run config form (single run or search). */
export class TrainForm {
  readonly root: Locator;
  readonly singleMode: Locator;
  readonly searchMode: Locator;
  readonly name: Locator;
  readonly target: Locator;
  readonly task: Locator;
  readonly taskSuggestion: Locator;
  readonly targetFromColumn: Locator;
  readonly targetFromLabels: Locator;
  /** The frozen label versions offered as targets (one row each). */
  readonly labelTargets: Locator;
  readonly labelColumn: Locator;
  readonly splitKind: Locator;
  readonly featuresAll: Locator;
  /** Shown instead of the features picker on a folder of images. */
  readonly imageInput: Locator;
  readonly modelKind: Locator;
  readonly imageSize: Locator;
  readonly channels: Locator;
  readonly filters: Locator;
  readonly dense: Locator;
  readonly layers: Locator;
  readonly dropout: Locator;
  readonly learningRate: Locator;
  readonly batchSize: Locator;
  readonly epochs: Locator;
  readonly earlyStopping: Locator;
  readonly backend: Locator;
  readonly backendInfo: Locator;
  readonly problems: Locator;
  readonly gateFailure: Locator;
  readonly gateOverride: Locator;
  readonly gateReason: Locator;
  readonly gateSubmit: Locator;
  readonly startButton: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('train-form');
    this.singleMode = page.getByTestId('train-mode-single');
    this.searchMode = page.getByTestId('train-mode-search');
    this.name = page.getByTestId('train-name');
    this.target = page.getByTestId('train-target');
    this.task = page.getByTestId('train-task');
    this.taskSuggestion = page.getByTestId('task-suggestion');
    this.targetFromColumn = page.getByTestId('target-source-column');
    this.targetFromLabels = page.getByTestId('target-source-labels');
    this.labelTargets = page.getByTestId('label-target');
    this.labelColumn = page.getByTestId('train-label-column');
    this.splitKind = page.getByTestId('split-kind');
    this.featuresAll = page.getByTestId('train-features-all');
    this.imageInput = page.getByTestId('train-image-input');
    this.modelKind = page.getByTestId('model-kind');
    this.imageSize = page.getByTestId('model-image-size');
    this.channels = page.getByTestId('model-channels');
    this.filters = page.getByTestId('model-filters');
    this.dense = page.getByTestId('model-dense');
    this.layers = page.getByTestId('model-layers');
    this.dropout = page.getByTestId('model-dropout');
    this.learningRate = page.getByTestId('train-learning-rate');
    this.batchSize = page.getByTestId('train-batch-size');
    this.epochs = page.getByTestId('train-epochs');
    this.earlyStopping = page.getByTestId('early-stopping');
    this.backend = page.getByTestId('train-backend');
    this.backendInfo = page.getByTestId('backend-info');
    this.problems = page.getByTestId('train-problems');
    this.gateFailure = page.getByTestId('gate-failure');
    this.gateOverride = page.getByTestId('gate-override');
    this.gateReason = page.getByTestId('gate-override-reason');
    this.gateSubmit = page.getByTestId('gate-override-submit');
    this.startButton = page.getByTestId('start-training');
  }

  /** Chooses the target and waits for the task suggested from the version's profile. */
  async chooseTarget(column: string): Promise<void> {
    await this.target.selectOption(column);
    await expect(this.taskSuggestion).toBeVisible();
  }

  /** Switches the target to labels and picks a label set's frozen version. */
  async chooseLabelVersion(setName: string, versionNumber: number): Promise<void> {
    await this.targetFromLabels.click();
    await this.root
      .locator(`[data-testid="label-target"][data-set="${setName}"][data-number="${versionNumber}"]`)
      .getByRole('radio')
      .check();
  }
}

/** One run: live curves, throughput, backend, then the model version's evaluation. */
export class RunView {
  readonly root: Locator;
  readonly name: Locator;
  readonly status: Locator;
  /** "target folder (image classification)"; `data-source` is `column` or `labels`. */
  readonly target: Locator;
  readonly imageSize: Locator;
  readonly backend: Locator;
  readonly epochCount: Locator;
  readonly epochSeconds: Locator;
  readonly samplesPerSecond: Locator;
  readonly lossChart: TrainingChart;
  readonly metricChart: TrainingChart;
  readonly cancelButton: Locator;
  readonly trainAgainButton: Locator;
  readonly model: Locator;
  readonly evaluation: Locator;
  readonly rocAuc: Locator;
  readonly accuracy: Locator;
  readonly confusionMatrix: Locator;
  readonly perClassTable: Locator;
  readonly rocChart: TrainingChart;
  readonly calibrationChart: TrainingChart;
  readonly trials: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('run-view');
    this.name = this.root.getByTestId('run-name');
    this.status = this.root.getByTestId('run-status').first();
    this.target = this.root.getByTestId('run-target');
    this.imageSize = this.root.getByTestId('run-image-size');
    this.backend = this.root.getByTestId('run-backend');
    this.epochCount = this.root.getByTestId('run-epoch-count');
    this.epochSeconds = this.root.getByTestId('run-epoch-seconds');
    this.samplesPerSecond = this.root.getByTestId('run-samples-per-second');
    this.lossChart = new TrainingChart(this.root.getByTestId('loss-chart'));
    this.metricChart = new TrainingChart(this.root.getByTestId('metric-chart'));
    this.cancelButton = this.root.getByTestId('cancel-run');
    this.trainAgainButton = this.root.getByTestId('train-again');
    this.model = this.root.getByTestId('run-model');
    this.evaluation = this.root.getByTestId('evaluation');
    this.rocAuc = this.root.getByTestId('metric-rocAuc');
    this.accuracy = this.root.getByTestId('metric-accuracy');
    this.confusionMatrix = this.root.getByTestId('confusion-matrix');
    this.perClassTable = this.root.getByTestId('per-class-table');
    this.rocChart = new TrainingChart(this.root.getByTestId('roc-chart'));
    this.calibrationChart = new TrainingChart(this.root.getByTestId('calibration-chart'));
    this.trials = this.root.getByTestId('search-trials');
  }

  async runId(): Promise<string> {
    return (await this.root.getAttribute('data-run-id')) ?? '';
  }

  async epochsDone(): Promise<number> {
    return Number(await this.epochCount.textContent());
  }

  /** Waits until the run reached a final status and, when it succeeded, its evaluation shows. */
  async waitForFinish(timeout = 60_000): Promise<void> {
    await expect(this.root).toHaveAttribute('data-status', /succeeded|failed|cancelled|interrupted/, {
      timeout,
    });
  }
}

/** The project's runs table with sort, filter and the compare selection. */
export class RunsPage {
  readonly root: Locator;
  readonly rows: Locator;
  readonly count: Locator;
  readonly compareButton: Locator;
  readonly filterColumn: Locator;
  readonly filterOp: Locator;
  readonly filterValue: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('runs-page');
    this.rows = page.getByTestId('run-row');
    this.count = page.getByTestId('runs-count');
    this.compareButton = page.getByTestId('compare-runs');
    this.filterColumn = page.getByTestId('runs-filter-column');
    this.filterOp = page.getByTestId('runs-filter-op');
    this.filterValue = page.getByTestId('runs-filter-value');
  }

  row(runId: string): Locator {
    return this.root.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  }

  async select(runId: string): Promise<void> {
    await this.row(runId).getByTestId('run-select').check();
  }

  async sortBy(columnKey: string): Promise<void> {
    await this.page.getByTestId(`runs-sort-${columnKey}`).click();
  }
}

/** 2–5 runs side by side. */
export class CompareView {
  readonly root: Locator;
  readonly configDiff: Locator;
  readonly differingRows: Locator;
  readonly lossChart: TrainingChart;
  readonly metricChart: TrainingChart;
  readonly metrics: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('compare-view');
    this.configDiff = page.getByTestId('config-diff');
    this.differingRows = this.configDiff.locator('[data-testid="config-diff-row"][data-differs="true"]');
    this.lossChart = new TrainingChart(page.getByTestId('compare-loss-chart'));
    this.metricChart = new TrainingChart(page.getByTestId('compare-metric-chart'));
    this.metrics = page.getByTestId('compare-metrics');
  }

  diffRow(key: string): Locator {
    return this.configDiff.locator(`[data-testid="config-diff-row"][data-key="${key}"]`);
  }
}

/** Model versions of the project. */
export class ModelsPage {
  readonly root: Locator;
  readonly rows: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('models-page');
    this.rows = page.getByTestId('model-row');
  }
}

/** Entry points and pages of training. */
export class Training {
  readonly trainButton: Locator;
  readonly runsLink: Locator;
  readonly modelsLink: Locator;
  readonly form: TrainForm;
  readonly run: RunView;
  readonly runs: RunsPage;
  readonly compare: CompareView;
  readonly models: ModelsPage;

  constructor(page: Page) {
    this.trainButton = page.getByTestId('train-model');
    this.runsLink = page.getByTestId('nav-runs');
    this.modelsLink = page.getByTestId('nav-models');
    this.form = new TrainForm(page);
    this.run = new RunView(page);
    this.runs = new RunsPage(page);
    this.compare = new CompareView(page);
    this.models = new ModelsPage(page);
  }

  async openTrainForm(): Promise<void> {
    await this.trainButton.click();
    await expect(this.form.root).toBeVisible();
  }

  async openRuns(): Promise<void> {
    await this.runsLink.click();
    await expect(this.runs.root).toBeVisible();
  }
}
