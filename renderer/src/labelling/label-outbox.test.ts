import { describe, expect, it } from 'vitest';
import { LabelOutbox } from './label-outbox.js';
import { MapStorage, pendingWrite } from './test-support.js';

const write = pendingWrite;

describe('LabelOutbox', () => {
  it('gives the next page of the workspace the writes an earlier page left, oldest first, marked restored', () => {
    const storage = new MapStorage();
    const first = new LabelOutbox(storage);
    first.open('/work/space');
    first.keep(write('w-1111111', 0, { basedOnSeq: null }));
    first.keep(write('w-2222222', 1, { basedOnSeq: 4 }));
    first.keep(write('w-3333333', 0, { action: 'clear', value: null, undoesId: 'w-1111111', undoesSeq: 9 }));
    first.drop('w-2222222'); // acknowledged before the page closed

    const next = new LabelOutbox(storage);
    const left = next.open('/work/space');
    expect(left.unreadable).toBe(0);
    expect(left.writes).toEqual([
      { ...write('w-1111111', 0), basedOnSeq: null, restored: true },
      {
        ...write('w-3333333', 0, { action: 'clear', value: null }),
        undoesId: 'w-1111111',
        undoesSeq: 9,
        restored: true,
      },
    ]);
    // A third page finds them too until they are dropped (acknowledged or refused).
    next.drop('w-1111111');
    expect(new LabelOutbox(storage).open('/work/space').writes.map((entry) => entry.id)).toEqual([
      'w-3333333',
    ]);
  });

  it('keeps writes made before the workspace is known, and stores them once it is', () => {
    const storage = new MapStorage();
    const outbox = new LabelOutbox(storage);
    outbox.keep(write('early-000', 5));
    expect(storage.entries.size).toBe(0);
    expect(outbox.open('/w').writes).toEqual([]); // this page's own writes are not "left"
    expect(storage.entries.size).toBe(1);
    expect(new LabelOutbox(storage).open('/w').writes.map((entry) => entry.id)).toEqual(['early-000']);
    expect(outbox.open('/w').writes).toEqual([]); // a second open (after a reconnect) finds nothing new
  });

  it("keeps each workspace's writes apart", () => {
    const storage = new MapStorage();
    const a = new LabelOutbox(storage);
    a.open('/workspace/a');
    a.keep(write('in-a-0000', 1));
    const b = new LabelOutbox(storage);
    expect(b.open('/workspace/b').writes).toEqual([]);
    expect(storage.entries.size).toBe(1);
    expect(new LabelOutbox(storage).open('/workspace/a').writes).toHaveLength(1);
  });

  it('drops entries it cannot read, counting them, and keeps the good ones', () => {
    const storage = new MapStorage();
    const outbox = new LabelOutbox(storage);
    outbox.open('/w');
    outbox.keep(write('good-0000', 2));
    const prefix = [...storage.entries.keys()][0]?.replace(/good-0000$/, '') ?? '';
    storage.setItem(`${prefix}broken-00`, '{not json');
    storage.setItem(`${prefix}wrong-000`, JSON.stringify({ order: 1, write: { rowId: -1 } }));
    // A valid write under another write's key is not trusted either.
    storage.setItem(`${prefix}moved-000`, JSON.stringify({ order: 2, write: write('other-000', 3) }));
    storage.setItem('someone-else', 'untouched');

    const left = new LabelOutbox(storage).open('/w');
    expect(left.writes.map((entry) => entry.id)).toEqual(['good-0000']);
    expect(left.unreadable).toBe(3);
    expect([...storage.entries.keys()].sort()).toEqual([`${prefix}good-0000`, 'someone-else'].sort());
  });

  it('says once that the browser will not store, and still tracks the writes', () => {
    const storage = new MapStorage();
    const refusals: unknown[] = [];
    const outbox = new LabelOutbox(storage, (error) => refusals.push(error));
    outbox.open('/w');
    storage.refuseWrites = true;
    outbox.keep(write('full-0000', 1));
    outbox.keep(write('full-1111', 2));
    expect(refusals).toHaveLength(1);
    expect(outbox.size).toBe(2);
    outbox.drop('full-0000');
    expect(outbox.size).toBe(1);
  });

  it('works without any storage (memory only)', () => {
    const outbox = new LabelOutbox(undefined);
    outbox.keep(write('mem-00000', 1));
    expect(outbox.open('/w')).toEqual({ writes: [], unreadable: 0 });
    expect(outbox.size).toBe(1);
  });
});
