import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/errors.js';
import { useTempDir } from '../../registry/test-support.js';
import { scanImageFolder } from './scan-folder.js';
import { writeImage } from './test-images.js';

describe('scanImageFolder', () => {
  const tempDir = useTempDir();

  it('lists image files in nested folders by relative path, sorted bytewise', async () => {
    const root = tempDir();
    for (const name of ['b.png', 'B.JPG', 'a/x.webp', 'a.png', 'é.jpeg', 'z.png', 'a/deep/er/y.png'])
      writeImage(root, name, 'x');
    writeImage(root, 'notes.txt', 'not an image');
    writeImage(root, 'a/anim.gif', 'GIF89a');
    const scan = await scanImageFolder(root);
    // UTF-8 bytes: 'B' < 'a'; 'a.png' < 'a/…' ('.' is 0x2e, '/' 0x2f); 'é' (0xc3…) after 'z'.
    expect(scan.files.map((f) => f.relativePath)).toEqual([
      'B.JPG',
      'a.png',
      'a/deep/er/y.png',
      'a/x.webp',
      'b.png',
      'z.png',
      'é.jpeg',
    ]);
    expect(scan.files[2]?.absolutePath).toBe(path.join(root, 'a', 'deep', 'er', 'y.png'));
    expect(scan.warnings).toEqual([]);
  });

  it('does not follow symbolic links, and says so', async () => {
    const root = tempDir();
    const outside = writeImage(tempDir(), 'secret.png', 'x');
    writeImage(root, 'in.png', 'x');
    symlinkSync(outside, path.join(root, 'link.png'));
    const scan = await scanImageFolder(root);
    expect(scan.files.map((f) => f.relativePath)).toEqual(['in.png']);
    expect(scan.warnings).toEqual(['link.png: is a symbolic link, which Orchard does not follow; left out']);
  });

  it('refuses a missing folder, a file and a folder without image files, naming them', async () => {
    const root = tempDir();
    const missing = path.join(root, 'nope');
    await expect(scanImageFolder(missing)).rejects.toThrow(`${missing} does not exist`);
    const file = writeImage(root, 'one.png', 'x');
    await expect(scanImageFolder(file)).rejects.toThrow('is not a folder');
    const empty = path.join(root, 'empty');
    mkdirSync(path.join(empty, 'sub'), { recursive: true });
    const error = await scanImageFolder(empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(`${empty} has no image files`);
    writeImage(empty, 'sub/readme.md', '#');
    await expect(scanImageFolder(empty)).rejects.toThrow('(it has 1 other file)');
  });
});
