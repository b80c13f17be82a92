import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBInstance } from '@duckdb/node-api';
import { openDuck } from '../duck.js';
import { useTempDir } from '../../registry/test-support.js';
import { readImageFolder } from './read-folder.js';
import type { ImageFacts } from './read-folder.js';
import { scanImageFolder } from './scan-folder.js';
import { parentFolderName, writeImageSnapshot } from './snapshot.js';
import { jpegBytes, noisyBytes, pngBytes, truncated, writeImage } from './test-images.js';

describe('reading a folder into an image snapshot', () => {
  const tempDir = useTempDir();
  let duck: DuckDBInstance;
  let duckDir: string;

  beforeAll(async () => {
    duckDir = tempDir();
    duck = await openDuck({ tempDirectory: path.join(duckDir, 'duck'), memoryLimit: '512MB', threads: 2 });
  });
  afterAll(() => duck.closeSync());

  it('takes the parent folder name as the pre-label', () => {
    expect(parentFolderName('cats/tabby/1.png')).toBe('tabby');
    expect(parentFolderName('cats/1.png')).toBe('cats');
    expect(parentFolderName('1.png')).toBe('');
  });

  it('keeps the first path of a duplicate, decodes it once, and writes one row per kept image', async () => {
    const root = tempDir();
    const cat = await pngBytes(30, 20, 1);
    writeImage(root, 'cat/1.png', cat);
    writeImage(root, 'dog/1.jpg', await jpegBytes(50, 40, 2));
    writeImage(root, 'zz-copy.png', cat);
    writeImage(root, 'broken.png', truncated(await noisyBytes('png', 60, 60)));
    writeImage(root, 'top.png', await pngBytes(8, 8, 3));
    const staged: string[] = [];
    const read = await readImageFolder(await scanImageFolder(root), {
      known: () => undefined,
      stage: async (sha256) => {
        staged.push(sha256);
      },
    });
    expect(read.images.map((i) => i.relativePath)).toEqual(['cat/1.png', 'dog/1.jpg', 'top.png']);
    expect(read.newImages).toHaveLength(3);
    expect(staged).toHaveLength(3); // small images are their own thumbnails
    expect(read.warnings).toEqual([
      expect.stringMatching(/^broken\.png: is damaged or incomplete \(.+\); left out$/),
      'zz-copy.png: the same image as cat/1.png; left out as a duplicate',
    ]);

    const out = path.join(tempDir(), 'snap.parquet');
    const snapshot = await writeImageSnapshot(duck, read.images, out);
    expect(snapshot.rowCount).toBe(3);
    expect(snapshot.columns.map((c) => `${c.name}:${c.type}:${c.storageType}`)).toEqual([
      'image:text:VARCHAR',
      'path:text:VARCHAR',
      'folder:text:VARCHAR',
      'width:integer:BIGINT',
      'height:integer:BIGINT',
      'format:text:VARCHAR',
      'size_bytes:integer:BIGINT',
    ]);
    expect(snapshot.profile.rowCount).toBe(3);
    expect(snapshot.profile.columns.find((c) => c.name === 'width')?.numeric?.max).toBe(50);
    const connection = await duck.connect();
    const reader = await connection.runAndReadAll(
      'SELECT _row_id, path, folder, width, height, format, size_bytes, image FROM read_parquet($1) ORDER BY _row_id',
      [out],
    );
    connection.closeSync();
    const described = [0, 1, 2, 3].map((index) => reader.columnType(index).toString());
    expect(described.slice(0, 4)).toEqual(['BIGINT', 'VARCHAR', 'VARCHAR', 'BIGINT']);
    expect(reader.getRowsJS().map((r) => r.slice(0, 6).map(String))).toEqual([
      ['0', 'cat/1.png', 'cat', '30', '20', 'png'],
      ['1', 'dog/1.jpg', 'dog', '50', '40', 'jpeg'],
      ['2', 'top.png', '', '8', '8', 'png'],
    ]);
    expect(reader.getRowsJS()[0]?.[6]).toBe(BigInt(cat.length));
  });

  it('does not decode an image registered before, and keys the listing by path and content', async () => {
    const root = tempDir();
    writeImage(root, 'a.png', await pngBytes(10, 10, 7));
    const known: ImageFacts = { format: 'png', width: 10, height: 10 };
    const hooks = { known: () => known, stage: () => Promise.reject(new Error('nothing to stage')) };
    const first = await readImageFolder(await scanImageFolder(root), hooks);
    expect(first.newImages).toHaveLength(0);
    expect(first.images).toHaveLength(1);
    const again = await readImageFolder(await scanImageFolder(root), hooks);
    expect(again.listingSha256).toBe(first.listingSha256);
    writeImage(root, 'b.png', await pngBytes(10, 10, 7));
    const added = await readImageFolder(await scanImageFolder(root), hooks);
    expect(added.listingSha256).not.toBe(first.listingSha256);
  });

  it('lists at most 200 warnings and counts the rest in one line', async () => {
    const root = tempDir();
    writeImage(root, 'good.png', await pngBytes(4, 4));
    for (let i = 0; i < 205; i += 1) writeImage(root, `bad/${String(i).padStart(3, '0')}.png`, 'text');
    const read = await readImageFolder(await scanImageFolder(root), {
      known: () => undefined,
      stage: async () => {},
    });
    expect(read.leftOut).toBe(205);
    expect(read.warnings).toHaveLength(201);
    expect(read.warnings[0]).toBe(
      'bad/000.png: is text, not an image; Orchard reads PNG, JPEG and WebP images; left out',
    );
    expect(read.warnings[200]).toBe('… and 5 more files left out');
  });

  it('stops at a cancel without reading the rest', async () => {
    const root = tempDir();
    for (let i = 0; i < 40; i += 1)
      writeImage(root, `${String(i).padStart(2, '0')}.png`, await pngBytes(8, 8, i));
    const controller = new AbortController();
    let read = 0;
    const result = readImageFolder(
      await scanImageFolder(root),
      { known: () => undefined, stage: async () => {} },
      {
        signal: controller.signal,
        concurrency: 2,
        onProgress: (done) => {
          read = done;
          if (done === 5) controller.abort();
        },
      },
    );
    await expect(result).rejects.toMatchObject({ code: 'cancelled' });
    expect(read).toBeLessThan(10);
  });
});
