import type { LabelClass, LabelTask } from '../../../core/contract/labels.js';

/** What a key press asks the labelling view to do. */
export type LabelCommand =
  /** single: label and move on; multi: toggle the class. */
  | { readonly kind: 'class'; readonly name: string }
  /** Enter: submit the multi-label selection or the typed score, or accept the suggestion. */
  | { readonly kind: 'submit' }
  | { readonly kind: 'next' }
  | { readonly kind: 'previous' }
  | { readonly kind: 'undo' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'keymap' }
  | { readonly kind: 'review' }
  | { readonly kind: 'close' }
  | { readonly kind: 'score-type'; readonly text: string }
  | { readonly kind: 'score-erase' }
  | { readonly kind: 'select-all' }
  | { readonly kind: 'page'; readonly delta: 1 | -1 };

/** The parts of a KeyboardEvent the keymap reads (so it is testable without a DOM). */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

export interface KeymapContext {
  readonly task: LabelTask;
  readonly classes: readonly LabelClass[];
  /** Score tasks: something is typed, so Backspace erases a character instead of undoing. */
  readonly scoreTyped: boolean;
  readonly mode: 'focus' | 'grid' | 'review';
}

/** Maps a key press to a command, or null when the view leaves the key alone. */
export function commandFor(press: KeyPress, context: KeymapContext): LabelCommand | null {
  if (press.altKey) return null;
  const key = press.key;
  if (press.ctrlKey || press.metaKey) {
    const lower = key.toLowerCase();
    if (lower === 'z') return { kind: 'undo' };
    if (lower === 'a' && context.mode === 'grid') return { kind: 'select-all' };
    return null;
  }
  switch (key) {
    case '?':
      return { kind: 'keymap' };
    case 'Escape':
      return { kind: 'close' };
    case 'ArrowRight':
      return context.mode === 'grid' ? null : { kind: 'next' };
    case 'ArrowLeft':
      return context.mode === 'grid' ? null : { kind: 'previous' };
    case 'Backspace':
      return context.task === 'score' && context.scoreTyped ? { kind: 'score-erase' } : { kind: 'undo' };
    case 'Enter':
      return { kind: 'submit' };
    case 'PageDown':
    case ']':
      return context.mode === 'grid' ? { kind: 'page', delta: 1 } : null;
    case 'PageUp':
    case '[':
      return context.mode === 'grid' ? { kind: 'page', delta: -1 } : null;
    default:
      break;
  }
  const lower = key.toLowerCase();
  if (key.length !== 1) return null;
  if (context.mode !== 'grid') {
    if (lower === 'j') return { kind: 'next' };
    if (lower === 'k') return { kind: 'previous' };
  }
  if (lower === 's') return { kind: 'skip' };
  if (lower === 'u') return { kind: 'review' };
  if (context.task === 'score') return /^[0-9.-]$/.test(key) ? { kind: 'score-type', text: key } : null;
  const chosen = context.classes.find((entry) => entry.hotkey === lower);
  return chosen ? { kind: 'class', name: chosen.name } : null;
}

/** Focus in a text field (a dialog, the form) means keys are typing, not labelling. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'range', 'color'].includes(target.type);
  }
  return false;
}

/** The rows of the keymap overlay, in the user's words. */
export function keymapRows(
  task: LabelTask,
  classes: readonly LabelClass[],
): readonly (readonly [string, string])[] {
  const classRows = classes.map(
    (entry) =>
      [
        entry.hotkey.toUpperCase(),
        task === 'multi' ? `toggle ${entry.name}` : `label ${entry.name}`,
      ] as const,
  );
  return [
    ...(task === 'score' ? ([['0–9 . -', 'type a score']] as const) : classRows),
    ['Enter', task === 'single' ? 'accept the suggestion' : 'submit and move on (or accept the suggestion)'],
    ['→ or J', 'next item'],
    ['← or K', 'previous item (shows your label)'],
    ['Backspace or Ctrl+Z', 'undo the last label'],
    ['S', 'skip'],
    ['U', 'review panel'],
    ['?', 'this list'],
    ['Esc', 'close'],
  ];
}
