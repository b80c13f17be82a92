import { createWriteStream, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { waitForJob } from './test-support.js';
import { createInProcessClient } from './transport/in-process.js';

/** Streams a CSV of about `megabytes` MB to disk without building it in memory. */
async function writeBigCsv(file: string, megabytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('id,amount,segment,note\n');
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let rows = 0;
  while (written < target) {
    let chunk = '';
    for (let i = 0; i < 10_000; i++, rows++) {
      chunk += `${rows},${(rows * 7919) % 100_000}.25,segment_${rows % 13},"note ${rows % 997}, with a comma"\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

function stagedFiles(workspace: string): string[] {
  const tmp = path.join(workspace, 'tmp');
  return readdirSync(tmp, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

describe('large imports', () => {
  const tempDir = useTempDir();

  it('streams a large file: the JS heap never holds it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.csv');
    const rows = await writeBigCsv(file, 200);
    const size = (await stat(file)).size;
    const engine = await openEngine({ workspace: path.join(dir, 'ws') });
    try {
      const api = createInProcessClient(engine);
      const project = await api.projects.create({ name: 'big' });
      global.gc?.();
      const baseline = process.memoryUsage();
      let peakJs = 0;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakJs = Math.max(peakJs, m.heapUsed - baseline.heapUsed + (m.arrayBuffers - baseline.arrayBuffers));
      }, 25);
      const job = await waitForJob(
        api,
        (await api.datasets.import({ projectId: project.id, path: file })).jobId,
        300_000,
      );
      clearInterval(sampler);
      expect(job.status).toBe('succeeded');
      expect(job.result).toMatchObject({ rowCount: rows });
      // The file is ~200 MB. Reading it whole would put at least that much in JS buffers; streaming
      // leaves only uncollected 1 MB chunks (tens of MB at most, depending on when GC runs).
      expect(peakJs).toBeLessThan(size / 2);
    } finally {
      await engine.close();
    }
  }, 300_000);

  it('cancels a running import: the job is cancelled, nothing is registered, staging is clean', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.csv');
    await writeBigCsv(file, 120);
    const workspace = path.join(dir, 'ws');
    const engine = await openEngine({ workspace });
    try {
      const api = createInProcessClient(engine);
      const project = await api.projects.create({ name: 'big' });
      const { jobId } = await api.datasets.import({ projectId: project.id, path: file });
      await new Promise<void>((resolve) => {
        const stop = api.on('job.progress', (event) => {
          if (event.jobId === jobId && event.progress > 0.2) {
            stop();
            resolve();
          }
        });
      });
      await api.jobs.cancel({ jobId });
      const job = await waitForJob(api, jobId, 120_000);
      expect(job.status).toBe('cancelled');
      expect(job.error?.code).toBe('cancelled');
      expect(await api.datasets.list({ projectId: project.id })).toEqual([]);
      expect(stagedFiles(workspace).filter((name) => name.endsWith('.parquet'))).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
