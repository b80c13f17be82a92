import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CancelledError } from '../../contract/errors.js';
import { ImageRejectedError, decodeImage } from './decode.js';
import { forEachBounded } from './pool.js';
import type { FolderScan } from './scan-folder.js';
import type { ImageFormat } from './sniff.js';

/** What the snapshot and the `images` table need to know of an image. */
export interface ImageFacts {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** One row of the snapshot: a kept image at its first path. */
export interface FolderImage extends ImageFacts {
  readonly relativePath: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

/** An image this import decoded and staged (not registered before). */
export interface NewImage extends ImageFacts {
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Its WebP thumbnail, or null when the image is its own thumbnail (see `ownThumbnailMaxBytes`). */
  readonly thumbnail: { readonly sha256: string; readonly sizeBytes: number } | null;
}

export interface ImageFolderHooks {
  /** The facts of an image registered by an earlier import: it is not decoded again. */
  readonly known: (sha256: string) => ImageFacts | undefined;
  /** Keeps bytes (an image or a thumbnail) for the object store until the import commits. */
  readonly stage: (sha256: string, bytes: Buffer) => Promise<void>;
}

export interface ReadImageFolderOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Files read and decoded at once; sharp decodes on libuv's threads. */
  readonly concurrency?: number | undefined;
}

export interface ImageFolderRead {
  /** Kept images in `_row_id` order. */
  readonly images: readonly FolderImage[];
  readonly newImages: readonly NewImage[];
  /** Each file left out, naming it and why (capped; see `maxListedWarnings`). */
  readonly warnings: readonly string[];
  /** How many files were left out (or passed over), however many warnings are listed. */
  readonly leftOut: number;
  /** sha256 of the sorted `path NUL sha256` lines of every image file read: the import key. */
  readonly listingSha256: string;
  /** Bytes of the kept images. */
  readonly sizeBytes: number;
}

/** Files larger than this are refused rather than read whole into memory. */
export const maxImageFileBytes = 256 * 2 ** 20;
/** Warnings listed one by one; the rest are counted in one line, so the version row stays small. */
export const maxListedWarnings = 200;
export const defaultConcurrency = 8;

type Outcome = { readonly facts: ImageFacts } | { readonly rejected: string };

interface FileResult {
  readonly sha256: string | null;
  readonly sizeBytes: number;
  readonly outcome: Outcome;
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The whole file, or its size when that is over `maxImageFileBytes` (nothing read). One open, fstat
 * and read, synchronously: for a folder of small images the promise versions (stat, then readFile's
 * open, fstat, read, read, close, each a trip through libuv's threads) cost ~5× the CPU of the read
 * itself, and a local small file blocks the event loop for some tens of microseconds. The bytes
 * hashed are the bytes decoded and staged: the file is read once.
 */
function readWholeFile(absolutePath: string): Buffer | number {
  // O_NONBLOCK: a FIFO swapped in since the scan must not block the engine's thread in open (it has
  // no effect on a regular file; Windows has no such flag and no FIFOs in folders).
  const fd = openSync(absolutePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    const size = info.size;
    if (size > maxImageFileBytes) return size;
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const read = readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break; // the file shrank while being read: hash and decode what is there
      filled += read;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

function capWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= maxListedWarnings) return [...warnings];
  const rest = warnings.length - maxListedWarnings;
  return [
    ...warnings.slice(0, maxListedWarnings),
    `… and ${rest.toLocaleString('en-US')} more files left out`,
  ];
}

/**
 * Reads every file of `scan` (at most `concurrency` at once): hashes its bytes, decodes images not
 * registered before (making their thumbnails in the same pass) and stages them through `hooks`.
 * Bad files (not PNG/JPEG/WebP by content, damaged, truncated, over 100 megapixels, too large,
 * unreadable) and duplicates (the same bytes at a later path) are left out with a warning each; an
 * image is decoded once however many paths hold it. Other failures (e.g. staging) are thrown.
 */
export async function readImageFolder(
  scan: FolderScan,
  hooks: ImageFolderHooks,
  options: ReadImageFolderOptions = {},
): Promise<ImageFolderRead> {
  const { files } = scan;
  const results = new Array<FileResult>(files.length);
  const bySha = new Map<string, Promise<Outcome>>();
  const newImages: NewImage[] = [];
  let done = 0;

  const decodeAndStage = async (sha256: string, bytes: Buffer): Promise<Outcome> => {
    const known = hooks.known(sha256);
    if (known) return { facts: known };
    try {
      const decoded = await decodeImage(bytes);
      const facts = { format: decoded.format, width: decoded.width, height: decoded.height };
      await hooks.stage(sha256, bytes);
      let thumbnail: NewImage['thumbnail'] = null;
      if (decoded.thumbnail !== null) {
        thumbnail = { sha256: sha256Of(decoded.thumbnail), sizeBytes: decoded.thumbnail.length };
        await hooks.stage(thumbnail.sha256, decoded.thumbnail);
      }
      newImages.push({ ...facts, sha256, sizeBytes: bytes.length, thumbnail });
      return { facts };
    } catch (error) {
      if (error instanceof ImageRejectedError) return { rejected: error.reason };
      throw error;
    }
  };

  const readOne = async (absolutePath: string): Promise<FileResult> => {
    let bytes: Buffer;
    try {
      const read = readWholeFile(absolutePath);
      if (typeof read === 'number')
        return {
          sha256: null,
          sizeBytes: read,
          outcome: {
            rejected: `is ${Math.round(read / 2 ** 20)} MB, over the ${maxImageFileBytes / 2 ** 20} MB limit for one image`,
          },
        };
      bytes = read;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { sha256: null, sizeBytes: 0, outcome: { rejected: `could not be read (${code})` } };
    }
    const sha256 = sha256Of(bytes);
    // The first path to reach an image decodes it; later paths with the same bytes share the result.
    let outcome = bySha.get(sha256);
    if (outcome === undefined) {
      outcome = decodeAndStage(sha256, bytes);
      bySha.set(sha256, outcome);
    }
    return { sha256, sizeBytes: bytes.length, outcome: await outcome };
  };

  await forEachBounded(
    files,
    options.concurrency ?? defaultConcurrency,
    async (file, index) => {
      results[index] = await readOne(file.absolutePath);
      done += 1;
      options.onProgress?.(done, files.length);
    },
    options.signal,
  );
  if (options.signal?.aborted === true) throw new CancelledError('The import was cancelled.');

  const images: FolderImage[] = [];
  const warnings = [...scan.warnings];
  const firstPathOf = new Map<string, string>();
  const listing = createHash('sha256');
  let sizeBytes = 0;
  files.forEach((file, index) => {
    const result = results[index] as FileResult;
    listing.update(`${file.relativePath}\0${result.sha256 ?? 'unreadable'}\n`);
    if ('rejected' in result.outcome) {
      warnings.push(`${file.relativePath}: ${result.outcome.rejected}; left out`);
      return;
    }
    const sha256 = result.sha256 as string;
    const first = firstPathOf.get(sha256);
    if (first !== undefined) {
      warnings.push(`${file.relativePath}: the same image as ${first}; left out as a duplicate`);
      return;
    }
    firstPathOf.set(sha256, file.relativePath);
    images.push({
      relativePath: file.relativePath,
      sha256,
      sizeBytes: result.sizeBytes,
      ...result.outcome.facts,
    });
    sizeBytes += result.sizeBytes;
  });
  return {
    images,
    leftOut: warnings.length,
    newImages,
    warnings: capWarnings(warnings),
    listingSha256: listing.digest('hex'),
    sizeBytes,
  };
}
