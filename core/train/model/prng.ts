/**
 * A small seeded pseudo-random generator (mulberry32) for everything the training loop draws:
 * shuffling, dropout seeds, augmentation. TensorFlow.js's own random ops are seeded from these
 * draws, so one `seed` in the training config decides the whole run.
 */

export { mulberry32 } from '../../domain/prng.js';

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
