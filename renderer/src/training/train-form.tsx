import { useEffect, useMemo, useState } from 'react';
import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { useApp } from '../store/app-store.js';
import {
  buildConfig,
  buildSearch,
  defaultDraft,
  defaultSearchDraft,
  draftFromConfig,
  parseLayerOptions,
  parseSizes,
  suggestTask,
} from './config-draft.js';
import type { SearchDraft, TabularTask, TrainDraft } from './config-draft.js';
import { BackendPicker } from './backend-picker.js';
import { CheckField, FormSection, SelectField, TextField, inRange } from './form-fields.js';
import { GateFailurePanel } from './gate-dialog.js';

const taskOptions: readonly { value: TabularTask; label: string }[] = [
  { value: 'binary', label: 'Binary classification' },
  { value: 'multiclass', label: 'Multiclass classification' },
  { value: 'regression', label: 'Regression' },
];

const stoppingMetrics = [
  { value: 'val_loss', label: 'val loss' },
  { value: 'val_accuracy', label: 'val accuracy' },
  { value: 'val_auc', label: 'val AUC' },
  { value: 'val_rmse', label: 'val RMSE' },
] as const;

type Mode = 'single' | 'search';

function SearchFields({
  search,
  setSearch,
  modelKind,
}: {
  search: SearchDraft;
  setSearch(change: Partial<SearchDraft>): void;
  modelKind: TrainDraft['modelKind'];
}) {
  return (
    <FormSection title="Hyperparameter search">
      <div className="form-row">
        <SelectField
          label="Strategy"
          value={search.strategy}
          options={[
            { value: 'random', label: 'Random' },
            { value: 'successive_halving', label: 'Successive halving' },
          ]}
          onChange={(strategy) => setSearch({ strategy })}
          testId="search-strategy"
        />
        <TextField
          label="Trials"
          value={search.trials}
          valid={inRange(search.trials, 2, 200)}
          onChange={(trials) => setSearch({ trials })}
          testId="search-trials"
          width={64}
        />
        <SelectField
          label="Optimise"
          value={search.metric}
          options={stoppingMetrics}
          onChange={(metric) => setSearch({ metric })}
          testId="search-metric"
        />
      </div>
      <div className="form-row">
        <TextField
          label="Learning rate from"
          value={search.learningRateMin}
          valid={inRange(search.learningRateMin, 1e-9, 10)}
          onChange={(learningRateMin) => setSearch({ learningRateMin })}
          testId="search-lr-min"
          width={80}
        />
        <TextField
          label="to (log scale)"
          value={search.learningRateMax}
          valid={inRange(search.learningRateMax, 1e-9, 10)}
          onChange={(learningRateMax) => setSearch({ learningRateMax })}
          testId="search-lr-max"
          width={80}
        />
        <TextField
          label="Batch sizes"
          value={search.batchSizes}
          valid={search.batchSizes.trim() === '' || parseSizes(search.batchSizes) !== null}
          onChange={(batchSizes) => setSearch({ batchSizes })}
          testId="search-batch-sizes"
          hint="Comma-separated, e.g. 64,128,256"
          width={120}
        />
      </div>
      {modelKind === 'mlp' && (
        <div className="form-row">
          <TextField
            label="Layer options"
            value={search.layerOptions}
            valid={search.layerOptions.trim() === '' || parseLayerOptions(search.layerOptions) !== null}
            onChange={(layerOptions) => setSearch({ layerOptions })}
            testId="search-layers"
            hint='Options separated by ";", sizes by ",": "32; 64,64"'
            width={160}
          />
          <TextField
            label="Dropout from"
            value={search.dropoutMin}
            valid={inRange(search.dropoutMin, 0, 0.9)}
            onChange={(dropoutMin) => setSearch({ dropoutMin })}
            testId="search-dropout-min"
            width={56}
          />
          <TextField
            label="to"
            value={search.dropoutMax}
            valid={inRange(search.dropoutMax, 0, 0.9)}
            onChange={(dropoutMax) => setSearch({ dropoutMax })}
            testId="search-dropout-max"
            width={56}
          />
        </div>
      )}
    </FormSection>
  );
}

/** Configure a run (or a search) on one dataset version and start it. */
export function TrainForm({ version, fromRunId }: { version: DatasetVersion; fromRunId?: string }) {
  const profile = useApp((state) => state.profiles[version.id]);
  const loadProfile = useApp((state) => state.loadProfile);
  const fromRun = useApp((state) => (fromRunId !== undefined ? state.runs[fromRunId] : undefined));
  const starting = useApp((state) => state.startingRun);
  const startRun = useApp((state) => state.startRun);
  const startSearch = useApp((state) => state.startSearch);
  const [mode, setMode] = useState<Mode>('single');
  const [draft, setDraftState] = useState<TrainDraft>(() =>
    fromRun ? draftFromConfig(fromRun.config) : defaultDraft,
  );
  const [search, setSearchState] = useState<SearchDraft>(defaultSearchDraft);
  const [problems, setProblems] = useState<readonly string[]>([]);
  const setDraft = (change: Partial<TrainDraft>): void => setDraftState((old) => ({ ...old, ...change }));
  const setSearch = (change: Partial<SearchDraft>): void => setSearchState((old) => ({ ...old, ...change }));

  useEffect(() => {
    void loadProfile(version.id);
  }, [loadProfile, version.id]);

  const columns = version.columns.filter((column) => column.name !== '_row_id');
  const targetProfile = profile?.columns.find((column) => column.name === draft.target);
  const suggestion = useMemo(() => (targetProfile ? suggestTask(targetProfile) : null), [targetProfile]);
  const featureChoices = columns.filter((column) => column.name !== draft.target);

  const start = async (): Promise<void> => {
    const built = buildConfig(draft, version.id);
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    if (mode === 'single') {
      setProblems([]);
      await startRun(built.value);
      return;
    }
    const builtSearch = buildSearch(search, draft.modelKind);
    if (!builtSearch.ok) {
      setProblems(builtSearch.problems);
      return;
    }
    setProblems([]);
    await startSearch(built.value, builtSearch.value);
  };

  return (
    <form
      className="train-form"
      data-testid="train-form"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <div className="train-form-top">
        <div className="segmented" role="group" aria-label="Single run or search">
          <button
            type="button"
            aria-pressed={mode === 'single'}
            data-testid="train-mode-single"
            onClick={() => setMode('single')}
          >
            Single run
          </button>
          <button
            type="button"
            aria-pressed={mode === 'search'}
            data-testid="train-mode-search"
            onClick={() => setMode('search')}
          >
            Search
          </button>
        </div>
        <TextField
          label="Run name"
          value={draft.name}
          onChange={(name) => setDraft({ name })}
          testId="train-name"
          hint="Optional; the engine names the run when empty"
        />
        {fromRun && (
          <span className="muted" data-testid="train-from-run">
            Starting from {fromRun.name}
          </span>
        )}
      </div>

      <div className="form-sections">
        <FormSection title="What to predict">
          <div className="form-row">
            <label className="form-field">
              <span>Target</span>
              <select
                data-testid="train-target"
                value={draft.target}
                onChange={(event) => {
                  const target = event.target.value;
                  const column = profile?.columns.find((c) => c.name === target);
                  setDraft({
                    target,
                    ...(column ? { task: suggestTask(column).task } : {}),
                    features: draft.features?.filter((feature) => feature !== target) ?? null,
                  });
                }}
              >
                <option value="">Choose a column…</option>
                {columns.map((column) => (
                  <option key={column.name} value={column.name}>
                    {column.name} ({column.type})
                  </option>
                ))}
              </select>
            </label>
            <SelectField
              label="Task"
              value={draft.task}
              options={taskOptions}
              onChange={(task) => setDraft({ task })}
              testId="train-task"
            />
          </div>
          {suggestion && (
            <p className="muted form-note" data-testid="task-suggestion" data-task={suggestion.task}>
              Suggested: {suggestion.task} — {suggestion.reason}.
            </p>
          )}
        </FormSection>

        <FormSection title="Features">
          <div className="form-row">
            <label className="form-field checkbox-field">
              <input
                type="radio"
                name="feature-mode"
                checked={draft.features === null}
                data-testid="train-features-all"
                onChange={() => setDraft({ features: null })}
              />
              <span>All {featureChoices.length} other columns</span>
            </label>
            <label className="form-field checkbox-field">
              <input
                type="radio"
                name="feature-mode"
                checked={draft.features !== null}
                data-testid="train-features-pick"
                onChange={() => setDraft({ features: featureChoices.map((column) => column.name) })}
              />
              <span>Pick</span>
            </label>
          </div>
          {draft.features !== null && (
            <div className="feature-picks" data-testid="train-feature-list">
              {featureChoices.map((column) => (
                <label key={column.name} className="checkbox-field feature-pick">
                  <input
                    type="checkbox"
                    checked={draft.features?.includes(column.name) ?? false}
                    data-testid={`train-feature-${column.name}`}
                    onChange={(event) =>
                      setDraft({
                        features: event.target.checked
                          ? [...(draft.features ?? []), column.name]
                          : (draft.features ?? []).filter((name) => name !== column.name),
                      })
                    }
                  />
                  <span>{column.name}</span>
                </label>
              ))}
            </div>
          )}
        </FormSection>

        <FormSection title="Split">
          <div className="form-row">
            <SelectField
              label="Kind"
              value={draft.splitKind}
              options={[
                { value: 'holdout', label: 'Holdout' },
                { value: 'kfold', label: 'k-fold' },
              ]}
              onChange={(splitKind) => setDraft({ splitKind })}
              testId="split-kind"
            />
            {draft.splitKind === 'holdout' ? (
              <TextField
                label="Validation share"
                value={draft.validationShare}
                valid={inRange(draft.validationShare, 0.001, 0.999)}
                onChange={(validationShare) => setDraft({ validationShare })}
                testId="split-validation"
                width={56}
              />
            ) : (
              <TextField
                label="Folds"
                value={draft.folds}
                valid={inRange(draft.folds, 2, 20)}
                onChange={(folds) => setDraft({ folds })}
                testId="split-folds"
                width={48}
              />
            )}
            <TextField
              label="Test share"
              value={draft.testShare}
              valid={inRange(draft.testShare, 0.001, 0.999)}
              onChange={(testShare) => setDraft({ testShare })}
              testId="split-test"
              width={56}
            />
            {draft.task !== 'regression' && (
              <CheckField
                label="Stratify"
                checked={draft.stratify}
                onChange={(stratify) => setDraft({ stratify })}
                testId="split-stratify"
              />
            )}
          </div>
        </FormSection>

        <FormSection title="Model">
          <div className="form-row">
            <SelectField
              label="Kind"
              value={draft.modelKind}
              options={[
                { value: 'mlp', label: 'MLP' },
                { value: 'linear', label: draft.task === 'regression' ? 'Linear' : 'Logistic (linear)' },
              ]}
              onChange={(modelKind) => setDraft({ modelKind })}
              testId="model-kind"
            />
            {draft.modelKind === 'mlp' && (
              <>
                <TextField
                  label="Layers"
                  value={draft.layers}
                  valid={parseSizes(draft.layers) !== null}
                  onChange={(layers) => setDraft({ layers })}
                  testId="model-layers"
                  hint="Hidden layer sizes, e.g. 64,64"
                  width={88}
                />
                <SelectField
                  label="Activation"
                  value={draft.activation}
                  options={[
                    { value: 'relu', label: 'ReLU' },
                    { value: 'tanh', label: 'tanh' },
                    { value: 'elu', label: 'ELU' },
                  ]}
                  onChange={(activation) => setDraft({ activation })}
                  testId="model-activation"
                />
                <TextField
                  label="Dropout"
                  value={draft.dropout}
                  valid={inRange(draft.dropout, 0, 0.9)}
                  onChange={(dropout) => setDraft({ dropout })}
                  testId="model-dropout"
                  width={56}
                />
                <CheckField
                  label="Batch norm"
                  checked={draft.batchNorm}
                  onChange={(batchNorm) => setDraft({ batchNorm })}
                  testId="model-batchnorm"
                />
              </>
            )}
            <TextField
              label="L2"
              value={draft.l2}
              valid={inRange(draft.l2, 0, 10)}
              onChange={(l2) => setDraft({ l2 })}
              testId="model-l2"
              width={56}
            />
          </div>
        </FormSection>

        <FormSection title="Optimisation">
          <div className="form-row">
            <SelectField
              label="Optimiser"
              value={draft.optimizer}
              options={[
                { value: 'adam', label: 'Adam' },
                { value: 'sgd', label: 'SGD' },
                { value: 'rmsprop', label: 'RMSprop' },
              ]}
              onChange={(optimizer) => setDraft({ optimizer })}
              testId="train-optimizer"
            />
            <TextField
              label="Learning rate"
              value={draft.learningRate}
              valid={inRange(draft.learningRate, 1e-9, 10)}
              onChange={(learningRate) => setDraft({ learningRate })}
              testId="train-learning-rate"
              width={80}
            />
            <TextField
              label="Batch size"
              value={draft.batchSize}
              valid={inRange(draft.batchSize, 1, 65_536)}
              onChange={(batchSize) => setDraft({ batchSize })}
              testId="train-batch-size"
              width={64}
            />
            <TextField
              label="Epochs"
              value={draft.epochs}
              valid={inRange(draft.epochs, 1, 10_000)}
              onChange={(epochs) => setDraft({ epochs })}
              testId="train-epochs"
              width={56}
            />
            <TextField
              label="Seed"
              value={draft.seed}
              valid={inRange(draft.seed, 0, 2 ** 31 - 1)}
              onChange={(seed) => setDraft({ seed })}
              testId="train-seed"
              width={64}
            />
          </div>
          <div className="form-row">
            <CheckField
              label="Early stopping"
              checked={draft.earlyStopping}
              onChange={(earlyStopping) => setDraft({ earlyStopping })}
              testId="early-stopping"
            />
            {draft.earlyStopping && (
              <>
                <SelectField
                  label="on"
                  value={draft.earlyStoppingMetric}
                  options={stoppingMetrics}
                  onChange={(earlyStoppingMetric) => setDraft({ earlyStoppingMetric })}
                  testId="early-stopping-metric"
                />
                <TextField
                  label="patience"
                  value={draft.patience}
                  valid={inRange(draft.patience, 1, 1000)}
                  onChange={(patience) => setDraft({ patience })}
                  testId="early-stopping-patience"
                  width={48}
                />
              </>
            )}
            {draft.task !== 'regression' && (
              <SelectField
                label="Class weights"
                value={draft.classWeights}
                options={[
                  { value: 'none', label: 'None' },
                  { value: 'balanced', label: 'Balanced' },
                ]}
                onChange={(classWeights) => setDraft({ classWeights })}
                testId="class-weights"
              />
            )}
          </div>
        </FormSection>

        <FormSection title="Where it trains">
          <BackendPicker value={draft.backend} onChange={(backend) => setDraft({ backend })} />
        </FormSection>

        {mode === 'search' && (
          <SearchFields search={search} setSearch={setSearch} modelKind={draft.modelKind} />
        )}
      </div>

      {problems.length > 0 && (
        <ul className="suite-problems" data-testid="train-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <GateFailurePanel />
      <div className="button-row">
        <button type="submit" className="primary" disabled={starting} data-testid="start-training">
          {starting ? 'Starting…' : mode === 'search' ? 'Start search' : 'Start training'}
        </button>
      </div>
    </form>
  );
}
