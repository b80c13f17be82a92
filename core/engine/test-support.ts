import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Job, OrchardApi } from '../contract/index.js';

/** Resolves with the job once it reaches a final status, however fast it got there. */
export async function waitForJob(api: OrchardApi, jobId: string, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api.jobs.get({ jobId });
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes a small file under `dir` and returns its path. */
export function writeFixture(dir: string, name: string, content: string | Buffer): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export const smallCsv = [
  'id,age,city,income,joined',
  '1,34,Lyon,52000.5,2024-01-03',
  '2,29,Paris,,2024-02-11',
  '3,51,Lyon,61000,2023-12-30',
  '4,42,Nice,48000.25,2024-03-01',
  '5,38,Paris,75000,2024-01-20',
].join('\n');
