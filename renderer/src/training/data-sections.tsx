import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { CheckField, FormSection, SelectField, TextField, inRange } from './form-fields.js';
import type { DraftProps } from './form-fields.js';

/** Which columns a table model learns from: all but the target, or a pick. */
export function FeaturesSection({ version, draft, setDraft }: DraftProps & { version: DatasetVersion }) {
  const featureChoices = version.columns.filter(
    (column) =>
      column.name !== version.rowIdColumn &&
      !(draft.targetSource === 'column' && column.name === draft.target),
  );
  return (
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
          <span>
            All {featureChoices.length} {draft.targetSource === 'column' ? 'other ' : ''}columns
          </span>
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
  );
}

/** Holdout or k-fold (tables and images alike). */
export function SplitSection({ draft, setDraft }: DraftProps) {
  const holdout = draft.splitKind === 'holdout';
  return (
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
        {holdout ? (
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
  );
}
