import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../core/contract/client.js';
import type { OrchardApi } from '../../../core/contract/client.js';
import type { Annotation, LabelProgress } from '../../../core/contract/labels.js';
import type { ParamsOf } from '../../../core/contract/methods.js';
import { LabelOutbox } from './label-outbox.js';
import type { OutboxStorage } from './label-outbox.js';
import { LabelWriter } from './label-writer.js';
import { MapStorage, pendingWrite } from './test-support.js';
import type { LabelWriterEvents, PendingWrite } from './label-writer.js';

type AnnotateParams = ParamsOf<'labels.annotate'>;

const progress: LabelProgress = { total: 10, done: 1, skipped: 0, perClass: {}, annotators: [] };

/** A stand-in engine: answers each annotate call when the test says so. */
function fakeEngine() {
  const calls: { params: AnnotateParams; answer(result: Annotation | Error): void }[] = [];
  let seq = 0;
  const api = {
    labels: {
      annotate: (params: AnnotateParams) =>
        new Promise((resolve, reject) => {
          calls.push({
            params,
            answer: (result) =>
              result instanceof Error ? reject(result) : resolve({ annotation: result, progress }),
          });
        }),
    },
  } as unknown as OrchardApi;
  const stored = (params: AnnotateParams): Annotation => ({
    seq: ++seq,
    id: params.id,
    labelSetId: params.labelSetId,
    rowId: params.rowId,
    annotator: params.annotator,
    action: params.action,
    value: params.value ?? null,
    undoes: params.undoes ?? null,
    origin: 'app',
    createdAt: '2025-01-01T00:00:00Z',
  });
  return { api, calls, stored };
}

function recorder() {
  const log: string[] = [];
  const events: LabelWriterEvents = {
    sending: (write) => log.push(`sending ${write.id}`),
    acknowledged: (write, annotation) => log.push(`ack ${write.id} seq ${annotation.seq}`),
    conflicted: (write, theirs) => log.push(`conflict ${write.id} theirs ${theirs?.seq ?? 'none'}`),
    refused: (write) => log.push(`refused ${write.id}`),
    unreachable: (write) => log.push(`unreachable ${write.id}`),
    settled: () => undefined,
  };
  return { log, events };
}

const write = pendingWrite;

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LabelWriter', () => {
  it('sends writes of one item in turn, each expecting the seq the one before got', async () => {
    const engine = fakeEngine();
    const { log, events } = recorder();
    const writer = new LabelWriter(engine.api, events);
    writer.send(write('first', 0));
    writer.send(write('second', 0));
    writer.send(write('other-item', 1));
    await tick();
    // The second write of item 0 waits; item 1 goes at once.
    expect(engine.calls.map((call) => call.params.id)).toEqual(['first', 'other-item']);
    const first = engine.calls[0];
    first?.answer(engine.stored(first.params));
    await tick();
    const second = engine.calls[2];
    expect(second?.params).toMatchObject({ id: 'second', expectedSeq: 1 });
    expect(engine.calls[0]?.params.expectedSeq).toBeNull();
    expect(log).toContain('ack first seq 1');
  });

  it('an undo names the seq of the write it undoes, known only once that one was acknowledged', async () => {
    const engine = fakeEngine();
    const writer = new LabelWriter(engine.api, recorder().events);
    writer.send(write('label', 3));
    writer.send(write('undo', 3, { action: 'clear', value: null, undoesId: 'label' }));
    await tick();
    const label = engine.calls[0];
    label?.answer(engine.stored(label.params));
    await tick();
    expect(engine.calls[1]?.params).toMatchObject({ id: 'undo', action: 'clear', undoes: 1, expectedSeq: 1 });
  });

  it('a conflict reports the current annotation and keeps the write for "keep mine"', async () => {
    const engine = fakeEngine();
    const { log, events } = recorder();
    const writer = new LabelWriter(engine.api, events);
    writer.send(write('mine', 5));
    await tick();
    const theirs = { ...engine.stored(write('theirs', 5) as unknown as AnnotateParams), seq: 42 };
    engine.calls[0]?.answer(
      new RpcError({ code: 'conflict', message: 'changed', details: { current: theirs } }),
    );
    await tick();
    expect(log).toContain('conflict mine theirs 42');
    const kept = writer.takeConflict('mine');
    expect(kept?.id).toBe('mine');
    writer.send({ ...(kept as PendingWrite), force: true });
    await tick();
    expect(engine.calls[1]?.params).toMatchObject({ id: 'mine', force: true, expectedSeq: 42 });
  });

  it('keeps writes that could not reach the engine and sends them again with the same id', async () => {
    const engine = fakeEngine();
    const { log, events } = recorder();
    const writer = new LabelWriter(engine.api, events);
    writer.send(write('lost', 7));
    await tick();
    engine.calls[0]?.answer(new RpcError({ code: 'internal', message: 'The connection was lost' }));
    await tick();
    expect(log).toContain('unreachable lost');
    expect(writer.failedCount).toBe(1);
    expect(writer.retryFailed().map((entry) => entry.id)).toEqual(['lost']);
    await tick();
    expect(engine.calls[1]?.params.id).toBe('lost');
    expect(writer.failedCount).toBe(0);
  });

  it('drops a write refused for good', async () => {
    const engine = fakeEngine();
    const { log, events } = recorder();
    const writer = new LabelWriter(engine.api, events);
    writer.send(write('bad', 8));
    await tick();
    engine.calls[0]?.answer(new RpcError({ code: 'not_found', message: 'no such set' }));
    await tick();
    expect(log).toContain('refused bad');
    expect(writer.failedCount).toBe(0);
    expect(writer.isOwn('bad')).toBe(true);
  });
});

/** One browser's storage, shared by the "pages" of a test. */
function browserStorage(): OutboxStorage {
  return new MapStorage();
}

/** A page: its own writer and outbox over the browser's storage, opened on one workspace. */
function page(storage: OutboxStorage, engine: ReturnType<typeof fakeEngine>) {
  const { log, events } = recorder();
  const outbox = new LabelOutbox(storage);
  const writer = new LabelWriter(engine.api, events, outbox);
  const left = outbox.open('/workspace');
  return { log, outbox, writer, left };
}

describe('LabelWriter with an outbox (a page closed before the engine answered)', () => {
  it('keeps a write until it is acknowledged or refused, and while the engine is unreachable', async () => {
    const engine = fakeEngine();
    const { writer, outbox } = page(browserStorage(), engine);
    writer.send(write('acked-00', 0));
    writer.send(write('refused-0', 1));
    writer.send(write('unreached', 2));
    await tick();
    expect(outbox.size).toBe(3);
    const [acked, refused, unreached] = engine.calls;
    acked?.answer(engine.stored(acked.params));
    refused?.answer(new RpcError({ code: 'not_found', message: 'no such set' }));
    unreached?.answer(new RpcError({ code: 'internal', message: 'The connection was lost' }));
    await tick();
    expect(outbox.size).toBe(1);
    // Undoing a write that never arrived drops it for good.
    expect(writer.forget('unreached')).toBe(true);
    expect(outbox.size).toBe(0);
  });

  it('the next page sends them again, in order, expecting what the first page knew', async () => {
    const storage = browserStorage();
    const engine = fakeEngine();
    const first = page(storage, engine);
    // Row 4 had seq 3 when shown; the page relabels it twice and closes before any answer.
    first.writer.saw('lbs_1', {
      ...engine.stored(write('old-0000', 4) as unknown as AnnotateParams),
      seq: 3,
    });
    first.writer.send(write('relabel-1', 4));
    first.writer.send(write('relabel-2', 4, { value: { classes: ['b'] } }));
    await tick();
    expect(engine.calls).toHaveLength(1); // the second waits for the first's answer, which never comes

    const next = page(storage, engine);
    expect(next.left.writes.map((entry) => entry.id)).toEqual(['relabel-1', 'relabel-2']);
    // The new page's queue shows a newer annotation made elsewhere (seq 7): the restored write must not
    // silently overwrite it, so it still expects seq 3 and the engine can refuse it as a conflict.
    next.writer.saw('lbs_1', {
      ...engine.stored(write('elsewhere', 4) as unknown as AnnotateParams),
      seq: 7,
    });
    const settled = Promise.all(next.left.writes.map((entry) => next.writer.send(entry)));
    await tick();
    expect(engine.calls[1]?.params).toMatchObject({ id: 'relabel-1', expectedSeq: 3 });
    const resent = engine.calls[1];
    resent?.answer({ ...engine.stored(resent.params), seq: 10 });
    await tick();
    // Once one write of the item is acknowledged here, the next expects that one's seq.
    expect(engine.calls[2]?.params).toMatchObject({ id: 'relabel-2', expectedSeq: 10 });
    const last = engine.calls[2];
    last?.answer({ ...engine.stored(last.params), seq: 11 });
    await settled;
    expect(next.outbox.size).toBe(0);
    expect(page(storage, engine).left.writes).toEqual([]);
  });

  it('a write waiting behind an earlier one of its item is kept with the seq that one got', async () => {
    const storage = browserStorage();
    const engine = fakeEngine();
    const first = page(storage, engine);
    first.writer.send(write('chain-one', 2));
    first.writer.send(write('chain-two', 2, { value: { classes: ['b'] } }));
    await tick();
    const one = engine.calls[0];
    one?.answer({ ...engine.stored(one.params), seq: 30 });
    await tick();
    expect(engine.calls[1]?.params).toMatchObject({ id: 'chain-two', expectedSeq: 30 });
    // The page closes before the second is answered: the next one sends it expecting seq 30, not
    // the nothing the first page knew when the key was pressed (which would be a false conflict).
    expect(page(storage, engine).left.writes).toMatchObject([{ id: 'chain-two', basedOnSeq: 30 }]);
  });

  it('an undo left unsent carries the seq of the write it undoes', async () => {
    const storage = browserStorage();
    const engine = fakeEngine();
    const first = page(storage, engine);
    first.writer.send(write('label-000', 6));
    await tick();
    const label = engine.calls[0];
    label?.answer({ ...engine.stored(label.params), seq: 21 });
    await tick();
    first.writer.send(write('undo-0000', 6, { action: 'clear', value: null, undoesId: 'label-000' }));
    await tick();
    // The page closes before the undo's answer; the next page knows nothing of 'label-000' by id.
    const next = page(storage, engine);
    expect(next.left.writes.map((entry) => entry.id)).toEqual(['undo-0000']);
    void next.writer.send(next.left.writes[0] as PendingWrite);
    await tick();
    expect(engine.calls.at(-1)?.params).toMatchObject({ id: 'undo-0000', undoes: 21, expectedSeq: 21 });
  });

  it('taking the other label in a conflict gives the write up; keeping mine keeps it until acknowledged', async () => {
    const storage = browserStorage();
    const engine = fakeEngine();
    const { writer, outbox } = page(storage, engine);
    writer.send(write('mine-0000', 5));
    writer.send(write('mine-1111', 6));
    await tick();
    const theirs = { ...engine.stored(write('theirs-00', 5) as unknown as AnnotateParams), seq: 42 };
    for (const call of engine.calls)
      call.answer(new RpcError({ code: 'conflict', message: 'changed', details: { current: theirs } }));
    await tick();
    expect(outbox.size).toBe(2); // a conflict waits for the user, and survives a reload meanwhile
    writer.takeConflict('mine-0000');
    writer.discard('mine-0000');
    expect(outbox.size).toBe(1);
    const kept = writer.takeConflict('mine-1111') as PendingWrite;
    writer.send({ ...kept, force: true });
    await tick();
    const forced = engine.calls.at(-1);
    expect(forced?.params).toMatchObject({ id: 'mine-1111', force: true });
    forced?.answer(engine.stored(forced.params));
    await tick();
    expect(outbox.size).toBe(0);
  });
});
