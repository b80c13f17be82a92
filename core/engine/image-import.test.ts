import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrchardApi } from '../contract/index.js';
import {
  bmpBytes,
  gifBytes,
  hugePngHeader,
  jpegBytes,
  noisyBytes,
  pngBytes,
  pngVariant,
  tiffBytes,
  truncated,
  writeImage,
} from '../data/images/test-images.js';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { waitForJob } from './test-support.js';
import { createInProcessClient } from './transport/in-process.js';
import type { Engine } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('importing a folder of images', () => {
  const tempDir = useTempDir();
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });

  async function setup(): Promise<{ api: OrchardApi; workspace: string; root: string; projectId: string }> {
    const root = tempDir();
    const workspace = path.join(root, 'ws');
    const engine = await openEngine({ workspace, actor: 'tester' });
    engines.push(engine);
    const api = createInProcessClient(engine);
    const project = await api.projects.create({ name: 'vision' });
    return { api, workspace, root, projectId: project.id };
  }

  async function importFolder(api: OrchardApi, projectId: string, folder: string, datasetName?: string) {
    const { jobId } = await api.datasets.import({
      projectId,
      path: folder,
      ...(datasetName ? { datasetName } : {}),
    });
    return waitForJob(api, jobId);
  }

  function registry(workspace: string): Database.Database {
    const db = new Database(path.join(workspace, 'orchard.db'));
    db.pragma('busy_timeout = 5000');
    return db;
  }

  function stagedFiles(workspace: string): string[] {
    const tmp = path.join(workspace, 'tmp');
    return readdirSync(tmp, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  }

  it('makes a version with one row per image in path order, stores images once, and leaves bad files out with warnings', async () => {
    const { api, workspace, root, projectId } = await setup();
    const folder = path.join(root, 'pets');
    const cat = await pngBytes(32, 24, 1);
    writeImage(folder, 'cat/1.png', cat);
    writeImage(folder, 'cat/2.webp', await noisyBytes('png', 10, 10).then((b) => sharp(b).webp().toBuffer()));
    writeImage(folder, 'dog/big.jpg', await jpegBytes(600, 300, 2));
    writeImage(folder, 'dog/copy-of-cat.png', cat);
    writeImage(folder, 'top.jpeg', await pngBytes(5, 7, 3)); // a PNG named .jpeg: format by content
    writeImage(folder, 'bad/corrupt.png', Buffer.concat([cat.subarray(0, 20), Buffer.alloc(64, 1)]));
    writeImage(folder, 'bad/cut.png', truncated(await noisyBytes('png', 80, 80)));
    writeImage(folder, 'bad/cut.jpg', truncated(await noisyBytes('jpeg', 80, 80)));
    writeImage(folder, 'bad/bomb.png', hugePngHeader(12_000, 12_000));
    writeImage(folder, 'bad/anim.png', await gifBytes(8, 8));
    writeImage(folder, 'bad/bitmap.png', bmpBytes(8, 8));
    writeImage(folder, 'bad/scan.webp', await tiffBytes(8, 8));
    writeImage(folder, 'bad/notes.jpg', 'just some text\n');
    writeImage(folder, 'README.txt', 'ignored: not an image extension');
    const progress: number[] = [];
    const stop = api.on('job.progress', (event) => progress.push(event.progress));

    const job = await importFolder(api, projectId, folder);
    stop();
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ reused: false, rowCount: 4, newImages: 4 });
    const version = await api.datasets.version({ versionId: String(job.result?.['versionId']) });
    expect(version.source).toMatchObject({ path: folder, format: 'images' });
    expect(version.columns.map((c) => c.name)).toEqual([
      'image',
      'path',
      'folder',
      'width',
      'height',
      'format',
      'size_bytes',
    ]);
    expect(version.warnings).toEqual([
      'bad/anim.png: is a GIF image; Orchard reads PNG, JPEG and WebP images; left out',
      'bad/bitmap.png: is a BMP image; Orchard reads PNG, JPEG and WebP images; left out',
      'bad/bomb.png: is 12000×12000 pixels (144 megapixels), over the 100-megapixel limit; left out',
      expect.stringMatching(/^bad\/corrupt\.png: is damaged or incomplete \(.+\); left out$/),
      expect.stringMatching(/^bad\/cut\.jpg: is damaged or incomplete \(.+\); left out$/),
      expect.stringMatching(/^bad\/cut\.png: is damaged or incomplete \(.+\); left out$/),
      'bad/notes.jpg: is text, not an image; Orchard reads PNG, JPEG and WebP images; left out',
      'bad/scan.webp: is a TIFF image; Orchard reads PNG, JPEG and WebP images; left out',
      'dog/copy-of-cat.png: the same image as cat/1.png; left out as a duplicate',
    ]);
    const dataset = (await api.datasets.list({ projectId }))[0];
    expect(dataset?.name).toBe('pets');

    const rows = await api.datasets.rows({ versionId: version.id, offset: 0, limit: 10 });
    expect(rows.columns).toEqual([
      '_row_id',
      'image',
      'path',
      'folder',
      'width',
      'height',
      'format',
      'size_bytes',
    ]);
    expect(rows.rows.map((r) => [r[0], r[2], r[3], r[4], r[5], r[6]])).toEqual([
      [0, 'cat/1.png', 'cat', 32, 24, 'png'],
      [1, 'cat/2.webp', 'cat', 10, 10, 'webp'],
      [2, 'dog/big.jpg', 'dog', 600, 300, 'jpeg'],
      [3, 'top.jpeg', '', 5, 7, 'png'],
    ]);
    const profile = await api.datasets.profile({ versionId: version.id });
    expect(profile.rowCount).toBe(4);
    expect(profile.columns.find((c) => c.name === 'width')?.numeric?.max).toBe(600);

    const catSha = String(rows.rows[0]?.[1]);
    const read = await api.images.read({ sha256: catSha });
    expect(read.mediaType).toBe('image/png');
    expect(Buffer.from(read.base64, 'base64').equals(cat)).toBe(true);
    const [small, big] = await api.images.thumbnails({ sha256s: [catSha, String(rows.rows[2]?.[1])] });
    expect(small).toMatchObject({ sha256: catSha, mediaType: 'image/png' });
    expect(big?.mediaType).toBe('image/webp');
    expect(await sharp(Buffer.from(big?.base64 ?? '', 'base64')).metadata()).toMatchObject({
      format: 'webp',
      width: 256,
      height: 128,
    });

    const db = registry(workspace);
    try {
      const images = db.prepare('SELECT sha256, format, thumbnail_sha256 FROM images ORDER BY sha256').all();
      expect(images).toHaveLength(4);
      for (const { sha256 } of images as { sha256: string }[])
        expect(existsSync(path.join(workspace, 'objects', sha256.slice(0, 2), sha256.slice(2)))).toBe(true);
    } finally {
      db.close();
    }
    expect(progress.length).toBeGreaterThan(0);
    expect(stagedFiles(workspace)).toEqual([]);
  });

  it('reuses the version for an unchanged folder and makes a child version when an image is added', async () => {
    const { api, root, projectId } = await setup();
    const folder = path.join(root, 'digits');
    for (let i = 0; i < 5; i += 1) writeImage(folder, `d${i}/${i}.png`, await pngBytes(16, 16, i + 10));
    const first = await importFolder(api, projectId, folder);
    expect(first.result).toMatchObject({ reused: false, rowCount: 5 });
    const again = await importFolder(api, projectId, folder);
    expect(again.result).toMatchObject({ reused: true, versionId: first.result?.['versionId'] });
    expect(again.message).toContain('Unchanged');

    writeImage(folder, 'd9/9.png', await pngBytes(16, 16, 99));
    const child = await importFolder(api, projectId, folder);
    expect(child.result).toMatchObject({ reused: false, rowCount: 6, newImages: 1 });
    const version = await api.datasets.version({ versionId: String(child.result?.['versionId']) });
    expect(version).toMatchObject({ number: 2, parentId: first.result?.['versionId'] });

    rmSync(path.join(folder, 'd0'), { recursive: true });
    const removed = await importFolder(api, projectId, folder);
    expect(removed.result).toMatchObject({ reused: false, rowCount: 5, newImages: 0 });
  });

  it('refuses a folder with no usable image, naming it, and registers nothing', async () => {
    const { api, workspace, root, projectId } = await setup();
    const folder = path.join(root, 'junk');
    writeImage(folder, 'a.png', 'not really');
    writeImage(folder, 'b.gif.png', await gifBytes(4, 4));
    const job = await importFolder(api, projectId, folder);
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('invalid_input');
    expect(job.error?.message).toContain(`${folder} has no usable image`);
    expect(job.error?.message).toContain('a.png: is text, not an image');
    expect(await api.datasets.list({ projectId })).toEqual([]);
    const db = registry(workspace);
    try {
      expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('fails clearly on a missing folder, an empty folder, and table options given with a folder', async () => {
    const { api, root, projectId } = await setup();
    const missing = await importFolder(api, projectId, path.join(root, 'nope'));
    expect(missing.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('does not exist'),
    });
    const empty = path.join(root, 'empty');
    writeImage(empty, 'sub/notes.md', '# nothing');
    const none = await importFolder(api, projectId, empty);
    expect(none.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(`${empty} has no image files`),
    });
    writeImage(empty, 'x.png', await pngBytes(4, 4));
    const { jobId } = await api.datasets.import({ projectId, path: empty, options: { delimiter: ';' } });
    const withOptions = await waitForJob(api, jobId);
    expect(withOptions.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('delimiter'),
    });
  });

  it('cancels a running import: no version, no image rows, no staged files left', async () => {
    const { api, workspace, root, projectId } = await setup();
    const folder = path.join(root, 'many');
    const image = await noisyBytes('png', 200, 200);
    for (let i = 0; i < 400; i += 1)
      writeImage(folder, `${String(i).padStart(3, '0')}.png`, pngVariant(image, String(i)));
    const { jobId } = await api.datasets.import({ projectId, path: folder });
    await new Promise<void>((resolve) => {
      const stop = api.on('job.progress', (event) => {
        if (event.jobId === jobId && event.progress > 0.1) {
          stop();
          resolve();
        }
      });
    });
    await api.jobs.cancel({ jobId });
    const job = await waitForJob(api, jobId);
    expect(job.status).toBe('cancelled');
    expect(await api.datasets.list({ projectId })).toEqual([]);
    const db = registry(workspace);
    try {
      expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM dataset_versions').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    expect(stagedFiles(workspace)).toEqual([]);
  });

  it('serves only registered images, and makes a missing thumbnail on demand', async () => {
    const { api, workspace, root, projectId } = await setup();
    const folder = path.join(root, 'one');
    writeImage(folder, 'photo.jpg', await jpegBytes(800, 400, 4));
    const job = await importFolder(api, projectId, folder);
    const version = await api.datasets.version({ versionId: String(job.result?.['versionId']) });
    await expect(api.images.read({ sha256: version.snapshotSha256 })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(api.images.thumbnails({ sha256s: ['0'.repeat(64)] })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(api.images.read({ sha256: '../../etc/passwd' })).rejects.toMatchObject({
      code: 'invalid_input',
    });

    const rows = await api.datasets.rows({ versionId: version.id, offset: 0, limit: 1 });
    const sha256 = String(rows.rows[0]?.[1]);
    const db = registry(workspace);
    try {
      db.prepare('UPDATE images SET thumbnail_sha256 = NULL WHERE sha256 = ?').run(sha256);
      const [thumbnail] = await api.images.thumbnails({ sha256s: [sha256] });
      expect(thumbnail?.mediaType).toBe('image/webp');
      const made = db.prepare('SELECT thumbnail_sha256 AS t FROM images WHERE sha256 = ?').get(sha256) as {
        t: string;
      };
      expect(made.t).toMatch(/^[0-9a-f]{64}$/);
      const stored = readFileSync(path.join(workspace, 'objects', made.t.slice(0, 2), made.t.slice(2)));
      expect(stored.toString('base64')).toBe(thumbnail?.base64);
    } finally {
      db.close();
    }
  });

  it('imports the shapes sample: 60 images in each class folder', async () => {
    const { api, projectId } = await setup();
    const job = await importFolder(api, projectId, path.join(repoRoot, 'resources/samples/shapes'));
    expect(job.status).toBe('succeeded');
    const profile = await api.datasets.profile({ versionId: String(job.result?.['versionId']) });
    const folder = profile.columns.find((c) => c.name === 'folder');
    expect(folder?.type).toBe('categorical');
    expect(folder?.topValues).toEqual([
      { value: 'circle', count: 60 },
      { value: 'square', count: 60 },
      { value: 'triangle', count: 60 },
    ]);
    const version = await api.datasets.version({ versionId: String(job.result?.['versionId']) });
    expect(version.warnings).toEqual([]);
    expect(version.rowCount).toBe(180);
  });
});
