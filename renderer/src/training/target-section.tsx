import type { DatasetProfile, DatasetVersion } from '../../../core/contract/schemas.js';
import type { TrainingTask } from '../../../core/contract/training.js';
import { isImageVersion, suggestTask } from './config-draft.js';
import { FormSection, SelectField, TextField } from './form-fields.js';
import type { DraftProps } from './form-fields.js';
import { useLabelTargets } from './label-source.js';
import { labelTaskOf } from './label-target.js';
import { LabelVersionPicker } from './label-version-picker.js';

const tableTasks: readonly { value: TrainingTask; label: string }[] = [
  { value: 'binary', label: 'Binary classification' },
  { value: 'multiclass', label: 'Multiclass classification' },
  { value: 'regression', label: 'Regression' },
];

// A CNN learns from the image, so on a folder of images there is one task to offer.
const imageTasks: readonly { value: TrainingTask; label: string }[] = [
  { value: 'image_classification', label: 'Image classification' },
];

/** Columns that make sense to predict: not the row id, nor the image hashes of an image version. */
function targetColumns(version: DatasetVersion, images: boolean): DatasetVersion['columns'] {
  return version.columns.filter(
    (column) => column.name !== version.rowIdColumn && !(images && column.name === 'image'),
  );
}

/** "What to predict": a column of the version, or a frozen label version; and the task. */
export function TargetSection({
  version,
  profile,
  draft,
  setDraft,
}: DraftProps & { version: DatasetVersion; profile: DatasetProfile | undefined }) {
  const images = isImageVersion(version);
  const labelTargets = useLabelTargets(version.id);
  const columns = targetColumns(version, images);
  const targetProfile = profile?.columns.find((column) => column.name === draft.target);
  const suggestion = targetProfile ? suggestTask(targetProfile, images) : null;
  const picked =
    labelTargets.state === 'ready'
      ? labelTargets.targets.find((target) => target.version.id === draft.labelVersionId)
      : undefined;
  const labelCount = labelTargets.state === 'ready' ? labelTargets.targets.length : null;

  const chooseColumnSource = (): void =>
    setDraft({ targetSource: 'column', ...(suggestion ? { task: suggestion.task } : {}) });
  const chooseLabelSource = (): void => {
    const task = picked ? labelTaskOf(picked.set, images) : null;
    setDraft({ targetSource: 'labels', ...(task?.ok ? { task: task.task } : {}) });
  };

  return (
    <FormSection title="What to predict">
      <div className="segmented" role="group" aria-label="Predict a column or labels">
        <button
          type="button"
          aria-pressed={draft.targetSource === 'column'}
          data-testid="target-source-column"
          onClick={chooseColumnSource}
        >
          A column
        </button>
        <button
          type="button"
          aria-pressed={draft.targetSource === 'labels'}
          data-testid="target-source-labels"
          onClick={chooseLabelSource}
        >
          Labels{labelCount !== null ? ` (${labelCount})` : ''}
        </button>
      </div>
      {draft.targetSource === 'column' ? (
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
                  ...(column ? { task: suggestTask(column, images).task } : {}),
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
          <TaskField images={images} {...{ draft, setDraft }} />
        </div>
      ) : (
        <>
          <LabelVersionPicker
            targets={labelTargets}
            images={images}
            value={draft.labelVersionId}
            onPick={(target, task) => setDraft({ labelVersionId: target.version.id, task })}
          />
          <div className="form-row">
            <TextField
              label="Column name"
              value={draft.labelColumn}
              valid={
                draft.labelColumn.trim() !== '' &&
                !version.columns.some((column) => column.name === draft.labelColumn.trim())
              }
              onChange={(labelColumn) => setDraft({ labelColumn })}
              testId="train-label-column"
              hint="The labels join the rows by row id as a new column with this name"
              width={120}
            />
            <TaskField images={images} {...{ draft, setDraft }} />
          </div>
        </>
      )}
      {draft.targetSource === 'column' && suggestion && (
        <p className="muted form-note" data-testid="task-suggestion" data-task={suggestion.task}>
          Suggested: {suggestion.task.replace('_', ' ')} — {suggestion.reason}.
        </p>
      )}
      {draft.targetSource === 'labels' && picked && (
        <p className="muted form-note" data-testid="label-target-picked">
          Predicting {picked.set.name} v{picked.version.number} as <code>{draft.labelColumn.trim()}</code>;
          rows without a settled label are left out.
        </p>
      )}
    </FormSection>
  );
}

function TaskField({ images, draft, setDraft }: DraftProps & { images: boolean }) {
  return (
    <SelectField
      label="Task"
      value={draft.task}
      options={images ? imageTasks : tableTasks}
      onChange={(task) => setDraft({ task })}
      testId="train-task"
    />
  );
}
