/**
 * The one place the benchmarks touch the engine: open it on a workspace, import a file through
 * the typed in-process client, and wait for the import job. Keeping this in one file means an
 * engine API change is fixed here once.
 */
import type { OrchardApi } from '../../core/contract/client.js';
import type { Job } from '../../core/contract/schemas.js';
import { openEngine } from '../../core/engine/engine.js';
import { createInProcessClient } from '../../core/engine/transport/in-process.js';

export interface OrchardSession {
  readonly api: OrchardApi;
  close(): Promise<void>;
}

export async function openOrchard(workspace: string): Promise<OrchardSession> {
  const engine = await openEngine({ workspace });
  const api = createInProcessClient(engine);
  return { api, close: () => engine.close() };
}

const terminalStatuses: ReadonlySet<Job['status']> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
]);

/**
 * Resolves when the job reaches a final status. It listens for `job.finished` and also polls
 * `jobs.get` every `pollMs`, so an event that fired before the caller started waiting is not missed.
 * A benchmark timed against a tight target polls finely (the validation run: 50 ms).
 */
export function waitForJob(
  api: OrchardApi,
  jobId: string,
  onProgress?: (message: string) => void,
  pollMs = 500,
): Promise<Job> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (job: Job): void => {
      if (settled) return;
      settled = true;
      stopFinished();
      stopProgress();
      clearInterval(poll);
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
          settled = true;
          stopFinished();
          stopProgress();
          clearInterval(poll);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }, pollMs);
  });
}

export interface ImportedVersion {
  readonly versionId: string;
  readonly rowCount: number;
  readonly columnCount: number;
  /** Columns the stored profile covers; proves the version was profiled. */
  readonly profiledColumns: number;
}

/** Imports `path` into a new project and returns the profiled dataset version. Throws on failure. */
export async function importAndProfile(
  api: OrchardApi,
  path: string,
  onProgress?: (message: string) => void,
): Promise<ImportedVersion> {
  const project = await api.projects.create({ name: `bench-${process.pid}-${Date.now()}` });
  const { jobId } = await api.datasets.import({ projectId: project.id, path });
  const job = await waitForJob(api, jobId, onProgress);
  if (job.status !== 'succeeded') {
    throw new Error(`import job ${jobId} ended ${job.status}: ${job.error?.message ?? job.message}`);
  }
  const versionId = job.result?.['versionId'];
  if (typeof versionId !== 'string') {
    throw new Error(
      `import job ${jobId} succeeded without a versionId in its result: ${JSON.stringify(job.result)}`,
    );
  }
  const version = await api.datasets.version({ versionId });
  const profile = await api.datasets.profile({ versionId });
  return {
    versionId,
    rowCount: version.rowCount,
    columnCount: version.columns.length,
    profiledColumns: profile.columns.length,
  };
}
