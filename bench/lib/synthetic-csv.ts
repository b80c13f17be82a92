/**
 * Streams a large synthetic CSV to disk for the benchmarks, once: the file is cached in `.bench/`
 * (gitignored) under a name that carries the row count and the generator version, and is written
 * to a temporary name first so an interrupted run never leaves a file that looks complete.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../core/domain/prng.js';

/** Bump when the generated content changes, so stale caches are not reused. */
const generatorVersion = 1;

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const benchCacheDir = join(repoRoot, '.bench');

/** Columns of the synthetic file: numeric, categorical and text, a few values missing. */
export const syntheticColumns = ['id', 'amount', 'quantity', 'region', 'note'] as const;

const regions = ['north', 'south', 'east', 'west', 'core', 'hill', 'coast', 'lake'];

/** A fixed vocabulary of made-up words (consonant–vowel syllables) for the text column. */
function buildVocabulary(random: () => number): string[] {
  const consonants = 'bcdfgklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < 400) {
    const syllables = 1 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < syllables; s++) {
      word +=
        consonants[Math.floor(random() * consonants.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    }
    words.add(word);
  }
  return [...words];
}

function makeRowWriter(seed: number): (id: number) => string {
  const random = mulberry32(seed);
  const vocabulary = buildVocabulary(random);
  const word = (): string => vocabulary[Math.floor(random() * vocabulary.length)]!;
  return (id) => {
    // Right-skewed amounts with two decimals; 1 % missing.
    const amount = random() < 0.01 ? '' : (Math.exp(random() * 3 + random() * 3) * 2).toFixed(2);
    const quantity = Math.floor(random() * random() * 120);
    const region = regions[Math.floor(random() * random() * regions.length)]!;
    const r = random();
    // Mostly one or two bare words; some quoted with a comma, a few with an escaped quote.
    const note =
      r < 0.6
        ? word()
        : r < 0.97
          ? `${word()} ${word()}`
          : r < 0.995
            ? `"${word()}, ${word()}"`
            : `"${word()} ""${word()}"""`;
    return `${id},${amount},${quantity},${region},${note}\n`;
  };
}

export interface SyntheticCsv {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** False when the file came from the cache. */
  readonly generated: boolean;
  readonly seconds: number;
}

/** Returns the cached CSV of `rows` rows, writing it first (with backpressure) if it is missing. */
export async function ensureSyntheticCsv(rows: number, seed = 42): Promise<SyntheticCsv> {
  mkdirSync(benchCacheDir, { recursive: true });
  const path = join(benchCacheDir, `synthetic-${rows}-rows-s${seed}-v${generatorVersion}.csv`);
  if (existsSync(path)) {
    return { path, rows, bytes: statSync(path).size, generated: false, seconds: 0 };
  }
  const started = performance.now();
  const partial = `${path}.partial-${process.pid}`;
  const out = createWriteStream(partial, { highWaterMark: 1 << 20 });
  const writeRow = makeRowWriter(seed);
  const rowsPerChunk = 10_000;
  let written = 0;
  if (!out.write(`${syntheticColumns.join(',')}\n`)) await once(out, 'drain');
  while (written < rows) {
    const end = Math.min(rows, written + rowsPerChunk);
    let chunk = '';
    for (let id = written + 1; id <= end; id++) chunk += writeRow(id);
    written = end;
    if (!out.write(chunk)) await once(out, 'drain');
    if (written % 500_000 === 0) process.stderr.write(`  generated ${written.toLocaleString('en')} rows\n`);
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
  return {
    path,
    rows,
    bytes: statSync(path).size,
    generated: true,
    seconds: (performance.now() - started) / 1000,
  };
}
