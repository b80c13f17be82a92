import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrchardError, RpcError } from '../contract/index.js';
import type { Job, OrchardApi } from '../contract/index.js';
import { defaultWorkspace, openEngine } from '../engine/engine.js';
import { createInProcessClient } from '../engine/transport/in-process.js';
import { createProgressBar } from './progress-bar.js';

export interface GlobalOptions {
  workspace?: string;
}

/** Opens the workspace's engine in this process for one command, and always closes it. */
export async function withApi<T>(options: GlobalOptions, work: (api: OrchardApi) => Promise<T>): Promise<T> {
  const engine = await openEngine({ workspace: options.workspace ?? defaultWorkspace() });
  try {
    return await work(createInProcessClient(engine));
  } finally {
    await engine.close();
  }
}

/** Follows a job with a progress bar; Ctrl+C cancels it. Resolves with the finished job. */
export async function followJob(api: OrchardApi, jobId: string): Promise<Job> {
  const bar = createProgressBar();
  const finished = new Promise<Job>((resolve) => {
    const stopFinished = api.on('job.finished', ({ job }) => {
      if (job.id !== jobId) return;
      stopFinished();
      resolve(job);
    });
  });
  const stopProgress = api.on('job.progress', (event) => {
    if (event.jobId === jobId) bar.update(event.progress, event.message);
  });
  const onInterrupt = () => {
    process.stderr.write('\nCancelling…\n');
    void api.jobs.cancel({ jobId });
  };
  process.on('SIGINT', onInterrupt);
  // The job may have finished before we subscribed.
  const now = await api.jobs.get({ jobId });
  const job = ['succeeded', 'failed', 'cancelled', 'interrupted'].includes(now.status) ? now : await finished;
  process.off('SIGINT', onInterrupt);
  stopProgress();
  bar.done();
  return job;
}

/** The package folder, found from this file whether it runs from sources or from dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'orchard') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Orchard package folder.');
    dir = parent;
  }
}

/** Prints an error the way a user should read it and sets a failing exit code. */
export function reportError(error: unknown): void {
  if (error instanceof RpcError || error instanceof OrchardError) {
    process.stderr.write(`error (${error.code}): ${error.message}\n`);
    process.exitCode = error.code === 'invalid_input' || error.code === 'not_found' ? 2 : 1;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
