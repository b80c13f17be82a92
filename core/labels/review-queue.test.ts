import { describe, expect, it } from 'vitest';
import type { LabelValue } from '../contract/index.js';
import { labelTableOf } from './label-state.js';
import { disagreements } from './review-queue.js';

const cat: LabelValue = { classes: ['cat'] };
const dog: LabelValue = { classes: ['dog'] };

describe('review queue', () => {
  it('lists items two or more annotators labelled differently, leaving reviewed ones out unless asked', () => {
    const table = labelTableOf([
      [4, 'ana', cat],
      [4, 'ben', dog],
      [2, 'ana', cat],
      [2, 'ben', dog],
      [6, 'ana', cat],
      [6, 'ben', cat],
      [8, 'ana', dog],
      [9, 'ana', { classes: ['cat', 'dog'] }],
      [9, 'ben', { classes: ['dog', 'cat'] }],
    ]);
    expect(disagreements(table, new Set([2]), false)).toEqual([4]);
    expect(disagreements(table, new Set([2]), true)).toEqual([2, 4]);
  });
});
