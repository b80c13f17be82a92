import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../core/contract/client.js';
import type { OrchardApi } from '../../../core/contract/client.js';
import type { Annotation, LabelProgress } from '../../../core/contract/labels.js';
import type { ParamsOf } from '../../../core/contract/methods.js';
import { LabelWriter } from './label-writer.js';
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

function write(id: string, rowId: number, extra: Partial<PendingWrite> = {}): PendingWrite {
  return {
    labelSetId: 'lbs_1',
    annotator: 'ana',
    rowId,
    id,
    action: 'label',
    value: { classes: ['a'] },
    ...extra,
  };
}

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
