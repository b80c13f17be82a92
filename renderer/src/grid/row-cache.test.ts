import { describe, expect, it } from 'vitest';
import type { RowWindow } from '../../../core/contract/schemas.js';
import { RowCache, rowWindowSize } from './row-cache.js';
import type { RowQuery } from './row-cache.js';

interface PendingFetch {
  readonly query: RowQuery;
  readonly offset: number;
  resolve(window: RowWindow): void;
  reject(error: Error): void;
}

function harness() {
  const fetches: PendingFetch[] = [];
  let changes = 0;
  const errors: unknown[] = [];
  const cache = new RowCache(
    (query, offset) =>
      new Promise<RowWindow>((resolve, reject) => fetches.push({ query, offset, resolve, reject })),
    () => (changes += 1),
    (error) => errors.push(error),
  );
  const answer = (fetch: PendingFetch, total: number, tag = 'a'): void =>
    fetch.resolve({
      columns: ['_row_id', 'tag'],
      offset: fetch.offset,
      total,
      rows: Array.from({ length: Math.min(rowWindowSize, total - fetch.offset) }, (_, i) => [
        fetch.offset + i,
        tag,
      ]),
    });
  return { cache, fetches, errors, answer, changes: () => changes };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const query = (sort: 'asc' | 'desc' | null = null): RowQuery => ({
  versionId: 'dsv_1',
  sort: sort ? [{ column: '_row_id', direction: sort }] : [],
  filters: [],
});

describe('RowCache', () => {
  it('fetches only the windows in view and serves cells from them', async () => {
    const { cache, fetches, answer } = harness();
    cache.setQuery(query(), 10_000);
    cache.request(0, 30);
    expect(fetches.map((f) => f.offset)).toEqual([0]);
    expect(cache.cell(5, '_row_id')).toBeUndefined();
    answer(fetches[0]!, 10_000);
    await flush();
    expect(cache.cell(5, '_row_id')).toBe(5);
    expect(cache.cell(5, 'tag')).toBe('a');
    // Asking again for loaded rows does not fetch again.
    cache.request(0, 30);
    expect(fetches).toHaveLength(1);
  });

  it('skips windows a fast scroll passed over', () => {
    const { cache, fetches } = harness();
    cache.setQuery(query(), 1_000_000);
    cache.request(0, 30);
    cache.request(500_000, 500_030);
    cache.request(999_970, 999_999);
    expect(fetches.map((f) => f.offset)).toEqual([0, 500_000, 999_800]);
  });

  it('drops answers for an older sort', async () => {
    const { cache, fetches, answer } = harness();
    cache.setQuery(query('asc'), 10_000);
    cache.request(0, 10);
    cache.setQuery(query('desc'), 10_000);
    cache.request(0, 10);
    answer(fetches[0]!, 10_000, 'stale');
    await flush();
    expect(cache.cell(0, 'tag')).toBeUndefined();
    answer(fetches[1]!, 10_000, 'fresh');
    await flush();
    expect(cache.cell(0, 'tag')).toBe('fresh');
  });

  it('takes the total from the answer when filters change it', async () => {
    const { cache, fetches, answer } = harness();
    cache.setQuery({ ...query(), filters: [{ column: 'tag', op: 'eq', value: 'a' }] }, null);
    expect(cache.total).toBeNull();
    cache.request(0, 0);
    answer(fetches[0]!, 42);
    await flush();
    expect(cache.total).toBe(42);
  });

  it('reports a failed window once and does not retry it for the same query', async () => {
    const { cache, fetches, errors } = harness();
    cache.setQuery(query(), 10_000);
    cache.request(0, 10);
    fetches[0]!.reject(new Error('column `x` does not exist'));
    await flush();
    cache.request(0, 10);
    expect(fetches).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('keeps at most three requests in flight', () => {
    const { cache, fetches } = harness();
    cache.setQuery(query(), 1_000_000);
    cache.request(0, rowWindowSize * 10);
    expect(fetches).toHaveLength(3);
  });
});
