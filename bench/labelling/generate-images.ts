/**
 * Writes a folder of small, distinct, deterministic PNGs for the labelling benchmark, once: it is
 * cached in `.bench/` (gitignored) under a name carrying the count, size, seed and generator
 * version, and written under a temporary name first so an interrupted run never leaves a folder
 * that looks complete.
 *
 *   node --import tsx bench/labelling/generate-images.ts [--count 100000] [--size 64] [--seed 42]
 *
 * Layout: `<split>/<class>/<class>-<index>.png`, split `val` for a tenth of each class and `train`
 * for the rest, so the folders nest and each image's parent folder names its class (Orchard's `folder`
 * column, offered as the label suggestion). Each image is a coloured shape of its class on a plain
 * background with light noise; the first pixel carries the image's index, so no two are the same
 * file (Orchard leaves duplicates out).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { mulberry32 } from '../../core/domain/prng.js';
import { benchCacheDir } from '../lib/synthetic-csv.js';

/** Bump when the generated content changes, so stale caches are not reused. */
const generatorVersion = 1;

/** The classes, one folder each; their order gives the hotkeys 1…9, 0 in the benchmark. */
export const imageClasses = [
  'circle',
  'square',
  'triangle',
  'cross',
  'ring',
  'diamond',
  'hstripes',
  'vstripes',
  'dots',
  'blob',
] as const;

export interface ImageFolder {
  readonly path: string;
  readonly count: number;
  readonly size: number;
  readonly bytes: number;
  /** False when the folder came from the cache. */
  readonly generated: boolean;
  readonly seconds: number;
}

/** Whether pixel (x, y) of a `size`-square image lies on the shape of class `shape`. */
function onShape(shape: number, x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  switch (shape) {
    case 0:
      return dx * dx + dy * dy <= r * r;
    case 1:
      return ax <= r && ay <= r;
    case 2:
      return dy <= r && dy >= -r && ax <= (dy + r) / 2;
    case 3:
      return (ax <= r / 3 && ay <= r) || (ay <= r / 3 && ax <= r);
    case 4: {
      const d = Math.sqrt(dx * dx + dy * dy);
      return d <= r && d >= r * 0.6;
    }
    case 5:
      return ax + ay <= r;
    case 6:
      return ax <= r && ay <= r && Math.floor((y + r) / 3) % 2 === 0;
    case 7:
      return ax <= r && ay <= r && Math.floor((x + r) / 3) % 2 === 0;
    case 8:
      return ax <= r && ay <= r && x % 4 < 2 && y % 4 < 2;
    default:
      return dx * dx * 1.6 + dy * dy * 0.7 <= r * r;
  }
}

/** The RGB pixels of image `index`: a function of the index, the size and the seed only. */
export function imagePixels(index: number, size: number, seed: number): Buffer {
  const random = mulberry32((seed * 1_000_003 + index) >>> 0);
  const shape = index % imageClasses.length;
  const background = [0, 1, 2].map(() => Math.floor(random() * 256));
  // The shape's colour is far from the background's, so the class is visible at a glance.
  const colour = background.map((channel) => (channel + 96 + Math.floor(random() * 64)) % 256);
  const r = size * (0.18 + random() * 0.2);
  const cx = r + random() * (size - 2 * r);
  const cy = r + random() * (size - 2 * r);
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const base = onShape(shape, x, y, cx, cy, r) ? colour : background;
      const at = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const noisy = base[c]! + Math.floor(random() * 13) - 6;
        pixels[at + c] = noisy < 0 ? 0 : noisy > 255 ? 255 : noisy;
      }
    }
  }
  pixels[0] = index & 0xff;
  pixels[1] = (index >>> 8) & 0xff;
  pixels[2] = (index >>> 16) & 0xff;
  return pixels;
}

/** Where image `index` goes, relative to the folder. */
export function imageRelativePath(index: number): string {
  const name = imageClasses[index % imageClasses.length]!;
  // By tens, not by the index itself: the class already follows `index % 10`.
  const split = Math.floor(index / 10) % 10 === 0 ? 'val' : 'train';
  return join(split, name, `${name}-${String(index).padStart(6, '0')}.png`);
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}

/**
 * Returns the cached folder of `count` images, writing it first if it is missing. PNG encoding runs
 * on libuv's threads (sharp), several images in flight at once.
 */
export async function ensureImageFolder(
  count: number,
  options: { readonly size?: number; readonly seed?: number } = {},
): Promise<ImageFolder> {
  const size = options.size ?? 64;
  const seed = options.seed ?? 42;
  mkdirSync(benchCacheDir, { recursive: true });
  const path = join(benchCacheDir, `labelling-images-${count}-${size}px-s${seed}-v${generatorVersion}`);
  if (existsSync(path)) {
    return { path, count, size, bytes: folderBytes(path), generated: false, seconds: 0 };
  }
  const started = performance.now();
  const partial = `${path}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const split of ['train', 'val'])
    for (const name of imageClasses) mkdirSync(join(partial, split, name), { recursive: true });

  // More in flight than threads, so a thread is never idle waiting for the next image's pixels.
  const inFlight = Math.max(4, availableParallelism() * 4);
  let next = 0;
  let written = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await sharp(imagePixels(index, size, seed), { raw: { width: size, height: size, channels: 3 } })
        .png({ compressionLevel: 6 })
        .toFile(join(partial, imageRelativePath(index)));
      written++;
      if (written % 10_000 === 0)
        process.stderr.write(
          `  generated ${written.toLocaleString('en')} of ${count.toLocaleString('en')} images\n`,
        );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  renameSync(partial, path);
  return {
    path,
    count,
    size,
    bytes: folderBytes(path),
    generated: true,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `--name value` from the command line, as a positive integer, or `fallback`. */
export function intOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} takes a positive whole number, got ${args[at + 1] ?? 'nothing'}`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const folder = await ensureImageFolder(intOption(args, 'count', 100_000), {
    size: intOption(args, 'size', 64),
    seed: intOption(args, 'seed', 42),
  });
  console.log(
    `${folder.path}: ${folder.count.toLocaleString('en')} PNGs of ${folder.size}×${folder.size}, ` +
      `${(folder.bytes / 1e6).toFixed(1)} MB, ` +
      (folder.generated ? `generated in ${folder.seconds.toFixed(1)} s` : 'cached'),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
