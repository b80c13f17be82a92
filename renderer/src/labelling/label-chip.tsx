import type { LabelSet } from '../../../core/contract/labels.js';
import { textColourOn } from './palette.js';
import { classesOf, describeLabel } from './session-model.js';
import type { ShownLabel } from './session-model.js';

/** A label as coloured chips (one per class), or "skipped" / "not labelled" in grey. */
export function LabelChip({
  labelSet,
  label,
  testId,
}: {
  labelSet: LabelSet;
  label: ShownLabel | null;
  testId?: string;
}) {
  const names = label?.action === 'label' ? classesOf(label.value) : [];
  const text = describeLabel(label);
  if (names.length === 0)
    return (
      <span className="label-chip label-chip-empty" data-testid={testId} data-label={text}>
        {text}
      </span>
    );
  return (
    <span className="label-chips" data-testid={testId} data-label={text}>
      {names.map((name) => {
        const colour = labelSet.classes.find((entry) => entry.name === name)?.color ?? '#7f7f7f';
        return (
          <span key={name} className="label-chip" style={{ background: colour, color: textColourOn(colour) }}>
            {name}
          </span>
        );
      })}
    </span>
  );
}
