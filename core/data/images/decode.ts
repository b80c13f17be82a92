import sharp from 'sharp';
import type { Metadata, OutputInfo, Sharp } from 'sharp';
import type { ImageFormat } from './sniff.js';
import { sniffImage } from './sniff.js';

/** Longest side of a thumbnail, in pixels. */
export const thumbnailSide = 256;
export const thumbnailQuality = 80;
/** Images above this many pixels are refused: a small file can claim (and decompress to) gigabytes. */
export const maxInputPixels = 100_000_000;
/**
 * An image no larger than a thumbnail (longest side ≤ 256 px) and at most this many bytes serves as
 * its own thumbnail: re-encoding it would only blur it, and on datasets of small images (32×32,
 * 64×64) the WebP encode is most of the import's CPU time.
 */
export const ownThumbnailMaxBytes = 32 * 1024;

/** Why a file is left out of an image dataset, in words for the version's warnings. */
export class ImageRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ImageRejectedError';
  }
}

export interface DecodedImage {
  readonly format: ImageFormat;
  /** As displayed, i.e. after the EXIF orientation is applied. */
  readonly width: number;
  readonly height: number;
  /** WebP thumbnail bytes, or null when the image is small enough to be its own thumbnail. */
  readonly thumbnail: Buffer | null;
}

function openImage(bytes: Buffer): Sharp {
  // failOn 'truncated' turns libpng/libjpeg's "premature end" warnings into errors, so a cut-off
  // file is refused instead of imported with grey rows; limitInputPixels is sharp's own bomb check.
  return sharp(bytes, { failOn: 'truncated', limitInputPixels: maxInputPixels, sequentialRead: true });
}

function megapixels(pixels: number): string {
  return `${Math.round(pixels / 1e5) / 10}`;
}

function isPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

function decodeFailure(error: unknown): ImageRejectedError {
  const message = error instanceof Error ? error.message : String(error);
  if (isPixelLimit(error))
    return new ImageRejectedError(`has more than ${megapixels(maxInputPixels)} megapixels`);
  return new ImageRejectedError(`is damaged or incomplete (${message.trim().split('\n')[0]})`);
}

function assertPixelLimit(meta: Metadata): void {
  const height = meta.pageHeight ?? meta.height;
  const pixels = meta.width * height;
  if (pixels > maxInputPixels)
    throw new ImageRejectedError(
      `is ${meta.width}×${height} pixels (${megapixels(pixels)} megapixels), ` +
        `over the ${megapixels(maxInputPixels)}-megapixel limit`,
    );
}

/** The thumbnail pipeline: oriented, longest side at most 256 px (never enlarged), WebP q80. */
function thumbnailOf(image: Sharp): Promise<Buffer> {
  return image
    .autoOrient()
    .resize({ width: thumbnailSide, height: thumbnailSide, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: thumbnailQuality })
    .toBuffer();
}

/**
 * The most pixels an image that is its own thumbnail can have (256 × 256). The one-pass decode of a
 * small file is opened with this as sharp's pixel limit, so a larger image is refused from its header
 * before any pixel is decoded and takes the two-step path instead.
 */
const ownThumbnailMaxPixels = thumbnailSide * thumbnailSide;

/**
 * A small file (≤ 32 KiB) in one sharp call: oriented and decoded to raw pixels, whose size says
 * whether it is its own thumbnail. One call instead of `metadata()` and then a decode halves sharp's
 * per-image overhead, which is most of the cost of importing 32×32 or 64×64 images. Returns null,
 * having decoded nothing, when the header says the image has more pixels than a thumbnail.
 *
 * The format is the sniffed one: libvips picks its loader by the same magic bytes `sniffImage`
 * checks, so a file that starts like a PNG is decoded as a PNG or not at all.
 */
async function decodeSmall(bytes: Buffer, format: ImageFormat): Promise<DecodedImage | null> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, {
      failOn: 'truncated',
      limitInputPixels: ownThumbnailMaxPixels,
      sequentialRead: true,
    })
      .autoOrient()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (isPixelLimit(error)) return null;
    throw decodeFailure(error);
  }
  const { width, height, channels } = decoded.info;
  if (Math.max(width, height) <= thumbnailSide) return { format, width, height, thumbnail: null };
  // A long thin image (say 1000×40): its pixels are already decoded and oriented, so the thumbnail is
  // made from them rather than by decoding the file again.
  try {
    const thumbnail = await thumbnailOf(sharp(decoded.data, { raw: { width, height, channels } }));
    return { format, width, height, thumbnail };
  } catch (error) {
    throw decodeFailure(error);
  }
}

/**
 * Decodes an image once, which both proves it is whole and yields its thumbnail. Throws
 * `ImageRejectedError` saying why when the file is not a PNG, JPEG or WebP by content, is damaged or
 * truncated, or has more than 100 megapixels (checked from the header, before any pixel is decoded).
 * A small file is decoded in one sharp call (`decodeSmall`); otherwise one sharp instance reads the
 * header and then the pixels.
 */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  const sniffed = sniffImage(bytes.subarray(0, 1024));
  if (sniffed.kind === 'other')
    throw new ImageRejectedError(`is ${sniffed.description}; Orchard reads PNG, JPEG and WebP images`);
  if (bytes.length <= ownThumbnailMaxBytes) {
    const small = await decodeSmall(bytes, sniffed.format);
    if (small !== null) return small;
  }
  const image = openImage(bytes);
  let meta: Metadata;
  try {
    meta = await image.metadata();
  } catch (error) {
    // sharp refuses a bomb from its header alone; the header is read again without the limit (it
    // decodes no pixel) only to name the size in the warning.
    const header = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .catch(() => null);
    if (header !== null) assertPixelLimit(header);
    throw decodeFailure(error);
  }
  if (meta.format !== sniffed.format)
    throw new ImageRejectedError(
      `is damaged: it starts like a ${sniffed.format} file but does not read as one`,
    );
  assertPixelLimit(meta);
  const { width, height } = meta.autoOrient;
  try {
    // Only files over 32 KiB (or over 256 × 256 pixels) get here, so none is its own thumbnail.
    return { format: sniffed.format, width, height, thumbnail: await thumbnailOf(image) };
  } catch (error) {
    throw decodeFailure(error);
  }
}

/** A WebP thumbnail of an image already known to be whole (for images registered without one). */
export async function makeThumbnail(bytes: Buffer): Promise<Buffer> {
  try {
    return await thumbnailOf(openImage(bytes));
  } catch (error) {
    throw decodeFailure(error);
  }
}
