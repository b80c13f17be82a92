import { describe, expect, it } from 'vitest';
import { createLatencyRing, quantile } from './latency.js';

describe('latency ring', () => {
  it('keeps the newest samples, oldest first', () => {
    const ring = createLatencyRing(3);
    for (const ms of [1, 2, 3, 4, 5]) ring.add(ms);
    expect(ring.samples()).toEqual([3, 4, 5]);
    ring.clear();
    expect(ring.samples()).toEqual([]);
  });

  it('takes quantiles by nearest rank', () => {
    const samples = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantile(samples, 0.5)).toBe(10);
    expect(quantile(samples, 0.95)).toBe(19);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
  });
});
