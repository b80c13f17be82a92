import type { LabelSet } from '../../../core/contract/labels.js';
import type { TrainingTask } from '../../../core/contract/training.js';
import { formatCount } from '../format.js';
import type { LabelTargets } from './label-source.js';
import { classBalance, labelTaskOf } from './label-target.js';
import type { LabelTarget } from './label-target.js';

/** Classes shown by name in a version's balance; the rest are summed as "n more". */
const namedClasses = 6;
const otherColour = '#9aa59e';

function ClassBalance({ target }: { target: LabelTarget }) {
  const balance = classBalance(target.version);
  const colourOf = (name: string): string =>
    target.set.classes.find((labelClass) => labelClass.name === name)?.color ?? otherColour;
  const shown = balance.slice(0, namedClasses);
  const hidden = balance.length - shown.length;
  return (
    <span className="class-balance" data-testid="label-target-balance">
      <span className="class-balance-bar" aria-hidden="true">
        {balance.map((entry) => (
          <span key={entry.name} style={{ flexGrow: entry.count, background: colourOf(entry.name) }} />
        ))}
      </span>
      <span className="muted">
        {shown.map((entry) => `${entry.name} ${formatCount(entry.count)}`).join(' · ')}
        {hidden > 0 ? ` · ${hidden} more` : ''}
      </span>
    </span>
  );
}

function leftOut(target: LabelTarget): string {
  const { unlabelled, unresolved } = target.version.excluded;
  return `${formatCount(unlabelled)} unlabelled and ${formatCount(unresolved)} unresolved items left out`;
}

/**
 * The frozen label versions of the label sets on this dataset version, one radio each, with what
 * a person needs to choose: set, version number, items, class balance. Sets that cannot be trained
 * (multi-label; scores on images) show why and cannot be picked.
 */
export function LabelVersionPicker({
  targets,
  images,
  value,
  onPick,
}: {
  targets: LabelTargets;
  images: boolean;
  value: string;
  onPick(target: LabelTarget, task: TrainingTask): void;
}) {
  if (targets.state === 'loading') return <p className="muted form-note">Looking for label versions…</p>;
  if (targets.state === 'failed')
    return <p className="muted form-note">The label versions could not be read; see the error above.</p>;
  if (targets.targets.length === 0)
    return (
      <p className="muted form-note" data-testid="label-targets-empty">
        No frozen label versions on this dataset version yet. Label its items in a label set and freeze a
        version to train on it.
      </p>
    );
  return (
    <div className="label-targets" role="radiogroup" aria-label="Label version" data-testid="label-targets">
      {targets.targets.map((target) => {
        const { set, version } = target;
        const task = labelTaskOf(set, images);
        return (
          <label
            key={version.id}
            className={`label-target${task.ok ? '' : ' muted'}`}
            title={leftOut(target)}
            data-testid="label-target"
            data-label-version-id={version.id}
            data-set={set.name}
            data-number={version.number}
          >
            <input
              type="radio"
              name="label-version"
              checked={value === version.id}
              disabled={!task.ok}
              onChange={() => {
                if (task.ok) onPick(target, task.task);
              }}
            />
            <span className="label-target-name">
              <strong>{set.name}</strong> v{version.number}
            </span>
            <span className="muted">
              {formatCount(version.itemCount)} items · {describeTask(set)}
            </span>
            {task.ok ? <ClassBalance target={target} /> : <span className="muted">({task.reason})</span>}
          </label>
        );
      })}
    </div>
  );
}

function describeTask(set: Pick<LabelSet, 'task' | 'classes'>): string {
  if (set.task === 'score') return 'scores';
  const classes = `${set.classes.length} classes`;
  return set.task === 'multi' ? `multi-label, ${classes}` : classes;
}
