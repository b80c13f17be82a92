import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetVersion, ImageRef } from '../contract/index.js';
import type { RegistryDb } from './database.js';
import { registerVersion } from './datasets.js';
import type { NewVersion } from './datasets.js';
import { fsyncPath, type ObjectStore } from './object-store.js';
import { now } from './ids.js';

/**
 * Images: one row per distinct image object (the `images` table of migration 4), and the staging of
 * their bytes into the object store. See docs/labelling.md "Image datasets".
 */

export type ImageFormatName = ImageRef['format'];

const mediaTypes: Readonly<Record<ImageFormatName, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

export interface ImageRecord {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly format: ImageFormatName;
  readonly mediaType: string;
  readonly sizeBytes: number;
  /** The thumbnail object: a WebP, or the image itself when it is no bigger than a thumbnail. */
  readonly thumbnail: { readonly sha256: string; readonly mediaType: string } | null;
}

/** An image an import decoded, to register with the version that first holds it. */
export interface NewImageRow {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly format: ImageFormatName;
  readonly width: number;
  readonly height: number;
  /** null: the image is its own thumbnail. */
  readonly thumbnail: { readonly sha256: string; readonly sizeBytes: number } | null;
}

interface ImageRow {
  sha256: string;
  width: number;
  height: number;
  format: ImageFormatName;
  media_type: string;
  size_bytes: number;
  thumbnail_sha256: string | null;
  thumbnail_media_type: string | null;
}

const imageSelect = `SELECT i.sha256, i.width, i.height, i.format, o.media_type, o.size_bytes,
    i.thumbnail_sha256, t.media_type AS thumbnail_media_type
  FROM images i JOIN objects o ON o.sha256 = i.sha256
  LEFT JOIN objects t ON t.sha256 = i.thumbnail_sha256
  WHERE i.sha256 = ?`;

function toImage(row: ImageRow): ImageRecord {
  return {
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    format: row.format,
    mediaType: row.media_type,
    sizeBytes: row.size_bytes,
    thumbnail:
      row.thumbnail_sha256 === null
        ? null
        : { sha256: row.thumbnail_sha256, mediaType: row.thumbnail_media_type ?? mediaTypes[row.format] },
  };
}

/** The registered image with this sha256, or null. */
export function findImage(db: RegistryDb, sha256: string): ImageRecord | null {
  const row = db.prepare(imageSelect).get(sha256) as ImageRow | undefined;
  return row ? toImage(row) : null;
}

/**
 * A lookup of registered images for one import, with its statement prepared once: an import asks
 * once per file, and 100,000 `prepare` calls cost more than the lookups.
 */
export function imageLookup(db: RegistryDb): (sha256: string) => ImageRecord | null {
  const statement = db.prepare(imageSelect);
  return (sha256) => {
    const row = statement.get(sha256) as ImageRow | undefined;
    return row ? toImage(row) : null;
  };
}

/**
 * Registers a version of an image dataset and the images it decoded in one transaction: the image
 * and thumbnail objects (already complete in the object store), their `images` rows, then the
 * version itself (see `registerVersion`). Either all of it lands or none.
 */
export function registerImageVersion(
  db: RegistryDb,
  images: readonly NewImageRow[],
  version: NewVersion,
): DatasetVersion {
  const insertObject = db.prepare(
    'INSERT OR IGNORE INTO objects (sha256, size_bytes, media_type, created_at) VALUES (?, ?, ?, ?)',
  );
  const insertImage = db.prepare(
    'INSERT OR IGNORE INTO images (sha256, width, height, format, thumbnail_sha256) VALUES (?, ?, ?, ?, ?)',
  );
  const register = db.transaction((): DatasetVersion => {
    const createdAt = now();
    for (const image of images) {
      insertObject.run(image.sha256, image.sizeBytes, mediaTypes[image.format], createdAt);
      if (image.thumbnail !== null)
        insertObject.run(image.thumbnail.sha256, image.thumbnail.sizeBytes, mediaTypes.webp, createdAt);
      insertImage.run(
        image.sha256,
        image.width,
        image.height,
        image.format,
        image.thumbnail?.sha256 ?? image.sha256,
      );
    }
    return registerVersion(db, version);
  });
  return register.immediate();
}

/** Records a thumbnail made on demand (its object already complete in the store). */
export function setImageThumbnail(
  db: RegistryDb,
  sha256: string,
  thumbnail: { readonly sha256: string; readonly sizeBytes: number },
): void {
  db.transaction(() => {
    db.prepare(
      'INSERT OR IGNORE INTO objects (sha256, size_bytes, media_type, created_at) VALUES (?, ?, ?, ?)',
    ).run(thumbnail.sha256, thumbnail.sizeBytes, mediaTypes.webp, now());
    db.prepare('UPDATE images SET thumbnail_sha256 = ? WHERE sha256 = ?').run(thumbnail.sha256, sha256);
  }).immediate();
}

/** Renames done at once by `commit`: enough to overlap the file system's latency, few enough to stay polite. */
const commitConcurrency = 16;

/**
 * Many small objects written by one import. Each is staged in its own folder under the store's
 * staging area and fsynced as it is written; `commit` renames them all into the store and then
 * fsyncs each object folder once (not once per file, which with 100,000 images would dominate),
 * after which their rows may be written. `discard` removes whatever was not committed.
 * The store's own `commit` re-hashes each file; here the caller hashed the very bytes it hands over.
 */
export class StagedObjects {
  private readonly dir: string;
  private readonly staged = new Map<string, Promise<string>>();
  private made: Promise<unknown> | undefined;

  constructor(private readonly store: ObjectStore) {
    this.dir = store.stagingPath('-objects');
  }

  get size(): number {
    return this.staged.size;
  }

  /** Writes `bytes` (whose sha256 the caller computed) to staging and fsyncs it; repeats are skipped. */
  stage(sha256: string, bytes: Uint8Array): Promise<void> {
    let writing = this.staged.get(sha256);
    if (writing === undefined) {
      this.store.pathOf(sha256); // validates the hash before it names a file
      writing = this.write(path.join(this.dir, sha256), bytes);
      this.staged.set(sha256, writing);
    }
    return writing.then(() => undefined);
  }

  /** Moves every staged object into the store, then makes the renames durable. */
  async commit(): Promise<void> {
    const entries = [...this.staged.entries()];
    // Each object folder is made once, and every rename into it waits for that.
    const folders = new Map<string, Promise<string | undefined>>();
    for (let start = 0; start < entries.length; start += commitConcurrency) {
      await Promise.all(
        entries.slice(start, start + commitConcurrency).map(async ([sha256, writing]) => {
          const staged = await writing;
          const target = this.store.pathOf(sha256);
          const existing = await stat(target).catch(() => null);
          if (existing !== null) {
            // Content-addressed: a file already there has these very bytes.
            await rm(staged, { force: true });
            return;
          }
          const folder = path.dirname(target);
          let making = folders.get(folder);
          if (making === undefined) {
            making = mkdir(folder, { recursive: true });
            folders.set(folder, making);
          }
          await making;
          await rename(staged, target);
        }),
      );
    }
    await Promise.all([...folders.keys()].map(fsyncPath));
    // A folder made here is itself an entry of the store's root, durable only once the root is synced.
    const made = await Promise.all(folders.values());
    if (made.some((first) => first !== undefined)) await fsyncPath(this.store.root);
    this.staged.clear();
  }

  /** Removes the staging folder and anything still in it. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.staged.values());
    this.staged.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async write(file: string, bytes: Uint8Array): Promise<string> {
    this.made ??= mkdir(this.dir, { recursive: true });
    await this.made;
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return file;
  }
}
