/**
 * Waiting for an engine job, for the validation benchmark: `bench/lib/orchard-session.ts`'s waiter,
 * polling every 50 ms rather than 500 ms — the run is timed against a 5 s target, and a coarse poll
 * would dominate the figure if the `job.finished` event were ever missed.
 */
import type { OrchardApi } from '../../core/contract/client.js';
import type { Job } from '../../core/contract/schemas.js';
import { waitForJob as waitForJobEvery } from '../lib/orchard-session.js';

export function waitForJob(
  api: OrchardApi,
  jobId: string,
  onProgress?: (message: string) => void,
): Promise<Job> {
  return waitForJobEvery(api, jobId, onProgress, 50);
}

/** The job's result field `key` as a string; throws (with the job's error) when it failed or lacks it. */
export function jobResultString(job: Job, key: string): string {
  if (job.status !== 'succeeded') {
    throw new Error(`job ${job.id} ended ${job.status}: ${job.error?.message ?? job.message}`);
  }
  const value = job.result?.[key];
  if (typeof value !== 'string') {
    throw new Error(`job ${job.id} succeeded without a ${key} in its result: ${JSON.stringify(job.result)}`);
  }
  return value;
}

/** Progress to stderr at most every two seconds, so a long job shows it is alive. */
export function throttledProgress(label: string): (message: string) => void {
  let last = 0;
  return (message) => {
    const now = performance.now();
    if (now - last < 2000) return;
    last = now;
    process.stderr.write(`  ${label}: ${message}\n`);
  };
}
