import { describe, expect, it } from 'vitest';
import type { LabelValue } from '../contract/index.js';
import { labelTableOf } from './label-state.js';
import { classCounts, frozenLine, settleLabels } from './settle.js';

const single = { task: 'single' as const };
const v = (name: string): LabelValue => ({ classes: [name] });
const items = labelTableOf([
  [0, 'ana', v('cat')],
  [0, 'ben', v('cat')],
  [1, 'ana', v('cat')],
  [1, 'ben', v('dog')],
  [1, 'cy', v('dog')],
  [2, 'ana', v('cat')],
  [2, 'ben', v('dog')],
  [3, 'ana', v('dog')],
  [5, 'ana', v('cat')],
  [5, 'ben', v('dog')],
]);
const reviews = new Map<number, LabelValue>([
  [5, { classes: ['dog'] }],
  [7, { classes: ['cat'] }],
]);

describe('settling labels for a frozen version', () => {
  it('agreed: unanimous items and reviews; majority: also the most common label, ties unresolved', () => {
    const agreed = settleLabels(single, items, reviews, 'agreed');
    expect(agreed.labels.map(([rowId, value]) => [rowId, value])).toEqual([
      [0, { classes: ['cat'] }],
      [3, { classes: ['dog'] }],
      [5, { classes: ['dog'] }],
      [7, { classes: ['cat'] }],
    ]);
    expect(agreed).toMatchObject({ unresolved: 2, touched: 6 });
    const majority = settleLabels(single, items, reviews, 'majority');
    expect(majority.labels.map(([rowId]) => rowId)).toEqual([0, 1, 3, 5, 7]);
    expect(majority.labels[1]![1]).toEqual({ classes: ['dog'] });
    expect(majority).toMatchObject({ unresolved: 1, touched: 6 });
    expect(
      classCounts({ classes: [{ name: 'cat', color: '#000000', hotkey: '1' }] }, majority.labels),
    ).toEqual({
      cat: 2,
      dog: 3,
    });
  });

  it('writes canonical lines: the class, the sorted class list, or the number', () => {
    expect(frozenLine(single, 4, { classes: ['cat'] })).toBe('{"row_id":4,"label":"cat"}\n');
    expect(frozenLine({ task: 'multi' }, 4, { classes: ['dog', 'cat'] })).toBe(
      '{"row_id":4,"label":["cat","dog"]}\n',
    );
    expect(frozenLine({ task: 'score' }, 0, { score: 2.5 })).toBe('{"row_id":0,"label":2.5}\n');
  });

  it('compares multi-label values as sets when settling', () => {
    const settled = settleLabels(
      { task: 'multi' },
      labelTableOf([
        [0, 'ana', { classes: ['a', 'b'] }],
        [0, 'ben', { classes: ['b', 'a'] }],
      ]),
      new Map(),
      'agreed',
    );
    expect(settled.labels).toHaveLength(1);
  });
});
