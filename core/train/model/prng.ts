/**
 * A small seeded pseudo-random generator (mulberry32) for everything the training loop draws:
 * shuffling, dropout seeds, augmentation. TensorFlow.js's own random ops are seeded from these
 * draws, so one `seed` in the training config decides the whole run.
 */

/** Returns a function giving uniform numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 31-bit integer seed drawn from `random`, for TensorFlow.js initialisers and dropout. */
export function nextSeed(random: () => number): number {
  return Math.floor(random() * 2147483647);
}

/** Fisher–Yates shuffle of 0…n−1 into `into` (reused between epochs to avoid garbage). */
export function shuffledIndices(n: number, random: () => number, into = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) into[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = into[i]!;
    into[i] = into[j]!;
    into[j] = swap;
  }
  return into;
}
