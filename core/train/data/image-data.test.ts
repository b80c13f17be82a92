import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../registry/test-support.js';
import type { ImagePipeline } from './pipeline.js';
import { decodeImages } from './image-data.js';

const pipeline = (channels: 1 | 3): ImagePipeline => ({
  version: 1,
  kind: 'image',
  column: 'image',
  size: 4,
  channels,
  trainRows: 0,
});

describe('the image pipeline', () => {
  const tempDir = useTempDir();

  async function solid(
    file: string,
    width: number,
    height: number,
    channels: 3 | 4,
    rgb: [number, number, number],
  ) {
    const background = { r: rgb[0], g: rgb[1], b: rgb[2], ...(channels === 4 ? { alpha: 1 } : {}) };
    await sharp({ create: { width, height, channels, background } }).png().toFile(file);
    return file;
  }

  it('resizes images of mixed sizes and channel counts to one shape, scaled to [0, 1]', async () => {
    const dir = tempDir();
    const files = [
      await solid(path.join(dir, 'a.png'), 10, 6, 3, [255, 0, 0]),
      await solid(path.join(dir, 'b.png'), 3, 3, 4, [0, 0, 255]),
    ];
    const rgb = await decodeImages(pipeline(3), files);
    expect(rgb.x.length).toBe(2 * 4 * 4 * 3);
    expect(Array.from(rgb.x.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(rgb.x.subarray(48, 51))).toEqual([0, 0, 1]);
    expect([...rgb.sizes].sort()).toEqual(['10×6', '3×3']);
    expect([...rgb.channelCounts].sort()).toEqual([3, 4]);
    const grey = await decodeImages(pipeline(1), files);
    expect(grey.x.length).toBe(2 * 16);
    // libvips converts to grey by luminance in linear light: red is mid-grey, pure blue darker.
    expect(grey.x[0]).toBeGreaterThan(0.3);
    expect(grey.x[0]).toBeLessThan(0.6);
    expect(grey.x[16]).toBeLessThan(grey.x[0]!);
  });

  it('names the file it could not decode', async () => {
    const dir = tempDir();
    const good = await solid(path.join(dir, 'good.png'), 4, 4, 3, [1, 2, 3]);
    const bad = path.join(dir, 'bad.png');
    writeFileSync(bad, 'not an image');
    await expect(decodeImages(pipeline(3), [good, bad])).rejects.toThrow(/bad\.png could not be decoded/);
  });

  it('stops when cancelled', async () => {
    const dir = tempDir();
    const file = await solid(path.join(dir, 'a.png'), 4, 4, 3, [1, 2, 3]);
    const controller = new AbortController();
    controller.abort();
    await expect(decodeImages(pipeline(3), [file], { signal: controller.signal })).rejects.toThrow(
      /cancelled/,
    );
  });
});
