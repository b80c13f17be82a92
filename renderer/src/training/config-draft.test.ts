import { describe, expect, it } from 'vitest';
import type { LabelClass } from '../../../core/contract/labels.js';
import type { Column, ColumnProfile } from '../../../core/contract/schemas.js';
import {
  buildConfig,
  defaultDraft,
  draftFromConfig,
  freeColumnName,
  initialDraft,
  suggestTask,
} from './config-draft.js';
import type { DraftVersion, TrainDraft } from './config-draft.js';
import { classBalance, labelTaskOf } from './label-target.js';
import { flattenConfig } from './run-format.js';
import { buildSearch, defaultSearchDraft } from './search-draft.js';

const versionId = '01HZX0000000000000000000AA';
const labelVersionId = '01HZX0000000000000000000LV';

function columns(...names: string[]): Column[] {
  return names.map((name) => ({ name, type: 'categorical', storageType: 'VARCHAR' }));
}

const table: DraftVersion = {
  id: versionId,
  columns: columns('_row_id', 'age', 'income', 'approved'),
  source: { path: '/data/credit.csv', format: 'csv', sizeBytes: 1000, sha256: 'a'.repeat(64) },
};

const images: DraftVersion = {
  id: versionId,
  columns: columns('_row_id', 'image', 'path', 'folder', 'width', 'height', 'format', 'size_bytes'),
  source: { path: '/data/shapes', format: 'images', sizeBytes: 1000, sha256: 'b'.repeat(64) },
};

function problemsOf(draft: TrainDraft, version: DraftVersion): string {
  const built = buildConfig(draft, version);
  if (built.ok) throw new Error('expected the draft to be refused');
  return built.problems.join('\n');
}

function profile(partial: Partial<ColumnProfile>): ColumnProfile {
  return {
    name: 'target',
    type: 'integer',
    count: 100,
    missing: 0,
    distinct: 2,
    numeric: null,
    range: null,
    histogram: null,
    topValues: null,
    textLength: null,
    ...partial,
  } as ColumnProfile;
}

describe('suggestTask', () => {
  it('calls a two-valued column binary, a small categorical multiclass and a float regression', () => {
    expect(suggestTask(profile({ type: 'integer', distinct: 2 })).task).toBe('binary');
    expect(suggestTask(profile({ type: 'boolean', distinct: 2 })).task).toBe('binary');
    expect(suggestTask(profile({ type: 'categorical', distinct: 5 })).task).toBe('multiclass');
    expect(suggestTask(profile({ type: 'integer', distinct: 8 })).task).toBe('multiclass');
    expect(suggestTask(profile({ type: 'integer', distinct: 400 })).task).toBe('regression');
    expect(suggestTask(profile({ type: 'float', distinct: 9000 })).task).toBe('regression');
  });
});

describe('buildConfig', () => {
  it('turns the typed form into a contract config', () => {
    const built = buildConfig(
      { ...defaultDraft, target: 'approved', layers: '32, 16', learningRate: '0.01', epochs: '5' },
      table,
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.model).toEqual({
      kind: 'mlp',
      layers: [32, 16],
      activation: 'relu',
      dropout: 0,
      batchNorm: false,
      l2: 0,
    });
    expect(built.value.optimizer).toEqual({ kind: 'adam', learningRate: 0.01 });
    expect(built.value.epochs).toBe(5);
    expect(built.value.features).toBeUndefined();
  });

  it('says what is wrong instead of sending a bad config', () => {
    const noTarget = buildConfig(defaultDraft, table);
    expect(noTarget.ok).toBe(false);
    if (!noTarget.ok) expect(noTarget.problems[0]).toMatch(/target/);
    const badLayers = buildConfig({ ...defaultDraft, target: 'y', layers: '64,x' }, table);
    expect(badLayers.ok).toBe(false);
    if (!badLayers.ok) expect(badLayers.problems[0]).toMatch(/"64,x"/);
    const badShare = buildConfig({ ...defaultDraft, target: 'y', testShare: '1.5' }, table);
    expect(badShare.ok).toBe(false);
    if (!badShare.ok) expect(badShare.problems.join('\n')).toMatch(/split\.test/);
  });

  it('round-trips through draftFromConfig', () => {
    const built = buildConfig(
      { ...defaultDraft, target: 'approved', dropout: '0.2', classWeights: 'balanced' },
      table,
    );
    if (!built.ok) throw new Error(built.problems.join('\n'));
    const again = buildConfig(draftFromConfig(built.value), table);
    if (!again.ok) throw new Error(again.problems.join('\n'));
    expect(again.value).toEqual(built.value);
  });
});

describe('buildConfig with a label version as target', () => {
  const labelled: TrainDraft = {
    ...defaultDraft,
    targetSource: 'labels',
    labelVersionId,
    labelColumn: ' label ',
    task: 'multiclass',
  };

  it('joins the label version as a new column named by the draft', () => {
    const built = buildConfig({ ...labelled, target: 'approved' }, table);
    if (!built.ok) throw new Error(built.problems.join('\n'));
    // The column target left over from before the switch is not sent.
    expect(built.value.target).toEqual({ column: 'label', labelVersionId });
    expect(built.value.task).toBe('multiclass');
  });

  it('asks for a label version and a free column name', () => {
    expect(problemsOf({ ...labelled, labelVersionId: '' }, table)).toMatch(/Choose a label version/);
    expect(problemsOf({ ...labelled, labelColumn: '  ' }, table)).toMatch(/Name the column/);
    expect(problemsOf({ ...labelled, labelColumn: 'income' }, table)).toMatch(
      /`income`, which this dataset already has; name it something else, e\.g\. "income_2"/,
    );
  });

  it('round-trips through draftFromConfig as a labels target', () => {
    const built = buildConfig(labelled, table);
    if (!built.ok) throw new Error(built.problems.join('\n'));
    const draft = draftFromConfig(built.value);
    expect(draft.targetSource).toBe('labels');
    expect(draft.labelVersionId).toBe(labelVersionId);
    const again = buildConfig(draft, table);
    if (!again.ok) throw new Error(again.problems.join('\n'));
    expect(again.value).toEqual(built.value);
  });

  it('offers "label" as the column name unless the version has one', () => {
    expect(initialDraft(table).labelColumn).toBe('label');
    expect(freeColumnName({ columns: columns('label', 'label_2') }, 'label')).toBe('label_3');
  });
});

describe('buildConfig on a folder of images', () => {
  it('starts as a small CNN classifying the folder names', () => {
    const draft = initialDraft(images);
    expect(draft).toMatchObject({ target: 'folder', task: 'image_classification', modelKind: 'cnn' });
    const built = buildConfig({ ...draft, imageSize: '16', epochs: '2' }, images);
    if (!built.ok) throw new Error(built.problems.join('\n'));
    expect(built.value.model).toEqual({
      kind: 'cnn',
      imageSize: 16,
      channels: 3,
      filters: [16, 32],
      dense: 64,
      dropout: 0.25,
      augmentation: { flipHorizontal: false, maxShiftPixels: 0 },
    });
    expect(built.value).toMatchObject({
      target: { column: 'folder' },
      task: 'image_classification',
      batchSize: 32,
      epochs: 2,
      split: { kind: 'holdout', validation: 0.15, test: 0.15, stratify: true },
    });
  });

  it('sends grey images, augmentation, a label target and k-fold; never features', () => {
    const built = buildConfig(
      {
        ...initialDraft(images),
        channels: '1',
        filters: '8, 16, 32',
        flipHorizontal: true,
        maxShiftPixels: '3',
        targetSource: 'labels',
        labelVersionId,
        features: ['width'],
        splitKind: 'kfold',
      },
      images,
    );
    if (!built.ok) throw new Error(built.problems.join('\n'));
    expect(built.value.model).toMatchObject({
      channels: 1,
      filters: [8, 16, 32],
      augmentation: { flipHorizontal: true, maxShiftPixels: 3 },
    });
    expect(built.value.target).toEqual({ column: 'label', labelVersionId });
    expect(built.value.features).toBeUndefined();
    expect(built.value.split).toMatchObject({ kind: 'kfold', folds: 5 });
    expect(buildConfig(draftFromConfig(built.value), images)).toEqual(built);
  });

  it('names the bad CNN field', () => {
    const draft = initialDraft(images);
    expect(problemsOf({ ...draft, filters: '16,x' }, images)).toMatch(
      /Conv filters .* "16,32" \(got "16,x"\)/,
    );
    expect(problemsOf({ ...draft, imageSize: '4' }, images)).toMatch(/model\.imageSize/);
    expect(problemsOf({ ...draft, maxShiftPixels: '100' }, images)).toMatch(
      /model\.augmentation\.maxShiftPixels/,
    );
    expect(problemsOf({ ...draft, target: '' }, images)).toMatch(/target column/);
  });

  it('keeps CNNs to images and tables to linear models and MLPs', () => {
    expect(problemsOf({ ...initialDraft(images), task: 'multiclass', modelKind: 'mlp' }, images)).toMatch(
      /image classification with a CNN/,
    );
    expect(problemsOf({ ...initialDraft(images), target: 'approved' }, table)).toMatch(/folder of images/);
  });
});

describe('suggestTask on images', () => {
  it('always classifies, and warns when the column cannot be classes', () => {
    expect(suggestTask(profile({ type: 'categorical', distinct: 3 }), true)).toEqual({
      task: 'image_classification',
      reason: '3 classes of images',
    });
    expect(suggestTask(profile({ type: 'categorical', distinct: 1 }), true).reason).toMatch(/at least 2/);
    expect(suggestTask(profile({ type: 'text', distinct: 900 }), true).reason).toMatch(/too many classes/);
  });
});

describe('labelTaskOf', () => {
  const classes = (n: number): LabelClass[] =>
    Array.from({ length: n }, (_, i) => ({ name: `c${i}`, color: '#000000', hotkey: String(i) }));

  it('trains single-label sets as classification and scores as regression', () => {
    expect(labelTaskOf({ task: 'single', classes: classes(2) }, false)).toEqual({ ok: true, task: 'binary' });
    expect(labelTaskOf({ task: 'single', classes: classes(3) }, false)).toEqual({
      ok: true,
      task: 'multiclass',
    });
    expect(labelTaskOf({ task: 'single', classes: classes(2) }, true)).toEqual({
      ok: true,
      task: 'image_classification',
    });
    expect(labelTaskOf({ task: 'score', classes: [] }, false)).toEqual({ ok: true, task: 'regression' });
  });

  it('refuses multi-label sets, and scores on images', () => {
    expect(labelTaskOf({ task: 'multi', classes: classes(3) }, false).ok).toBe(false);
    expect(labelTaskOf({ task: 'score', classes: [] }, true).ok).toBe(false);
  });

  it('lists the class balance largest first with shares', () => {
    expect(classBalance({ itemCount: 4, classCounts: { b: 1, a: 3 } })).toEqual([
      { name: 'a', count: 3, share: 0.75 },
      { name: 'b', count: 1, share: 0.25 },
    ]);
  });
});

describe('buildSearch', () => {
  it('parses layer options and refuses an upside-down range', () => {
    const built = buildSearch(defaultSearchDraft, 'mlp');
    expect(built.ok).toBe(true);
    if (built.ok) expect(built.value.space.layers).toEqual([[32], [64, 64], [128, 64]]);
    const upsideDown = buildSearch(
      { ...defaultSearchDraft, learningRateMin: '0.1', learningRateMax: '0.01' },
      'mlp',
    );
    expect(upsideDown.ok).toBe(false);
  });
});

describe('flattenConfig', () => {
  it('names nested keys with dots and joins arrays', () => {
    expect(flattenConfig({ optimizer: { learningRate: 0.01 }, model: { layers: [64, 64] } })).toEqual({
      'optimizer.learningRate': '0.01',
      'model.layers': '64, 64',
    });
  });
});
