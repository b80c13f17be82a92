import type { Annotation, LabelItem, LabelTask, LabelValue } from '../../../core/contract/labels.js';

/** What the annotator did to an item, as the view shows it (a write may still be on its way). */
export interface ShownLabel {
  readonly action: Annotation['action'];
  readonly value: LabelValue | null;
}

/** A write the view already shows but the engine has not acknowledged (or refused for now). */
export interface Draft extends ShownLabel {
  readonly id: string;
  readonly state: 'sending' | 'failed' | 'conflict';
}

/** An item of the labelling session: the engine's view of it plus any write in flight. */
export interface SessionItem extends LabelItem {
  readonly draft: Draft | null;
}

export type WriteAction = 'label' | 'skip' | 'clear';

export function sessionItem(item: LabelItem): SessionItem {
  return { ...item, draft: null };
}

/** The draft when there is one, else the engine's current annotation. */
export function shownLabel(item: SessionItem): ShownLabel | null {
  if (item.draft) return item.draft;
  return item.current ? { action: item.current.action, value: item.current.value } : null;
}

/** Not yet labelled or skipped by this annotator (a cleared label is open again). */
export function isOpen(item: LabelItem): boolean {
  return item.current === null || item.current.action === 'clear';
}

/** `existing` with the items of `incoming` it does not have yet, in order, after (or before) it. */
export function mergeItems(
  existing: readonly SessionItem[],
  incoming: readonly LabelItem[],
  where: 'append' | 'prepend',
): { items: SessionItem[]; added: number } {
  const known = new Set(existing.map((item) => item.rowId));
  const fresh = incoming.filter((item) => !known.has(item.rowId)).map(sessionItem);
  const items = where === 'append' ? [...existing, ...fresh] : [...fresh, ...existing];
  return { items, added: fresh.length };
}

/** The write that puts an item back the way it was before a label (what undo appends). */
export function restoring(previous: ShownLabel | null): { action: WriteAction; value?: LabelValue } {
  if (previous === null || previous.action === 'clear') return { action: 'clear' };
  if (previous.action === 'skip') return { action: 'skip' };
  return previous.value ? { action: 'label', value: previous.value } : { action: 'clear' };
}

/** Class names of a value (empty for scores). */
const noClasses: readonly string[] = [];

export function classesOf(value: LabelValue | null): readonly string[] {
  return value && 'classes' in value ? value.classes : noClasses;
}

/** How a label reads in a sentence: "cat", "cat + dog", "score 3", "skipped". */
export function describeLabel(label: ShownLabel | null): string {
  if (label === null || label.action === 'clear') return 'not labelled';
  if (label.action === 'skip') return 'skipped';
  const value = label.value;
  if (value === null) return 'not labelled';
  if ('score' in value) return `score ${value.score}`;
  return value.classes.length === 0 ? 'no class' : value.classes.join(' + ');
}

/** A typed score checked against the set's range; a message when it does not fit. */
export function parseScore(
  text: string,
  range: { min: number; max: number; step: number } | null,
): { score: number } | { problem: string } {
  const score = Number(text);
  if (text.trim() === '' || !Number.isFinite(score)) return { problem: 'Type a number, then Enter.' };
  if (range === null) return { score };
  if (score < range.min || score > range.max)
    return { problem: `A score is between ${range.min} and ${range.max}.` };
  const steps = (score - range.min) / range.step;
  if (Math.abs(steps - Math.round(steps)) > 1e-9)
    return { problem: `A score moves in steps of ${range.step} from ${range.min}.` };
  return { score };
}

/** The value a class key gives: single sets it, multi toggles it in the current selection. */
export function valueForClass(task: LabelTask, name: string, selection: readonly string[]): LabelValue {
  if (task !== 'multi') return { classes: [name] };
  const next = selection.includes(name) ? selection.filter((entry) => entry !== name) : [...selection, name];
  return { classes: [...next].sort() };
}
