import { CheckField, FormSection, SelectField, TextField, inRange, stoppingMetrics } from './form-fields.js';
import type { DraftProps } from './form-fields.js';

/** Optimiser, batch, epochs and seed; early stopping; class weights for classification. */
export function OptimisationSection({ draft, setDraft }: DraftProps) {
  return (
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
  );
}
