/**
 * Seeded randomness for splits. `Math.random` cannot be seeded, and a split must come out the same
 * for the same seed on every machine, so this is mulberry32: 32-bit state, fast, and good enough
 * for shuffling (it is not for cryptography).
 */

export { mulberry32 } from '../../domain/prng.js';

/** Fisher–Yates shuffle of `items` in place, drawing from `random`. */
export function shuffleInPlace(items: Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const held = items[i] as number;
    items[i] = items[j] as number;
    items[j] = held;
  }
}
