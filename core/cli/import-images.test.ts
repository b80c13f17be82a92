import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jpegBytes, pngBytes, writeImage } from '../data/images/test-images.js';
import { useTempDir } from '../registry/test-support.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = `import(${JSON.stringify(path.join(repoRoot, 'core/cli/main.ts'))}).then((m) => m.runCli(process.argv))`;

function orchard(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', entry, 'orchard', ...args],
      { cwd: repoRoot, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('orchard import FOLDER', () => {
  const tempDir = useTempDir();

  it('imports a folder of images, printing the warnings, and says when it is unchanged', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const folder = path.join(dir, 'pets');
    writeImage(folder, 'cat/a.png', await pngBytes(20, 10, 1));
    writeImage(folder, 'dog/b.jpg', await jpegBytes(30, 30, 2));
    writeImage(folder, 'dog/notes.png', 'not an image');
    await orchard(['-w', workspace, 'projects', 'create', 'Vision']);

    const imported = await orchard(['-w', workspace, 'import', folder, '--project', 'Vision']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 2 images as pets v1; 1 warning.');
    expect(imported.stdout).toContain(
      'warning: dog/notes.png: is text, not an image; Orchard reads PNG, JPEG and WebP images; left out',
    );

    const again = await orchard(['-w', workspace, 'import', folder, '--project', 'Vision', '--json']);
    expect(again.code).toBe(0);
    const { job, version } = JSON.parse(again.stdout) as {
      job: { result: { reused: boolean } };
      version: { rowCount: number; source: { format: string }; columns: { name: string }[] };
    };
    expect(job.result.reused).toBe(true);
    expect(version.rowCount).toBe(2);
    expect(version.source.format).toBe('images');
    expect(version.columns.map((c) => c.name)).toContain('folder');

    const listed = await orchard(['-w', workspace, 'datasets', 'ls', '--project', 'Vision']);
    expect(listed.stdout).toMatch(/pets\s+1/);
  });

  it('fails on a folder without images with a message naming it and a non-zero exit', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await orchard(['-w', workspace, 'projects', 'create', 'P']);
    const result = await orchard(['-w', workspace, 'import', empty, '--project', 'P']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${empty} has no image files`);
  });
});
