import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { methods } from '../contract/index.js';
import type {
  EventPayload,
  LabelSetDefinition,
  MethodName,
  OrchardApi,
  QueueOrder,
} from '../contract/index.js';
import { jpegBytes, pngBytes, writeImage } from '../data/images/test-images.js';
import { cohensKappa, fleissKappa, krippendorffAlphaNominal } from '../domain/agreement/index.js';
import { randomOrder } from '../labels/queue-order.js';
import { openRegistry } from '../registry/index.js';
import { useTestEngine, waitForJob, writeFixture } from './test-support.js';

/** 12 reviews: `review` is free text (each unique), `topic` a category, `guess` a suggestion column. */
const reviewsCsv = [
  'id,review,topic,guess',
  ...Array.from({ length: 12 }, (_, i) => {
    const topic = ['food', 'service', 'price'][i % 3];
    const guess = ['pos', 'neg', 'maybe'][i % 3];
    return `${i + 1},"Review number ${i + 1} says ${i % 2 ? 'great' : 'poor'} things, at length.",${topic},${guess}`;
  }),
].join('\n');

const { suggestionColumn: _guess, ...plainSentiment } = {
  name: 'sentiment',
  task: 'single',
  classes: [
    { name: 'pos', color: '#22aa44', hotkey: '1' },
    { name: 'neg', color: '#aa2222', hotkey: '2' },
  ],
  instructions: 'Is the review positive?',
  suggestionColumn: 'guess',
} satisfies LabelSetDefinition;
const sentiment: LabelSetDefinition = { ...plainSentiment, suggestionColumn: 'guess' };

const pos = { classes: ['pos'] };
const neg = { classes: ['neg'] };
let ids = 0;
const newId = () => `test-annotation-${++ids}`;

describe('labelling through the engine', () => {
  const openTestEngine = useTestEngine();

  async function setup(csv = reviewsCsv, name = 'reviews.csv') {
    const { api, dir, workspace, project, importPath: importFile } = await openTestEngine();
    const events: EventPayload<'labels.changed'>[] = [];
    api.on('labels.changed', (payload) => events.push(payload));
    const version = await importFile(writeFixture(dir, name, csv));
    return { api, dir, workspace, project, version, events, importFile };
  }

  /** Every answer must also be what the contract promises (the engine does not check results). */
  async function call<M extends MethodName>(api: OrchardApi, method: M, params: unknown) {
    const value = await api.call(method, params as never);
    return methods[method].result.parse(value) as typeof value;
  }

  it('creates a label set, and refuses bad definitions with messages that say how to fix them', async () => {
    const { api, project, version, events, importFile, dir } = await setup();
    const set = await call(api, 'labels.createSet', { datasetVersionId: version.id, definition: sentiment });
    expect(set).toMatchObject({
      itemKind: 'text',
      textColumn: 'review',
      suggestionColumn: 'guess',
      itemCount: 12,
    });
    expect(events).toEqual([{ labelSetId: set.id, annotation: null }]);
    const refused = (definition: unknown) =>
      api.labels.createSet({ datasetVersionId: version.id, definition: definition as LabelSetDefinition });
    await expect(refused({ ...sentiment, name: 'x', textColumn: 'nope' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/text column `nope` is not a column .*choose one of `id`, `review`/),
    });
    await expect(refused({ ...sentiment, name: 'x', suggestionColumn: 'hint' })).rejects.toThrow(
      /suggestion column `hint` is not a column/,
    );
    const twice = sentiment.classes!.map((c) => ({ ...c, hotkey: '1' }));
    await expect(refused({ ...sentiment, name: 'x', classes: twice })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('hotkey 1 is used by pos and neg'),
    });
    const reserved = [sentiment.classes![0], { ...sentiment.classes![1]!, hotkey: 'j' }];
    await expect(refused({ ...sentiment, name: 'x', classes: reserved })).rejects.toThrow(
      /hotkey j is taken by the labelling view/,
    );
    await expect(refused({ name: 'x', task: 'score' })).rejects.toThrow(/a score task needs a range/);
    await expect(refused(sentiment)).rejects.toMatchObject({ code: 'conflict' });
    // A table without text: whole rows are the items.
    const numbers = await importFile(writeFixture(dir, 'numbers.csv', 'a,b\n1,2\n3,4\n5,6\n'));
    const rows = await api.labels.createSet({ datasetVersionId: numbers.id, definition: plainSentiment });
    expect(rows).toMatchObject({ itemKind: 'row', textColumn: null, itemCount: 3 });
    expect((await api.labels.sets({ projectId: project.id })).map((s) => s.id)).toEqual([set.id, rows.id]);
    expect((await api.labels.sets({ datasetVersionId: version.id })).map((s) => s.id)).toEqual([set.id]);
    expect(await api.labels.getSet({ labelSetId: set.id })).toEqual(set);
    await expect(api.labels.getSet({ labelSetId: 'lbs_nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('labels, undoes, skips and clears; history is append-only and progress counts it', async () => {
    const { api, workspace, version, events } = await setup();
    const set = await api.labels.createSet({ datasetVersionId: version.id, definition: sentiment });
    const labelSetId = set.id;
    const write = (
      rowId: number,
      action: 'label' | 'skip' | 'clear',
      expectedSeq: number | null,
      more = {},
    ) =>
      call(api, 'labels.annotate', {
        labelSetId,
        annotator: 'ana',
        id: newId(),
        rowId,
        action,
        expectedSeq,
        ...more,
      });

    const first = await call(api, 'labels.queue', {
      labelSetId,
      annotator: 'ana',
      order: { kind: 'sequential' },
    });
    expect(first).toMatchObject({ total: 12, todo: 12 });
    expect(first.items.map((i) => i.rowId)).toEqual([...Array(12).keys()]);
    expect(first.items[0]).toMatchObject({ position: 0, current: null, suggestion: 'pos', image: null });
    expect(first.items[2]!.suggestion).toBeNull(); // `maybe` names no class
    expect(first.items[1]!.values).toMatchObject({ _row_id: 1, id: 2, topic: 'service' });

    const a1 = await write(0, 'label', null, { value: pos });
    expect(a1.progress).toMatchObject({ total: 12, done: 1, skipped: 0, perClass: { pos: 1, neg: 0 } });
    expect(events.at(-1)).toEqual({ labelSetId, annotation: a1.annotation });
    const a2 = await write(0, 'label', a1.annotation.seq, { value: neg });
    const undo = await write(0, 'label', a2.annotation.seq, { value: pos, undoes: a2.annotation.seq });
    expect(undo.annotation).toMatchObject({ undoes: a2.annotation.seq, value: pos });
    await write(1, 'skip', null);
    const cleared = await write(0, 'clear', undo.annotation.seq);
    expect(cleared.progress).toMatchObject({ done: 0, skipped: 1, perClass: { pos: 0, neg: 0 } });

    const history = await call(api, 'labels.history', { labelSetId, rowId: 0 });
    expect(history.map((a) => [a.action, a.value, a.undoes])).toEqual([
      ['label', pos, null],
      ['label', neg, null],
      ['label', pos, a2.annotation.seq],
      ['clear', null, null],
    ]);
    const db = openRegistry(path.join(workspace, 'orchard.db'));
    try {
      expect(() => db.prepare('DELETE FROM annotations').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }

    // The cleared item is open again; the skipped one is not.
    const todo = await api.labels.queue({
      labelSetId,
      annotator: 'ana',
      order: { kind: 'sequential' },
      limit: 3,
    });
    expect(todo.items.map((i) => i.rowId)).toEqual([0, 2, 3]);
    expect(todo.todo).toBe(11);
    expect(todo.items[0]!.current).toMatchObject({ action: 'clear', seq: cleared.annotation.seq });

    await expect(write(2, 'label', null, { value: { classes: ['meh'] } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('"meh" is not a class of "sentiment"; its classes are pos, neg'),
    });
    await expect(write(2, 'label', null, { value: { classes: ['pos', 'neg'] } })).rejects.toThrow(
      /exactly one class/,
    );
    await expect(write(2, 'label', null, { value: { score: 1 } })).rejects.toThrow(/send \{classes/);
    await expect(write(2, 'label', null)).rejects.toThrow(/needs a value/);
    await expect(write(2, 'skip', null, { value: pos })).rejects.toThrow(/carries no value/);
    await expect(write(12, 'label', null, { value: pos })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('row ids 0–11'),
    });
    await expect(write(2, 'label', null, { value: pos, undoes: a2.annotation.seq })).rejects.toThrow(
      /an undo takes back one's own annotation of the same item/,
    );
    const progress = await call(api, 'labels.progress', { labelSetId });
    expect(progress).toEqual({
      total: 12,
      done: 0,
      skipped: 1,
      perClass: { pos: 0, neg: 0 },
      annotators: [],
    });
  });

  it('answers a stale write from another window with conflict and the current label; force keeps it', async () => {
    const { api, version } = await setup();
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: sentiment,
    });
    const base = { labelSetId, rowId: 3, action: 'label' as const };
    const windowA = await api.labels.annotate({
      ...base,
      annotator: 'ana',
      id: newId(),
      value: pos,
      expectedSeq: null,
    });
    // Window B of the same annotator still thinks the item is unlabelled.
    const staleId = newId();
    const stale = api.labels.annotate({
      ...base,
      annotator: 'ana',
      id: staleId,
      value: neg,
      expectedSeq: null,
    });
    await expect(stale).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('changed elsewhere'),
      details: { rowId: 3, expectedSeq: null, current: { seq: windowA.annotation.seq, value: pos } },
    });
    const forced = await api.labels.annotate({
      ...base,
      annotator: 'ana',
      id: staleId,
      value: neg,
      expectedSeq: null,
      force: true,
    });
    expect(forced.annotation.value).toEqual(neg);

    // Another annotator has their own current label: no conflict, and neither overwrites the other.
    const ben = await api.labels.annotate({
      ...base,
      annotator: 'ben',
      id: newId(),
      value: pos,
      expectedSeq: null,
    });
    expect(ben.progress).toMatchObject({ done: 1, perClass: { pos: 1, neg: 0 } });
    const [anaItem] = await call(api, 'labels.items', { labelSetId, annotator: 'ana', rowIds: [3] });
    const [benItem] = await api.labels.items({ labelSetId, annotator: 'ben', rowIds: [3] });
    expect(anaItem).toMatchObject({ rowId: 3, position: 3, current: { annotator: 'ana', value: neg } });
    expect(benItem!.current).toMatchObject({ annotator: 'ben', value: pos });
    expect(await api.labels.progress({ labelSetId })).toMatchObject({
      done: 1,
      perClass: { pos: 1, neg: 1 },
      annotators: [
        { name: 'ana', done: 1 },
        { name: 'ben', done: 1 },
      ],
    });

    // A retried call (same id) is stored once and answers with the stored annotation.
    const retried = await api.labels.annotate({
      ...base,
      annotator: 'ben',
      id: ben.annotation.id,
      value: pos,
      expectedSeq: null,
    });
    expect(retried.annotation).toEqual(ben.annotation);
    expect(await api.labels.history({ labelSetId, rowId: 3 })).toHaveLength(3);
    await expect(
      api.labels.annotate({
        ...base,
        rowId: 4,
        annotator: 'ben',
        id: ben.annotation.id,
        value: pos,
        expectedSeq: null,
      }),
    ).rejects.toThrow(/already used by another annotation/);

    // Grid mode: all or nothing — one stale item refuses the whole batch.
    const many = (items: { rowId: number; expectedSeq: number | null }[]) =>
      api.labels.annotateMany({
        labelSetId,
        annotator: 'ana',
        action: 'label',
        value: pos,
        items: items.map((i) => ({ ...i, id: newId() })),
      });
    await expect(
      many([
        { rowId: 5, expectedSeq: null },
        { rowId: 3, expectedSeq: null },
      ]),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await api.labels.history({ labelSetId, rowId: 5 })).toEqual([]);
    const done = await many([
      { rowId: 5, expectedSeq: null },
      { rowId: 6, expectedSeq: null },
    ]);
    expect(done.annotations.map((a) => a.rowId)).toEqual([5, 6]);
    expect(done.progress).toMatchObject({ done: 3, perClass: { pos: 2, neg: 1 } });
  });

  it('walks each queue order: sequential, seeded random, stratified round-robin; todo leaves out done items', async () => {
    const { api, version } = await setup();
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: sentiment,
    });
    const rowsOf = async (order: QueueOrder, more = {}) =>
      (await api.labels.queue({ labelSetId, annotator: 'ana', order, limit: 12, ...more })).items.map(
        (i) => i.rowId,
      );

    expect(await rowsOf({ kind: 'sequential' })).toEqual([...Array(12).keys()]);
    const random = await rowsOf({ kind: 'random', seed: 7 });
    expect(random).toEqual(await rowsOf({ kind: 'random', seed: 7 }));
    expect(random).toEqual([...randomOrder(12, 7)]);
    expect([...random].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(random).not.toEqual([...Array(12).keys()]);
    expect(await rowsOf({ kind: 'random', seed: 8 })).not.toEqual(random);

    const stratified = await rowsOf({ kind: 'stratified', column: 'topic', seed: 1 });
    expect([...stratified].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    // topic of row r is food/service/price by r % 3; values sort food, price, service.
    expect(stratified.map((r) => ['food', 'service', 'price'][r % 3])).toEqual(
      Array.from({ length: 12 }, (_, i) => ['food', 'price', 'service'][i % 3]),
    );
    expect(await rowsOf({ kind: 'stratified', column: 'topic', seed: 1 })).toEqual(stratified);
    await expect(rowsOf({ kind: 'stratified', column: 'colour', seed: 1 })).rejects.toThrow(
      /stratify column `colour` is not a column/,
    );
    await expect(rowsOf({ kind: 'least-confident' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('train a model on this dataset first'),
    });

    // `todo` starts at the first open item of the order; `all` at the given position.
    for (const rowId of random.slice(0, 2))
      await api.labels.annotate({
        labelSetId,
        annotator: 'ana',
        id: newId(),
        rowId,
        action: 'label',
        value: pos,
        expectedSeq: null,
      });
    const todo = await api.labels.queue({
      labelSetId,
      annotator: 'ana',
      order: { kind: 'random', seed: 7 },
      limit: 2,
    });
    expect(todo.items.map((i) => [i.rowId, i.position])).toEqual([
      [random[2], 2],
      [random[3], 3],
    ]);
    expect(todo).toMatchObject({ total: 12, todo: 10 });
    const all = await api.labels.queue({
      labelSetId,
      annotator: 'ana',
      order: { kind: 'random', seed: 7 },
      include: 'all',
      from: 1,
      limit: 2,
    });
    expect(all.items.map((i) => [i.rowId, i.position, i.current?.value ?? null])).toEqual([
      [random[1], 1, pos],
      [random[2], 2, null],
    ]);
    expect(await rowsOf({ kind: 'sequential' }, { include: 'all', from: 11 })).toEqual([11]);
  });

  it('orders least-confident first by a real trained model’s top-class probability', async () => {
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 150; i++) {
      const x1 = ((i * 37) % 100) / 10 - 5;
      const x2 = ((i * 53) % 100) / 10 - 5;
      rows.push(`${x1},${x2},${x1 + x2 + (i % 7) - 3 > 0 ? 'pos' : 'neg'}`);
    }
    const { api, dir, version } = await setup(rows.join('\n'), 'points.csv');
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: plainSentiment,
    });
    const { runId, jobId } = await api.runs.start({
      config: {
        datasetVersionId: version.id,
        target: { column: 'label' },
        task: 'binary',
        features: ['x1', 'x2'],
        model: { kind: 'linear' },
        epochs: 3,
        seed: 5,
      } as never,
    });
    expect((await waitForJob(api, jobId, 240_000)).status).toBe('succeeded');
    const model = (await api.runs.get({ runId })).modelVersionId!;
    const queue = await call(api, 'labels.queue', {
      labelSetId,
      annotator: 'ana',
      order: { kind: 'least-confident' },
      limit: 200,
    });
    expect(queue.total).toBe(150);
    expect(queue.items.map((i) => i.position)).toEqual([...Array(150).keys()]);
    const keys = queue.items.map((i) => [i.prediction!.confidence, i.rowId] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(keys).toEqual(sorted);
    expect(keys[0]![0]).toBeLessThan(keys.at(-1)![0]);
    // The same model predicting the same rows through models.predictFile agrees on every row.
    const out = path.join(dir, 'predicted.csv');
    const predicted = await api.models.predictFile({
      modelVersionId: model,
      path: path.join(dir, 'points.csv'),
      outputPath: out,
    });
    expect((await waitForJob(api, predicted.jobId)).status).toBe('succeeded');
    const byRow = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([rowId, label, p0, p1]) => [
          Number(rowId),
          { label, confidence: Math.max(Number(p0), Number(p1)) },
        ]),
    );
    for (const item of queue.items) {
      expect(item.prediction!.label).toBe(byRow.get(item.rowId)!.label);
      expect(item.prediction!.confidence).toBeCloseTo(byRow.get(item.rowId)!.confidence, 5);
    }
    const named = await api.labels.queue({
      labelSetId,
      annotator: 'ana',
      order: { kind: 'least-confident', modelVersionId: model },
      limit: 5,
    });
    expect(named.items.map((i) => i.rowId)).toEqual(queue.items.slice(0, 5).map((i) => i.rowId));
  }, 300_000);

  it('computes agreement on a hand-computed case, the same as core/domain/agreement', async () => {
    const { api, version } = await setup();
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: sentiment,
    });
    // Rows 0–5: ana c c d c d d, ben c c d d d c (c = pos, d = neg). Agree on 4 of 6.
    const ana = ['pos', 'pos', 'neg', 'pos', 'neg', 'neg'];
    const ben = ['pos', 'pos', 'neg', 'neg', 'neg', 'pos'];
    for (const [annotator, labels] of [
      ['ana', ana],
      ['ben', ben],
    ] as const)
      await api.labels
        .annotateMany({
          labelSetId,
          annotator,
          action: 'label',
          value: pos,
          items: labels.flatMap((l, rowId) =>
            l === 'pos' ? [{ rowId, id: newId(), expectedSeq: null }] : [],
          ),
        })
        .then(() =>
          api.labels.annotateMany({
            labelSetId,
            annotator,
            action: 'label',
            value: neg,
            items: labels.flatMap((l, rowId) =>
              l === 'neg' ? [{ rowId, id: newId(), expectedSeq: null }] : [],
            ),
          }),
        );
    const report = await call(api, 'labels.agreement', { labelSetId });
    // By hand: p_o = 4/6, p_e = (3·3 + 3·3)/36 = 1/2, κ = (2/3 − 1/2)/(1/2) = 1/3.
    // Krippendorff: n = 12, D_o = 4/12, D_e = (144 − 72)/(12·11) = 6/11, α = 1 − (1/3)/(6/11) = 7/18.
    expect(report).toMatchObject({ annotators: ['ana', 'ben'], itemsCompared: 6, disagreements: 2 });
    expect(report.percentAgreement).toBeCloseTo(4 / 6, 12);
    expect(report.cohenKappa).toBeCloseTo(1 / 3, 12);
    expect(report.fleissKappa).toBeCloseTo(1 / 3, 12);
    expect(report.krippendorffAlpha).toBeCloseTo(7 / 18, 12);
    expect(report.pairwise).toEqual([{ a: 'ana', b: 'ben', items: 6, kappa: report.cohenKappa }]);
    expect(report.cohenKappa).toBe(cohensKappa(ana, ben).kappa);
    expect(report.krippendorffAlpha).toBe(krippendorffAlphaNominal(ana.map((a, i) => [a, ben[i]!])).alpha);
    const counts = ana.map((a, i) => ['neg', 'pos'].map((c) => Number(a === c) + Number(ben[i] === c)));
    expect(report.fleissKappa).toBe(fleissKappa(counts).kappa);
    // With two classes, "is it pos?" is the same judgement as the label itself.
    expect(report.perClass.map((c) => c.name)).toEqual(['pos', 'neg']);
    for (const c of report.perClass) {
      expect(c.fleissKappa).toBeCloseTo(1 / 3, 12);
      expect(c.krippendorffAlpha).toBeCloseTo(7 / 18, 12);
    }
  });

  it('lists disagreements for review with every vote, and a review settles one', async () => {
    const { api, version, events } = await setup();
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: sentiment,
    });
    const label = (annotator: string, rowId: number, value: typeof pos) =>
      api.labels.annotate({
        labelSetId,
        annotator,
        id: newId(),
        rowId,
        action: 'label',
        value,
        expectedSeq: null,
      });
    await label('ana', 0, pos);
    await label('ben', 0, pos); // agree
    await label('ana', 1, pos);
    await label('ben', 1, neg); // disagree
    await label('ana', 4, neg);
    await label('ben', 4, pos); // disagree
    await label('ana', 7, pos); // one label only
    const queue = await call(api, 'labels.reviewQueue', { labelSetId });
    expect(queue.total).toBe(2);
    expect(queue.items.map((i) => [i.rowId, i.votes, i.review])).toEqual([
      [
        1,
        [
          { annotator: 'ana', value: pos },
          { annotator: 'ben', value: neg },
        ],
        null,
      ],
      [
        4,
        [
          { annotator: 'ana', value: neg },
          { annotator: 'ben', value: pos },
        ],
        null,
      ],
    ]);
    expect(queue.items[0]!.values).toMatchObject({ _row_id: 1, topic: 'service' });

    const review = await call(api, 'labels.review', {
      labelSetId,
      reviewer: 'rita',
      id: newId(),
      rowId: 1,
      value: neg,
      expectedSeq: null,
    });
    expect(review).toMatchObject({ action: 'review', annotator: 'rita', value: neg });
    expect(events.at(-1)).toEqual({ labelSetId, annotation: review });
    // A second reviewer who had not seen rita's decision is told about it.
    await expect(
      api.labels.review({
        labelSetId,
        reviewer: 'sam',
        id: newId(),
        rowId: 1,
        value: pos,
        expectedSeq: null,
      }),
    ).rejects.toMatchObject({ code: 'conflict', details: { current: { seq: review.seq } } });
    expect(await api.labels.reviewQueue({ labelSetId })).toMatchObject({ total: 1, items: [{ rowId: 4 }] });
    const all = await api.labels.reviewQueue({ labelSetId, includeReviewed: true });
    expect(all.items.map((i) => [i.rowId, i.review?.seq ?? null])).toEqual([
      [1, review.seq],
      [4, null],
    ]);
    expect((await api.labels.agreement({ labelSetId })).disagreements).toBe(1);
    // A review is not an annotator's label: progress does not count rita.
    expect((await api.labels.progress({ labelSetId })).annotators.map((a) => a.name)).toEqual(['ana', 'ben']);
  });

  it('freezes settled labels as hashed JSONL under agreed and majority, reusing an identical version', async () => {
    const { api, version, workspace } = await setup();
    const { id: labelSetId } = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: sentiment,
    });
    await expect(api.labels.freeze({ labelSetId })).rejects.toThrow(
      /Nothing to freeze .*Label some items first/,
    );
    const label = (annotator: string, rowId: number, value: typeof pos) =>
      api.labels.annotate({
        labelSetId,
        annotator,
        id: newId(),
        rowId,
        action: 'label',
        value,
        expectedSeq: null,
      });
    // Row 0: all agree pos. Row 1: 2–1 for neg. Row 2: 1–1 tie. Row 3: ana only. Row 4: disagree, reviewed neg.
    for (const [rowId, votes] of [
      [0, ['ana', pos, 'ben', pos, 'cy', pos]],
      [1, ['ana', neg, 'ben', neg, 'cy', pos]],
      [2, ['ana', pos, 'ben', neg]],
      [3, ['ana', pos]],
      [4, ['ana', pos, 'ben', pos, 'cy', neg]],
    ] as const)
      for (let i = 0; i < votes.length; i += 2)
        await label(votes[i] as string, rowId, votes[i + 1] as typeof pos);
    await api.labels.review({
      labelSetId,
      reviewer: 'rita',
      id: newId(),
      rowId: 4,
      value: neg,
      expectedSeq: null,
    });

    const agreed = await call(api, 'labels.freeze', { labelSetId, policy: 'agreed' });
    expect(agreed).toMatchObject({
      number: 1,
      policy: 'agreed',
      itemCount: 3,
      classCounts: { pos: 2, neg: 1 },
      excluded: { unlabelled: 7, unresolved: 2 },
      datasetVersionId: version.id,
    });
    const stored = readFileSync(
      path.join(workspace, 'objects', agreed.sha256.slice(0, 2), agreed.sha256.slice(2)),
    );
    expect(createHash('sha256').update(stored).digest('hex')).toBe(agreed.sha256);
    expect(stored.toString('utf8')).toBe(
      '{"row_id":0,"label":"pos"}\n{"row_id":3,"label":"pos"}\n{"row_id":4,"label":"neg"}\n',
    );
    expect(await api.labels.freeze({ labelSetId, policy: 'agreed' })).toEqual(agreed);

    const majority = await api.labels.freeze({ labelSetId, policy: 'majority' });
    expect(majority).toMatchObject({ number: 2, itemCount: 4, excluded: { unlabelled: 7, unresolved: 1 } });
    expect(majority.classCounts).toEqual({ pos: 2, neg: 2 });
    expect((await call(api, 'labels.versions', { labelSetId })).map((v) => v.number)).toEqual([2, 1]);
    expect(await call(api, 'labels.version', { labelVersionId: agreed.id })).toEqual(agreed);

    // Frozen means frozen: the registry refuses to change a version, and new labels make a new one.
    const db = openRegistry(path.join(workspace, 'orchard.db'));
    try {
      expect(() => db.prepare('UPDATE label_versions SET item_count = 0').run()).toThrow(/immutable/);
      expect(db.prepare('SELECT media_type FROM objects WHERE sha256 = ?').get(agreed.sha256)).toEqual({
        media_type: 'application/jsonl',
      });
    } finally {
      db.close();
    }
    await label('ben', 3, pos);
    const third = await api.labels.freeze({ labelSetId, policy: 'agreed' });
    expect(third).toMatchObject({ number: 3, itemCount: 3 });
    expect(third.sha256).toBe(agreed.sha256); // same lines, yet a new version: v2 (majority) came between
    expect(await api.labels.version({ labelVersionId: agreed.id })).toEqual(agreed);
  });

  it('accepts score and multi-label values that fit the task, canonically', async () => {
    const { api, version } = await setup();
    const score = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: { name: 'stars', task: 'score', score: { min: 1, max: 5, step: 0.5 } },
    });
    const write = (labelSetId: string, value: unknown) =>
      api.labels.annotate({
        labelSetId,
        annotator: 'ana',
        id: newId(),
        rowId: 0,
        action: 'label',
        value: value as typeof pos,
        expectedSeq: null,
        force: true,
      });
    expect((await write(score.id, { score: 4.5 })).progress.perClass).toEqual({ '4.5': 1 });
    await expect(write(score.id, { score: 4.2 })).rejects.toThrow(/from 1 to 5 in steps of 0.5/);
    await expect(write(score.id, { score: 6 })).rejects.toThrow(/does not fit/);
    const multi = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: {
        ...sentiment,
        name: 'aspects',
        task: 'multi',
        classes: [...sentiment.classes!, { name: 'Mixed', color: '#888888', hotkey: '3' }],
      },
    });
    const both = await write(multi.id, { classes: ['pos', 'mixed'] });
    expect(both.annotation.value).toEqual({ classes: ['Mixed', 'pos'] });
    expect(both.progress.perClass).toEqual({ pos: 1, neg: 0, Mixed: 1 });
    await expect(write(multi.id, { classes: ['pos', 'POS'] })).rejects.toThrow(/appears twice/);
  });

  it('labels an image folder: image items with their refs, the folder as suggestion', async () => {
    const { api, dir, importFile } = await setup();
    const folder = path.join(dir, 'pets');
    writeImage(folder, 'cat/a.png', await pngBytes(40, 30, 1));
    writeImage(folder, 'cat/b.jpg', await jpegBytes(20, 50, 2));
    writeImage(folder, 'dog/c.png', await pngBytes(16, 16, 3));
    writeImage(folder, 'unsorted.png', await pngBytes(8, 8, 4));
    const version = await importFile(folder);
    expect(version.source.format).toBe('images');
    const set = await api.labels.createSet({
      datasetVersionId: version.id,
      definition: {
        ...plainSentiment,
        name: 'pets',
        classes: [
          { name: 'cat', color: '#ff8800', hotkey: 'c' },
          { name: 'dog', color: '#0088ff', hotkey: 'd' },
        ],
        suggestionColumn: 'folder',
      },
    });
    expect(set).toMatchObject({ itemKind: 'image', itemCount: 4, textColumn: null });
    const { items } = await call(api, 'labels.queue', {
      labelSetId: set.id,
      annotator: 'ana',
      order: { kind: 'sequential' },
    });
    expect(
      items.map((i) => [i.values['path'], i.suggestion, i.image?.width, i.image?.height, i.image?.format]),
    ).toEqual([
      ['cat/a.png', 'cat', 40, 30, 'png'],
      ['cat/b.jpg', 'cat', 20, 50, 'jpeg'],
      ['dog/c.png', 'dog', 16, 16, 'png'],
      ['unsorted.png', null, 8, 8, 'png'],
    ]);
    expect(items[0]!.image!.sha256).toBe(items[0]!.values['image']);
    // The view shows an item's image by its ref, which images.* serves.
    const [thumbnail] = await api.images.thumbnails({ sha256s: [items[2]!.image!.sha256] });
    expect(thumbnail!.sha256).toBe(items[2]!.image!.sha256);
  });
});
