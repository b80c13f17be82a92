import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../domain/prng.js';
import {
  leastConfidentOrder,
  openPositions,
  orderKey,
  positionsOf,
  randomOrder,
  sequentialOrder,
  stratifiedOrder,
} from './queue-order.js';

const sorted = (order: Uint32Array) => [...order].sort((a, b) => a - b);

describe('queue orders', () => {
  it('shuffles every row id reproducibly by seed, with Fisher–Yates on the shared PRNG', () => {
    const order = randomOrder(1000, 42);
    expect(sorted(order)).toEqual([...sequentialOrder(1000)]);
    expect([...randomOrder(1000, 42)]).toEqual([...order]);
    expect([...randomOrder(1000, 43)]).not.toEqual([...order]);
    // Durstenfeld by hand for 4 items: swap i with floor(r·(i+1)) for i = 3, 2, 1.
    const random = mulberry32(9);
    const expected = [0, 1, 2, 3];
    for (let i = 3; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [expected[i], expected[j]] = [expected[j]!, expected[i]!];
    }
    expect([...randomOrder(4, 9)]).toEqual(expected);
  });

  it('takes stratified values round-robin, so a rare value appears in the first round', () => {
    // 8 rows of value 0, one row (id 5) of value 1, 3 rows of value 2.
    const strata = Int32Array.from([0, 0, 2, 0, 0, 1, 0, 2, 0, 0, 2, 0]);
    const order = stratifiedOrder(strata, 3, 1);
    expect(sorted(order)).toEqual([...sequentialOrder(12)]);
    const values = [...order].map((rowId) => strata[rowId]);
    expect(values).toEqual([0, 1, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0]);
    expect(order[1]).toBe(5);
    expect([...stratifiedOrder(strata, 3, 1)]).toEqual([...order]);
    // Within a value the rows are shuffled, not in row order.
    const zeros = [...order].filter((rowId) => strata[rowId] === 0);
    expect(zeros).not.toEqual([0, 1, 3, 4, 6, 8, 9, 11]);
    expect(zeros.sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 6, 8, 9, 11]);
  });

  it('puts the least confident rows first, ties by row id, rows without a prediction last', () => {
    const confidence = Float32Array.from([0.9, 0.5, Number.NaN, 0.51, 0.5, 1, 0.99]);
    expect([...leastConfidentOrder(confidence)]).toEqual([1, 4, 3, 0, 6, 5, 2]);
  });

  it('matches a comparison sort on many random confidences', () => {
    const random = mulberry32(3);
    const confidence = Float32Array.from({ length: 5000 }, () => Math.round(random() * 1000) / 1000);
    const expected = [...sequentialOrder(5000)].sort((a, b) => confidence[a]! - confidence[b]! || a - b);
    expect([...leastConfidentOrder(confidence)]).toEqual(expected);
  });

  it('finds the first open positions and maps row ids back to positions', () => {
    const order = Uint32Array.from([3, 0, 2, 1]);
    expect(openPositions(order, (rowId) => rowId !== 3 && rowId !== 2, 5)).toEqual([1, 3]);
    expect(openPositions(order, () => true, 2)).toEqual([0, 1]);
    expect([...positionsOf(order)]).toEqual([1, 3, 2, 0]);
  });

  it('keys an order by everything that decides it', () => {
    expect(orderKey({ kind: 'random', seed: 1 })).not.toBe(orderKey({ kind: 'random', seed: 2 }));
    expect(orderKey({ kind: 'stratified', column: 'a', seed: 1 })).not.toBe(
      orderKey({ kind: 'stratified', column: 'b', seed: 1 }),
    );
    expect(orderKey({ kind: 'least-confident' }, 'mdl_1')).not.toBe(
      orderKey({ kind: 'least-confident' }, 'mdl_2'),
    );
  });
});
