import { describe, expect, it } from 'vitest';
import { LabelSetDefinition } from '../contract/index.js';
import type { Column, DatasetVersion, LabelSet } from '../contract/index.js';
import {
  checkAnnotationValue,
  checkLabelSetDefinition,
  checkLabelValue,
  fitsScore,
  frozenLabel,
  labelKey,
  requireItems,
  suggestionFor,
} from './label-set-rules.js';

function version(columns: Column[], format: DatasetVersion['source']['format'] = 'csv'): DatasetVersion {
  return {
    id: 'dsv_1',
    datasetId: 'ds_1',
    number: 1,
    parentId: null,
    snapshotSha256: 'a'.repeat(64),
    rowCount: 10,
    columns,
    source: { path: '/x', format, sizeBytes: 1, sha256: 'b'.repeat(64) },
    rowIdColumn: '_row_id',
    warnings: [],
    createdAt: 't',
  };
}

const text: Column = { name: 'comment', type: 'text', storageType: 'VARCHAR' };
const city: Column = { name: 'city', type: 'categorical', storageType: 'VARCHAR' };
const age: Column = { name: 'age', type: 'integer', storageType: 'BIGINT' };
const imageColumns: Column[] = [
  { name: 'image', type: 'text', storageType: 'VARCHAR' },
  { name: 'path', type: 'text', storageType: 'VARCHAR' },
  { name: 'folder', type: 'categorical', storageType: 'VARCHAR' },
];

const animals = LabelSetDefinition.parse({
  name: 'animals',
  task: 'single',
  classes: [
    { name: 'cat', color: '#000000', hotkey: '1' },
    { name: 'dog', color: '#ffffff', hotkey: '2' },
  ],
});

function set(overrides: Partial<LabelSet> = {}): LabelSet {
  return {
    id: 'lbs_1',
    datasetVersionId: 'dsv_1',
    name: 'animals',
    task: 'single',
    classes: animals.classes,
    score: null,
    instructions: '',
    textColumn: null,
    suggestionColumn: null,
    itemKind: 'row',
    itemCount: 10,
    createdBy: 'me',
    createdAt: 't',
    ...overrides,
  };
}

describe('label set definitions against a dataset version', () => {
  it('decides the item kind: image folders, a named or first text column, else rows', () => {
    expect(checkLabelSetDefinition(version(imageColumns, 'images'), animals).itemKind).toBe('image');
    const firstText = checkLabelSetDefinition(version([age, text, city]), animals);
    expect(firstText).toMatchObject({ itemKind: 'text', definition: { textColumn: 'comment' } });
    const named = checkLabelSetDefinition(version([age, text, city]), { ...animals, textColumn: 'city' });
    expect(named).toMatchObject({ itemKind: 'text', definition: { textColumn: 'city' } });
    const rows = checkLabelSetDefinition(version([age, city]), animals);
    expect(rows.itemKind).toBe('row');
    expect(rows.definition.textColumn).toBeUndefined();
  });

  it('refuses columns the version does not have, naming the ones it has', () => {
    expect(() => checkLabelSetDefinition(version([age, city]), { ...animals, textColumn: 'Age' })).toThrow(
      'The text column `Age` is not a column of dataset version 1 (dsv_1); choose one of `age`, `city`.',
    );
    expect(() => checkLabelSetDefinition(version([age]), { ...animals, suggestionColumn: 'folder' })).toThrow(
      /suggestion column `folder`/,
    );
    expect(() => checkLabelSetDefinition(version([age], 'images'), animals)).toThrow(/no `image` column/);
  });

  it('keeps classes and ranges to the tasks that have them', () => {
    const score = { ...animals, task: 'score' as const, score: { min: 1, max: 5, step: 1 } };
    expect(() => checkLabelSetDefinition(version([age]), score)).toThrow(/has a range, not classes/);
    expect(() => checkLabelSetDefinition(version([age]), { ...animals, score: score.score })).toThrow(
      /Only a score task has a range/,
    );
  });
});

describe('label values', () => {
  it('takes exactly one known class for a single-label task, in the set’s spelling', () => {
    expect(checkLabelValue(set(), { classes: [' Cat '] })).toEqual({ classes: ['cat'] });
    expect(() => checkLabelValue(set(), { classes: ['cow'] })).toThrow(
      '"cow" is not a class of "animals"; its classes are cat, dog.',
    );
    expect(() => checkLabelValue(set(), { classes: [] })).toThrow(/exactly one class per item, got 0/);
    expect(() => checkLabelValue(set(), { classes: ['cat', 'dog'] })).toThrow(/got 2/);
    expect(() => checkLabelValue(set(), { score: 1 })).toThrow(/not a score/);
  });

  it('takes known classes without repeats for a multi-label task, sorted', () => {
    const multi = set({ task: 'multi' });
    expect(checkLabelValue(multi, { classes: ['dog', 'cat'] })).toEqual({ classes: ['cat', 'dog'] });
    expect(checkLabelValue(multi, { classes: [] })).toEqual({ classes: [] });
    expect(() => checkLabelValue(multi, { classes: ['dog', 'DOG'] })).toThrow(/"dog" appears twice/);
  });

  it('takes a score within the range and on the step', () => {
    const score = set({ task: 'score', classes: [], score: { min: 0, max: 1, step: 0.1 } });
    expect(checkLabelValue(score, { score: 0.3 })).toEqual({ score: 0.3 });
    expect(fitsScore(score, 0.7)).toBe(true);
    expect(fitsScore(score, 1)).toBe(true);
    expect(fitsScore(score, 0.35)).toBe(false);
    expect(fitsScore(score, 1.1)).toBe(false);
    expect(() => checkLabelValue(score, { score: -0.1 })).toThrow(/from 0 to 1 in steps of 0.1/);
    expect(() => checkLabelValue(score, { classes: ['cat'] })).toThrow(/score task/);
  });

  it('wants a value with a label or review and none with a skip or clear', () => {
    expect(checkAnnotationValue(set(), 'skip', undefined)).toBeNull();
    expect(checkAnnotationValue(set(), 'review', { classes: ['dog'] })).toEqual({ classes: ['dog'] });
    expect(() => checkAnnotationValue(set(), 'label', undefined)).toThrow(/needs a value/);
    expect(() => checkAnnotationValue(set(), 'clear', { classes: ['dog'] })).toThrow(/carries no value/);
  });

  it('compares labels as categories and writes them as frozen labels', () => {
    const multi = set({ task: 'multi' });
    expect(labelKey(multi, { classes: ['dog', 'cat'] })).toBe(labelKey(multi, { classes: ['cat', 'dog'] }));
    expect(labelKey(multi, { classes: ['cat'] })).not.toBe(labelKey(set(), { classes: ['cat'] }));
    expect(labelKey(set(), { classes: ['cat'] })).toBe('cat');
    expect(frozenLabel(multi, { classes: ['dog', 'cat'] })).toEqual(['cat', 'dog']);
    expect(frozenLabel(set(), { classes: ['cat'] })).toBe('cat');
    expect(frozenLabel(set({ task: 'score' }), { score: 2.5 })).toBe(2.5);
  });

  it('suggests a class the suggestion column names, or a fitting score', () => {
    expect(suggestionFor(set(), 'Dog')).toBe('dog');
    expect(suggestionFor(set(), 'dogs')).toBeNull();
    expect(suggestionFor(set(), null)).toBeNull();
    const score = set({ task: 'score', classes: [], score: { min: 1, max: 5, step: 1 } });
    expect(suggestionFor(score, '4')).toBe('4');
    expect(suggestionFor(score, 4.5)).toBeNull();
    expect(suggestionFor(score, '')).toBeNull();
  });

  it('refuses row ids beyond the set', () => {
    expect(() => requireItems(set(), [0, 9])).not.toThrow();
    expect(() => requireItems(set(), [3, 10])).toThrow(/Row 10 is not an item .*row ids 0–9/);
  });
});
