import { describe, expect, it } from 'vitest';
import type { ColumnProfile } from '../../../core/contract/schemas.js';
import {
  buildConfig,
  buildSearch,
  defaultDraft,
  defaultSearchDraft,
  draftFromConfig,
  suggestTask,
} from './config-draft.js';
import { flattenConfig } from './run-format.js';

const versionId = '01HZX0000000000000000000AA';

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
      versionId,
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
    const noTarget = buildConfig(defaultDraft, versionId);
    expect(noTarget.ok).toBe(false);
    if (!noTarget.ok) expect(noTarget.problems[0]).toMatch(/target/);
    const badLayers = buildConfig({ ...defaultDraft, target: 'y', layers: '64,x' }, versionId);
    expect(badLayers.ok).toBe(false);
    if (!badLayers.ok) expect(badLayers.problems[0]).toMatch(/"64,x"/);
    const badShare = buildConfig({ ...defaultDraft, target: 'y', testShare: '1.5' }, versionId);
    expect(badShare.ok).toBe(false);
    if (!badShare.ok) expect(badShare.problems.join('\n')).toMatch(/split\.test/);
  });

  it('round-trips through draftFromConfig', () => {
    const built = buildConfig(
      { ...defaultDraft, target: 'approved', dropout: '0.2', classWeights: 'balanced' },
      versionId,
    );
    if (!built.ok) throw new Error(built.problems.join('\n'));
    const again = buildConfig(draftFromConfig(built.value), versionId);
    if (!again.ok) throw new Error(again.problems.join('\n'));
    expect(again.value).toEqual(built.value);
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
