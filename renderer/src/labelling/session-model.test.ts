import { describe, expect, it } from 'vitest';
import type { Annotation, LabelItem } from '../../../core/contract/labels.js';
import {
  describeLabel,
  isOpen,
  mergeItems,
  parseScore,
  restoring,
  sessionItem,
  valueForClass,
} from './session-model.js';

function annotation(action: Annotation['action'], classes: string[] | null, seq = 1): Annotation {
  return {
    seq,
    id: `id-${seq}`,
    labelSetId: 'lbs_1',
    rowId: 0,
    annotator: 'ana',
    action,
    value: classes === null ? null : { classes },
    undoes: null,
    origin: 'app',
    createdAt: '2025-01-01T00:00:00Z',
  };
}

function item(rowId: number, current: Annotation | null = null): LabelItem {
  return { rowId, position: rowId, values: {}, image: null, current, suggestion: null, prediction: null };
}

describe('session model', () => {
  it('treats cleared items as open again, labelled and skipped ones as done', () => {
    expect(isOpen(item(0))).toBe(true);
    expect(isOpen(item(0, annotation('clear', null)))).toBe(true);
    expect(isOpen(item(0, annotation('label', ['a'])))).toBe(false);
    expect(isOpen(item(0, annotation('skip', null)))).toBe(false);
  });

  it('merges fetched items without repeating ones already in the walk', () => {
    const existing = [item(1), item(2)].map(sessionItem);
    const after = mergeItems(existing, [item(2), item(3)], 'append');
    expect(after.items.map((entry) => entry.rowId)).toEqual([1, 2, 3]);
    expect(after.added).toBe(1);
    const before = mergeItems(existing, [item(0), item(1)], 'prepend');
    expect(before.items.map((entry) => entry.rowId)).toEqual([0, 1, 2]);
  });

  it('undo restores the earlier label, a skip, or clears', () => {
    expect(restoring(null)).toEqual({ action: 'clear' });
    expect(restoring({ action: 'skip', value: null })).toEqual({ action: 'skip' });
    expect(restoring({ action: 'label', value: { classes: ['cat'] } })).toEqual({
      action: 'label',
      value: { classes: ['cat'] },
    });
  });

  it('single sets a class, multi toggles it in a sorted selection', () => {
    expect(valueForClass('single', 'dog', ['cat'])).toEqual({ classes: ['dog'] });
    expect(valueForClass('multi', 'cat', ['dog'])).toEqual({ classes: ['cat', 'dog'] });
    expect(valueForClass('multi', 'dog', ['cat', 'dog'])).toEqual({ classes: ['cat'] });
  });

  it('checks a typed score against the range and step', () => {
    const range = { min: 1, max: 5, step: 0.5 };
    expect(parseScore('3.5', range)).toEqual({ score: 3.5 });
    expect(parseScore('6', range)).toEqual({ problem: 'A score is between 1 and 5.' });
    expect(parseScore('3.3', range)).toEqual({ problem: 'A score moves in steps of 0.5 from 1.' });
    expect(parseScore('', range)).toEqual({ problem: 'Type a number, then Enter.' });
  });

  it('describes labels in words', () => {
    expect(describeLabel(null)).toBe('not labelled');
    expect(describeLabel({ action: 'skip', value: null })).toBe('skipped');
    expect(describeLabel({ action: 'label', value: { classes: ['a', 'b'] } })).toBe('a + b');
    expect(describeLabel({ action: 'label', value: { score: 4 } })).toBe('score 4');
  });
});
