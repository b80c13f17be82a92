import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NotFoundError } from '../../contract/index.js';
import { makeThumbnail } from '../../data/images/index.js';
import { StagedObjects, imageLookup, setImageThumbnail } from '../../registry/index.js';
import type { ImageRecord } from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';

type ImageMethods = 'images.read' | 'images.thumbnails';

/** Thumbnails made at once when a page asks for many of images registered without one. */
const thumbnailConcurrency = 8;

/**
 * Images are served only when registered in `images`: the object store also holds snapshots and
 * models, which a page must not read by guessing or learning their hashes.
 */
function requireImages(parts: EngineParts, sha256s: readonly string[]): ImageRecord[] {
  const lookup = imageLookup(parts.db);
  const found = sha256s.map((sha256) => ({ sha256, image: lookup(sha256) }));
  const missing = found.filter((entry) => entry.image === null).map((entry) => entry.sha256);
  if (missing.length > 0)
    throw new NotFoundError(
      `No image with sha256 ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` (and ${missing.length - 3} more)` : ''}.`,
      { sha256s: missing },
    );
  return found.map((entry) => entry.image as ImageRecord);
}

/** Makes, stores and records the thumbnail of an image registered without one. */
async function makeAndStoreThumbnail(parts: EngineParts, image: ImageRecord): Promise<Buffer> {
  const thumbnail = await makeThumbnail(await readFile(parts.store.pathOf(image.sha256)));
  const sha256 = createHash('sha256').update(thumbnail).digest('hex');
  const staged = new StagedObjects(parts.store);
  try {
    await staged.stage(sha256, thumbnail);
    await staged.commit();
  } finally {
    await staged.discard();
  }
  setImageThumbnail(parts.db, image.sha256, { sha256, sizeBytes: thumbnail.length });
  return thumbnail;
}

async function thumbnailOf(
  parts: EngineParts,
  image: ImageRecord,
): Promise<{ sha256: string; mediaType: string; base64: string }> {
  const bytes =
    image.thumbnail === null
      ? await makeAndStoreThumbnail(parts, image)
      : await readFile(parts.store.pathOf(image.thumbnail.sha256));
  return {
    sha256: image.sha256,
    mediaType: image.thumbnail?.mediaType ?? 'image/webp',
    base64: bytes.toString('base64'),
  };
}

export function imageHandlers(parts: EngineParts): HandlerMap<ImageMethods> {
  return {
    'images.read': async ({ sha256 }) => {
      const [image] = requireImages(parts, [sha256]);
      const bytes = await readFile(parts.store.pathOf(sha256));
      return { sha256, mediaType: (image as ImageRecord).mediaType, base64: bytes.toString('base64') };
    },
    'images.thumbnails': async ({ sha256s }) => {
      const images = requireImages(parts, sha256s);
      const results = new Array<{ sha256: string; mediaType: string; base64: string }>(images.length);
      for (let start = 0; start < images.length; start += thumbnailConcurrency) {
        const batch = images.slice(start, start + thumbnailConcurrency);
        const done = await Promise.all(batch.map((image) => thumbnailOf(parts, image)));
        done.forEach((thumbnail, offset) => (results[start + offset] = thumbnail));
      }
      return results;
    },
  };
}
