import { parseSizes } from './config-draft.js';
import type { TrainDraft } from './config-draft.js';
import { FormSection, SelectField, TextField, inRange, stoppingMetrics } from './form-fields.js';
import { parseLayerOptions } from './search-draft.js';
import type { SearchDraft } from './search-draft.js';

/** Ranges to search around the run's settings; layer and dropout ranges only for an MLP. */
export function SearchFields({
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
