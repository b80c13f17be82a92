import { crc32 } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';

/** Image files for tests, made in memory: a plain colour that differs by seed, or noise. */

function canvas(width: number, height: number, seed: number): Sharp {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 29) % 256 },
    },
  });
}

/** Random-looking pixels: large files whose every part matters (for truncation). */
export function noisyBytes(format: 'png' | 'jpeg', width: number, height: number): Promise<Buffer> {
  const image = sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });
  return (format === 'png' ? image.png() : image.jpeg()).toBuffer();
}

export function pngBytes(width: number, height: number, seed = 1): Promise<Buffer> {
  return canvas(width, height, seed).png().toBuffer();
}

export function jpegBytes(width: number, height: number, seed = 1): Promise<Buffer> {
  return canvas(width, height, seed).jpeg().toBuffer();
}

export function webpBytes(width: number, height: number, seed = 1): Promise<Buffer> {
  return canvas(width, height, seed).webp().toBuffer();
}

export function gifBytes(width: number, height: number): Promise<Buffer> {
  return canvas(width, height, 3).gif().toBuffer();
}

export function tiffBytes(width: number, height: number): Promise<Buffer> {
  return canvas(width, height, 4).tiff().toBuffer();
}

/** A JPEG whose EXIF says "rotate 90°": displayed `height × width`. */
export function rotatedJpegBytes(width: number, height: number): Promise<Buffer> {
  return canvas(width, height, 5).jpeg().withMetadata({ orientation: 6 }).toBuffer();
}

/** A 24-bit BMP (sharp does not write BMP). */
export function bmpBytes(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const buffer = Buffer.alloc(54 + rowBytes * height, 0x80);
  buffer.write('BM', 0, 'latin1');
  buffer.writeUInt32LE(buffer.length, 2);
  buffer.writeUInt32LE(54, 10);
  buffer.writeUInt32LE(40, 14);
  buffer.writeInt32LE(width, 18);
  buffer.writeInt32LE(height, 22);
  buffer.writeUInt16LE(1, 26);
  buffer.writeUInt16LE(24, 28);
  buffer.writeUInt32LE(0, 30);
  return buffer;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A decompression bomb's header: a valid PNG signature and IHDR claiming `width × height` (8-bit
 * grey), then a token IDAT. A few dozen bytes on disk; decoding it would need gigabytes.
 */
export function hugePngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The same PNG with a tEXt chunk before IEND: identical pixels, different bytes (and sha256). */
export function pngVariant(png: Buffer, text: string): Buffer {
  const iend = png.length - 12;
  return Buffer.concat([
    png.subarray(0, iend),
    pngChunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    png.subarray(iend),
  ]);
}

/** The first `fraction` of a file, as a cut-off download leaves it. */
export function truncated(bytes: Buffer, fraction = 0.6): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}

/** Writes `bytes` at `relativePath` (`/`-separated) under `root`, making folders; returns the path. */
export function writeImage(root: string, relativePath: string, bytes: Buffer | string): string {
  const file = path.join(root, ...relativePath.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}
