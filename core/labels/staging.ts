import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { InvalidInputError } from '../contract/index.js';

/**
 * Exports are written beside their destination under a hidden `.name.<random>.partial` name and
 * renamed into place at the end (same folder, so the rename is atomic): a failed or cancelled
 * export leaves no half file behind, and an earlier complete file stays until the new one is whole.
 */
export function stagingPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`,
  );
}

/** Refuses a file export onto a folder; makes the destination's folder. */
async function prepareFileTarget(target: string): Promise<void> {
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory())
    throw new InvalidInputError(`${target} is a folder; give a file name to write the labels to.`, {
      outputPath: target,
    });
  await mkdir(path.dirname(target), { recursive: true });
}

/** Writes a file through `write(stagingPath)`, then renames it onto `target` (replacing an older file). */
export async function writeFileAtomically(
  target: string,
  write: (staging: string) => Promise<void>,
): Promise<void> {
  await prepareFileTarget(target);
  const staging = stagingPathFor(target);
  try {
    await write(staging);
    const handle = await open(staging, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}

/**
 * Builds a folder tree through `write(stagingDir)`, then moves it to `target`. A destination that
 * exists must be an empty folder — unless `replace` (our own `exports/` folder), where the old tree
 * is swapped out and removed only once the new one is in place.
 */
export async function writeFolderAtomically(
  target: string,
  replace: boolean,
  write: (staging: string) => Promise<void>,
): Promise<void> {
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isDirectory())
    throw new InvalidInputError(`${target} is a file; give a folder to write the image tree to.`, {
      outputPath: target,
    });
  if (existing && !replace && (await readdir(target)).length > 0)
    throw new InvalidInputError(
      `${target} already exists and is not empty; give a new folder (Orchard does not write over your files).`,
      { outputPath: target },
    );
  await mkdir(path.dirname(target), { recursive: true });
  const staging = stagingPathFor(target);
  try {
    await mkdir(staging);
    await write(staging);
    if (existing) {
      const old = stagingPathFor(target);
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** A text writer that respects back-pressure and batches small writes (CSV lines) into ~1 MB chunks. */
export class TextSink {
  private readonly out: WriteStream;
  private pending = '';
  private failure: Error | undefined;

  constructor(file: string) {
    this.out = createWriteStream(file, { flags: 'wx' });
    this.out.on('error', (error) => (this.failure = error));
  }

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length < 1 << 20) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.pending;
    this.pending = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
    if (this.failure) throw this.failure;
  }

  /** Closes the file after a failure (the caller removes it). */
  destroy(): void {
    this.out.destroy();
  }
}
