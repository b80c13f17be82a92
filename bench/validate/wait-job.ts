/**
 * Waiting for an engine job, for the validation benchmark. Like the private helper in
 * `bench/lib/orchard-session.ts` (listen for `job.finished`, poll `jobs.get` as a fallback), but
 * polling every 50 ms rather than 500 ms: the validation run is timed against a 5 s target, and a
 * coarse poll would only matter if the event were missed, but then it would dominate the figure.
 */
import type { OrchardApi } from '../../core/contract/client.js';
import type { Job } from '../../core/contract/schemas.js';

const terminalStatuses: ReadonlySet<Job['status']> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
]);

export function waitForJob(
  api: OrchardApi,
  jobId: string,
  onProgress?: (message: string) => void,
): Promise<Job> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (): void => {
      settled = true;
      stopFinished();
      stopProgress();
      clearInterval(poll);
    };
    const finish = (job: Job): void => {
      if (settled) return;
      stop();
      resolve(job);
    };
    const stopFinished = api.on('job.finished', ({ job }) => {
      if (job.id === jobId) finish(job);
    });
    const stopProgress = api.on('job.progress', (event) => {
      if (event.jobId === jobId) onProgress?.(`${Math.round(event.progress * 100)}% ${event.message}`);
    });
    const poll = setInterval(() => {
      api.jobs.get({ jobId }).then(
        (job) => {
          if (terminalStatuses.has(job.status)) finish(job);
        },
        (error: unknown) => {
          if (settled) return;
          stop();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }, 50);
  });
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
