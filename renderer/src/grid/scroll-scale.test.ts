import { describe, expect, it } from 'vitest';
import { maxSpacerHeight, scrollScale } from './scroll-scale.js';

describe('scrollScale', () => {
  it('is the identity while the content fits under the cap', () => {
    const scale = scrollScale(10_000 * 28);
    expect(scale.spacerHeight).toBe(280_000);
    expect(scale.toContentOffset(1234, 600)).toBe(1234);
    expect(scale.toScrollTop(1234, 600)).toBe(1234);
  });

  it('maps both ends of a scaled scroll range exactly', () => {
    const content = 1_000_000 * 28;
    const viewport = 600;
    const scale = scrollScale(content);
    expect(scale.spacerHeight).toBe(maxSpacerHeight);
    expect(scale.toContentOffset(0, viewport)).toBe(0);
    // The bottom of the scrollbar shows the last row, not a row short of it.
    expect(scale.toContentOffset(maxSpacerHeight - viewport, viewport)).toBeCloseTo(content - viewport, 3);
    const middle = scale.toContentOffset((maxSpacerHeight - viewport) / 2, viewport);
    expect(middle).toBeCloseTo((content - viewport) / 2, 3);
  });

  it('round-trips offsets', () => {
    const scale = scrollScale(50_000_000);
    for (const offset of [0, 28, 1_000_000, 49_999_000]) {
      expect(scale.toContentOffset(scale.toScrollTop(offset, 700), 700)).toBeCloseTo(offset, 3);
    }
  });
});
