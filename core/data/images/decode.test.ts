import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageRejectedError, decodeImage, makeThumbnail, ownThumbnailMaxBytes } from './decode.js';
import { sniffImage } from './sniff.js';
import {
  bmpBytes,
  gifBytes,
  hugePngHeader,
  jpegBytes,
  noisyBytes,
  pngBytes,
  rotatedJpegBytes,
  tiffBytes,
  truncated,
  webpBytes,
} from './test-images.js';

async function rejection(bytes: Buffer): Promise<string> {
  const error = await decodeImage(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageRejectedError);
  return (error as ImageRejectedError).reason;
}

describe('decodeImage', () => {
  it('reads PNG, JPEG and WebP by content, with their size', async () => {
    for (const [bytes, format] of [
      [await pngBytes(40, 30), 'png'],
      [await jpegBytes(40, 30), 'jpeg'],
      [await webpBytes(40, 30), 'webp'],
    ] as const) {
      const decoded = await decodeImage(bytes);
      expect(decoded).toMatchObject({ format, width: 40, height: 30 });
      expect(sniffImage(bytes)).toEqual({ kind: 'image', format });
    }
  });

  it('makes a WebP thumbnail whose longest side is 256 px, keeping the aspect ratio', async () => {
    const decoded = await decodeImage(await jpegBytes(1000, 500));
    expect(decoded).toMatchObject({ format: 'jpeg', width: 1000, height: 500 });
    const meta = await sharp(decoded.thumbnail as Buffer).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 128 });
  });

  it('lets a small image be its own thumbnail, but thumbnails a small heavy one', async () => {
    expect((await decodeImage(await pngBytes(64, 64))).thumbnail).toBeNull();
    const heavy = await noisyBytes('png', 200, 200);
    expect(heavy.length).toBeGreaterThan(ownThumbnailMaxBytes);
    const meta = await sharp((await decodeImage(heavy)).thumbnail as Buffer).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 200, height: 200 });
  });

  it('thumbnails a small file with a long side over 256 px from its one decode, and a flat big one', async () => {
    // ≤ 32 KiB and ≤ 256 × 256 pixels, but 600 px long: decoded in one call, thumbnailed from its pixels.
    const thin = await pngBytes(600, 40);
    expect(thin.length).toBeLessThanOrEqual(ownThumbnailMaxBytes);
    const decodedThin = await decodeImage(thin);
    expect(decodedThin).toMatchObject({ format: 'png', width: 600, height: 40 });
    expect(await sharp(decodedThin.thumbnail as Buffer).metadata()).toMatchObject({
      format: 'webp',
      width: 256,
      height: 17,
    });
    // A small file with more pixels than a thumbnail: refused by the one-call path's header check,
    // then read in two steps.
    const flat = await pngBytes(300, 300);
    expect(flat.length).toBeLessThanOrEqual(ownThumbnailMaxBytes);
    const decodedFlat = await decodeImage(flat);
    expect(decodedFlat).toMatchObject({ format: 'png', width: 300, height: 300 });
    expect(await sharp(decodedFlat.thumbnail as Buffer).metadata()).toMatchObject({
      width: 256,
      height: 256,
    });
  });

  it('reports the size as displayed, after the EXIF orientation', async () => {
    const decoded = await decodeImage(await rotatedJpegBytes(300, 100));
    expect(decoded).toMatchObject({ width: 100, height: 300 });
    const small = await rotatedJpegBytes(60, 20);
    expect(small.length).toBeLessThanOrEqual(ownThumbnailMaxBytes);
    expect(await decodeImage(small)).toMatchObject({ width: 20, height: 60, thumbnail: null });
  });

  it('refuses corrupt bytes and truncated PNG and JPEG files, saying they are damaged', async () => {
    const corrupt = Buffer.concat([(await pngBytes(20, 20)).subarray(0, 16), Buffer.alloc(200, 0x5a)]);
    expect(await rejection(corrupt)).toMatch(/damaged/);
    expect(await rejection(truncated(await noisyBytes('png', 120, 120)))).toMatch(/damaged or incomplete/);
    expect(await rejection(truncated(await noisyBytes('jpeg', 120, 120)))).toMatch(/damaged or incomplete/);
    // Small files (≤ 32 KiB) are decoded in one call; a cut one is refused all the same.
    for (const format of ['png', 'jpeg'] as const) {
      const whole = await noisyBytes(format, 48, 48);
      expect(whole.length).toBeLessThanOrEqual(ownThumbnailMaxBytes);
      expect(await rejection(truncated(whole))).toMatch(/damaged or incomplete/);
    }
  });

  it('refuses an image over 100 megapixels from its header alone, before decoding any pixel', async () => {
    const bomb = hugePngHeader(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100);
    const started = Date.now();
    expect(await rejection(bomb)).toBe(
      'is 20000×20000 pixels (400 megapixels), over the 100-megapixel limit',
    );
    expect(Date.now() - started).toBeLessThan(1000);
    // Exactly at the limit is allowed through the header check (and fails only for its missing data).
    expect(await rejection(hugePngHeader(10_000, 10_000))).toMatch(/damaged or incomplete/);
  });

  it('names formats it does not read: GIF, BMP, TIFF, SVG, text', async () => {
    expect(await rejection(await gifBytes(10, 10))).toMatch(
      /^is a GIF image; Orchard reads PNG, JPEG and WebP/,
    );
    expect(await rejection(bmpBytes(10, 10))).toMatch(/^is a BMP image/);
    expect(await rejection(await tiffBytes(10, 10))).toMatch(/^is a TIFF image/);
    expect(await rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toMatch(/SVG/);
    expect(await rejection(Buffer.from('id,label\n1,cat\n'))).toMatch(/^is text, not an image/);
    expect(await rejection(Buffer.alloc(0))).toMatch(/^is an empty file/);
    expect(await rejection(Buffer.from([0, 1, 2, 3, 250, 251, 252, 253]))).toMatch(/not a PNG, JPEG or WebP/);
  });
});

describe('makeThumbnail', () => {
  it('always makes a WebP, never enlarging', async () => {
    const meta = await sharp(await makeThumbnail(await pngBytes(64, 32))).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 64, height: 32 });
  });
});
