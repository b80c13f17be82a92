import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelSetDefinition } from '../contract/index.js';
import { openRegistry } from './database.js';
import { registerVersion } from './datasets.js';
import {
  annotationHistory,
  annotationsSince,
  appendAnnotations,
  createLabelSet,
  currentAnnotations,
  currentStateSnapshot,
  getLabelVersion,
  labelsOfRows,
  listLabelSets,
  listLabelVersions,
  registerLabelVersion,
} from './labels.js';
import type { NewAnnotation } from './labels.js';
import { createProject } from './projects.js';
import { useTempDir } from './test-support.js';

const definition = LabelSetDefinition.parse({
  name: 'animals',
  task: 'multi',
  classes: [
    { name: 'cat', color: '#000000', hotkey: '1' },
    { name: 'dog', color: '#ffffff', hotkey: '2' },
  ],
});

describe('label registry', () => {
  const tempDir = useTempDir();

  function setup() {
    const db = openRegistry(path.join(tempDir(), 'orchard.db'));
    const project = createProject(db, 'p', 'me');
    const version = registerVersion(db, {
      projectId: project.id,
      datasetName: 'd',
      importKey: 'k',
      snapshot: { sha256: 'a'.repeat(64), sizeBytes: 1 },
      rowCount: 10,
      columns: [{ name: 'x', type: 'integer', storageType: 'BIGINT' }],
      source: { path: '/d.csv', format: 'csv', sizeBytes: 1, sha256: 'b'.repeat(64) },
      warnings: [],
      profile: { rowCount: 10, columns: [] },
      actor: 'me',
    });
    const set = createLabelSet(db, {
      datasetVersionId: version.id,
      definition,
      itemKind: 'row',
      actor: 'me',
    });
    let n = 0;
    const note = (rowId: number, annotator: string, more: Partial<NewAnnotation> = {}): NewAnnotation => ({
      id: `id-${++n}`,
      rowId,
      annotator,
      action: 'label',
      value: { classes: ['cat'] },
      ...more,
    });
    return { db, project, version, set, note };
  }

  it('makes a set once per name and version, and lists it by project and version', () => {
    const { db, project, version, set } = setup();
    expect(set).toMatchObject({
      name: 'animals',
      task: 'multi',
      itemCount: 10,
      itemKind: 'row',
      score: null,
    });
    expect(() =>
      createLabelSet(db, { datasetVersionId: version.id, definition, itemKind: 'row', actor: 'me' }),
    ).toThrow(/already has a label set named "animals"/);
    expect(listLabelSets(db, { projectId: project.id })).toEqual([set]);
    expect(listLabelSets(db, { datasetVersionId: version.id })).toEqual([set]);
  });

  it('stores values canonically, so equal labels are equal strings', () => {
    const { db, set, note } = setup();
    appendAnnotations(db, set.id, [note(0, 'ana', { value: { classes: ['dog', 'cat'] } })], {
      origin: 'app',
    });
    appendAnnotations(db, set.id, [note(0, 'ben', { value: { classes: ['cat', 'dog'] } })], {
      origin: 'app',
    });
    expect(labelsOfRows(db, set.id, [0]).get(0)).toEqual([
      ['ana', '{"classes":["cat","dog"]}'],
      ['ben', '{"classes":["cat","dog"]}'],
    ]);
  });

  it('refuses a stale expectedSeq with the current annotation, writes when forced, and stores an id once', () => {
    const { db, set, note } = setup();
    const [first] = appendAnnotations(db, set.id, [note(1, 'ana', { expectedSeq: null })], {
      origin: 'app',
    }).annotations;
    let conflict: unknown;
    try {
      appendAnnotations(db, set.id, [note(1, 'ana', { expectedSeq: null })], { origin: 'app' });
    } catch (error) {
      conflict = error;
    }
    expect(conflict).toMatchObject({ code: 'conflict', details: { rowId: 1, current: first } });
    appendAnnotations(db, set.id, [note(1, 'ana', { expectedSeq: null, value: { classes: ['dog'] } })], {
      origin: 'app',
      force: true,
    });
    expect(currentAnnotations(db, set.id, 'ana', [1]).get(1)?.value).toEqual({ classes: ['dog'] });
    const again = appendAnnotations(db, set.id, [{ ...note(1, 'ana'), id: first!.id }], { origin: 'app' });
    expect(again).toEqual({ annotations: [first], alreadyPresent: 1 });
    expect(() =>
      appendAnnotations(db, set.id, [{ ...note(2, 'ana'), id: first!.id }], { origin: 'app' }),
    ).toThrow(/already used by another annotation/);
    // All or nothing: the second write conflicts, so the first is not kept either.
    expect(() =>
      appendAnnotations(
        db,
        set.id,
        [note(3, 'ana', { expectedSeq: null }), note(1, 'ana', { expectedSeq: null })],
        {
          origin: 'app',
        },
      ),
    ).toThrow(/changed elsewhere/);
    expect(annotationHistory(db, set.id, 3)).toEqual([]);
  });

  it('replays the log after a seq, and reads labels and reviews as one snapshot', () => {
    const { db, set, note } = setup();
    appendAnnotations(db, set.id, [note(0, 'ana'), note(1, 'ana', { action: 'skip', value: null })], {
      origin: 'app',
    });
    const first = annotationsSince(db, set.id, 0);
    expect(first.logged.map(([, rowId, , action]) => [rowId, action])).toEqual([
      [0, 'label'],
      [1, 'skip'],
    ]);
    expect(annotationsSince(db, set.id, first.upToSeq)).toEqual({ logged: [], upToSeq: first.upToSeq });
    appendAnnotations(db, set.id, [note(0, 'rita', { action: 'review', value: { classes: ['dog'] } })], {
      origin: 'app',
    });
    appendAnnotations(
      db,
      set.id,
      [
        note(2, 'ben', { value: { classes: ['dog', 'cat'] } }),
        note(0, 'ana', { action: 'clear', value: null }),
      ],
      {
        origin: 'app',
      },
    );
    const snapshot = currentStateSnapshot(db, set.id);
    expect(snapshot.upToSeq).toBe(first.upToSeq + 3);
    expect(snapshot.values).toHaveLength(1);
    expect(snapshot.values[0]).toBe('{"classes":["cat","dog"]}');
    expect(snapshot.annotators.map((a) => [a.name, [...a.rowIds], [...a.codes]]).sort()).toEqual([
      ['ana', [0, 1], [-1, -2]],
      ['ben', [2], [0]],
    ]);
  });

  it('registers a frozen version with its object, numbering new content and reusing identical content', () => {
    const { db, set } = setup();
    const input = {
      labelSetId: set.id,
      object: { sha256: 'c'.repeat(64), sizeBytes: 20 },
      policy: 'agreed' as const,
      itemCount: 2,
      classCounts: { cat: 2, dog: 0 },
      excluded: { unlabelled: 8, unresolved: 0 },
      upToSeq: 5,
      actor: 'me',
    };
    const first = registerLabelVersion(db, input);
    expect(first).toMatchObject({
      reused: false,
      version: { number: 1, sha256: 'c'.repeat(64), datasetVersionId: set.datasetVersionId },
    });
    expect(db.prepare('SELECT media_type FROM objects WHERE sha256 = ?').get('c'.repeat(64))).toEqual({
      media_type: 'application/jsonl',
    });
    expect(registerLabelVersion(db, { ...input, upToSeq: 9 })).toEqual({
      version: first.version,
      reused: true,
    });
    const second = registerLabelVersion(db, { ...input, object: { sha256: 'd'.repeat(64), sizeBytes: 30 } });
    expect(second.version.number).toBe(2);
    expect(listLabelVersions(db, set.id).map((v) => v.number)).toEqual([2, 1]);
    expect(getLabelVersion(db, first.version.id)).toEqual(first.version);
    expect(() => getLabelVersion(db, 'lbv_nope')).toThrow(/No label version/);
  });
});
