import type { LabelSet } from '../../../core/contract/labels.js';
import { textColourOn } from './palette.js';

/**
 * The classes with their hotkeys, as buttons too (a mouse works, the keyboard is faster). For a
 * score set: the range and what has been typed so far.
 */
export function ClassBar({
  labelSet,
  chosen,
  scoreText,
  scoreProblem,
  disabled,
  onChoose,
}: {
  labelSet: LabelSet;
  /** Classes lit up: the item's label (single) or the selection being made (multi). */
  chosen: readonly string[];
  scoreText: string;
  scoreProblem: string | null;
  disabled: boolean;
  onChoose(name: string): void;
}) {
  if (labelSet.task === 'score') {
    const range = labelSet.score;
    return (
      <div className="class-bar score-bar" data-testid="class-bar">
        <span className="muted">
          Score
          {range ? ` ${range.min}–${range.max}${range.step !== 1 ? ` in steps of ${range.step}` : ''}` : ''}:
        </span>
        <output className="score-typed" data-testid="score-typed">
          {scoreText === '' ? '…' : scoreText}
        </output>
        <span className="muted">
          <kbd>Enter</kbd> saves
        </span>
        {scoreProblem !== null && (
          <span className="error-message" data-testid="score-problem">
            {scoreProblem}
          </span>
        )}
      </div>
    );
  }
  return (
    <div className="class-bar" role="group" aria-label="Classes" data-testid="class-bar">
      {labelSet.classes.map((entry) => {
        const on = chosen.includes(entry.name);
        return (
          <button
            key={entry.name}
            type="button"
            className="class-button"
            aria-pressed={on}
            disabled={disabled}
            data-testid="class-button"
            data-class={entry.name}
            style={
              on
                ? { background: entry.color, borderColor: entry.color, color: textColourOn(entry.color) }
                : { borderColor: entry.color }
            }
            // Clicking must not leave focus on the button, or Enter would click it again.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onChoose(entry.name)}
          >
            <kbd>{entry.hotkey.toUpperCase()}</kbd> {entry.name}
          </button>
        );
      })}
      {labelSet.task === 'multi' && (
        <span className="muted">
          <kbd>Enter</kbd> saves the selection
        </span>
      )}
    </div>
  );
}
