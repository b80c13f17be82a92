/**
 * Seeded randomness for splits. `Math.random` cannot be seeded, and a split must come out the same
 * for the same seed on every machine, so this is mulberry32: 32-bit state, fast, and good enough
 * for shuffling (it is not for cryptography).
 */

/** A generator of floats in [0, 1) fully determined by `seed`. */
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

/** Fisher–Yates shuffle of `items` in place, drawing from `random`. */
export function shuffleInPlace(items: Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const held = items[i] as number;
    items[i] = items[j] as number;
    items[j] = held;
  }
}
