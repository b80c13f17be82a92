import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readImageFolder } from './read-folder.js';
import { pngBytes, writeImage } from './test-images.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('readImageFolder', () => {
  it.skipIf(process.platform === 'win32')(
    'leaves out a file that became a FIFO after the scan, without blocking on it',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'orchard-read-folder-'));
      folders.push(folder);
      const image = writeImage(folder, 'a.png', await pngBytes(8, 8));
      const fifo = path.join(folder, 'b.png');
      execFileSync('mkfifo', [fifo]);
      const staged: string[] = [];
      const read = await readImageFolder(
        {
          folder,
          files: [
            { relativePath: 'a.png', absolutePath: image },
            { relativePath: 'b.png', absolutePath: fifo },
          ],
          warnings: [],
        },
        {
          known: () => undefined,
          stage: (sha256) => {
            staged.push(sha256);
            return Promise.resolve();
          },
        },
      );
      expect(read.images.map((found) => found.relativePath)).toEqual(['a.png']);
      expect(read.warnings).toEqual(['b.png: could not be read (not a regular file); left out']);
      expect(staged).toEqual([read.images[0]?.sha256]);
    },
  );
});
