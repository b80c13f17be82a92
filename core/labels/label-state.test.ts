import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelSetDefinition } from '../contract/index.js';
import type { LabelSet } from '../contract/index.js';
import { mulberry32 } from '../domain/prng.js';
import {
  appendAnnotations,
  createLabelSet,
  createProject,
  labelProgress,
  openRegistry,
  registerVersion,
} from '../registry/index.js';
import { useTempDir } from '../registry/test-support.js';
import { LabelState, LabelStates } from './label-state.js';

const classes = [
  { name: 'cat', color: '#000000', hotkey: '1' },
  { name: 'dog', color: '#ffffff', hotkey: '2' },
  { name: 'fox', color: '#ff0000', hotkey: '3' },
];
const set = { itemCount: 5, task: 'single' as const, classes };
const cat = '{"classes":["cat"]}';
const dog = '{"classes":["dog"]}';

describe('label state (the engine’s incremental view of current labels)', () => {
  it('moves items between open, labelled and skipped per annotator, and counts anyone once per item', () => {
    const state = new LabelState(set);
    state.apply(0, 'ana', 'label', cat);
    state.apply(0, 'ben', 'label', dog);
    state.apply(1, 'ana', 'skip', null);
    state.apply(1, 'ben', 'skip', null);
    state.apply(2, 'ana', 'label', cat);
    state.apply(2, 'ana', 'label', dog); // relabel: counted once, as dog
    state.apply(3, 'ana', 'label', cat);
    state.apply(3, 'ana', 'clear', null); // open again
    state.apply(4, 'rita', 'review', cat); // a review is nobody's own label
    expect(state.progress('ana')).toEqual({
      total: 5,
      done: 2,
      skipped: 1,
      perClass: { cat: 1, dog: 1, fox: 0 },
      annotators: [
        { name: 'ana', done: 2 },
        { name: 'ben', done: 1 },
      ],
    });
    expect(state.progress()).toMatchObject({ done: 2, skipped: 1, perClass: { cat: 1, dog: 2, fox: 0 } });
    expect(state.todo('ana')).toBe(2);
    expect(state.todo('nobody')).toBe(5);
    expect([...state.codesOf('ana')!].map((code) => (code >= 0 ? 'L' : code === -2 ? 'S' : '.'))).toEqual([
      'L',
      'S',
      'L',
      '.',
      '.',
    ]);
    expect(state.codesOf('rita')).toBeUndefined();
  });

  it('counts each class of a multi-label value and each score value', () => {
    const multi = new LabelState({ ...set, task: 'multi' });
    multi.apply(0, 'ana', 'label', '{"classes":["cat","fox"]}');
    expect(multi.progress('ana').perClass).toEqual({ cat: 1, dog: 0, fox: 1 });
    const score = new LabelState({ ...set, task: 'score', classes: [] });
    score.apply(0, 'ana', 'label', '{"score":2.5}');
    score.apply(1, 'ana', 'label', '{"score":2.5}');
    score.apply(2, 'ben', 'label', '{"score":4}');
    expect(score.progress().perClass).toEqual({ '2.5': 2, '4': 1 });
  });
});

describe('label states kept in step with the registry', () => {
  const tempDir = useTempDir();

  it('agrees with the SQL count after any mix of writes, including writes it did not see happen', () => {
    const db = openRegistry(path.join(tempDir(), 'orchard.db'));
    const project = createProject(db, 'p', 'me');
    const version = registerVersion(db, {
      projectId: project.id,
      datasetName: 'd',
      importKey: 'k',
      snapshot: { sha256: 'a'.repeat(64), sizeBytes: 1 },
      rowCount: 40,
      columns: [{ name: 'x', type: 'integer', storageType: 'BIGINT' }],
      source: { path: '/d.csv', format: 'csv', sizeBytes: 1, sha256: 'b'.repeat(64) },
      warnings: [],
      profile: { rowCount: 40, columns: [] },
      actor: 'me',
    });
    const make = (name: string, task: 'single' | 'multi'): LabelSet =>
      createLabelSet(db, {
        datasetVersionId: version.id,
        definition: LabelSetDefinition.parse({ name, task, classes }),
        itemKind: 'row',
        actor: 'me',
      });
    const sets = [make('one', 'single'), make('many', 'multi')];
    const states = new LabelStates();
    for (const s of sets) states.current(db, s); // built before the writes, then replayed
    const random = mulberry32(11);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    let id = 0;
    for (let step = 0; step < 600; step++) {
      const s = pick(sets);
      const action = pick(['label', 'label', 'label', 'skip', 'clear', 'review'] as const);
      const names = classes.map((c) => c.name).filter(() => s.task === 'single' || random() < 0.5);
      const value =
        action === 'label' || action === 'review'
          ? { classes: [pick(names.length ? names : ['cat'])] }
          : null;
      appendAnnotations(
        db,
        s.id,
        [
          {
            id: `a${++id}`,
            rowId: Math.floor(random() * 40),
            annotator: pick(['ana', 'ben', 'cy']),
            action,
            value,
          },
        ],
        { origin: 'app' },
      );
      if (step % 97 === 0) {
        const check = pick(sets);
        expect(states.current(db, check).progress('ben')).toEqual(labelProgress(db, check, 'ben'));
      }
    }
    for (const s of sets) {
      const state = states.current(db, s);
      for (const who of ['ana', 'ben', 'cy', 'nobody'])
        expect(state.progress(who)).toEqual(labelProgress(db, s, who));
      expect(state.progress()).toEqual(labelProgress(db, s));
      // A state built from scratch now (the snapshot path) agrees with the replayed one.
      expect(new LabelStates().current(db, s).progress()).toEqual(state.progress());
    }
    db.close();
  });
});
