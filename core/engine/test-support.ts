import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { DatasetVersion, Job, OrchardApi, Project } from '../contract/index.js';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { createInProcessClient } from './transport/in-process.js';
import type { Engine } from './types.js';

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

/** What `useTestEngine` sets up: an engine on a fresh workspace with one project. */
export interface TestEngine {
  readonly api: OrchardApi;
  readonly engine: Engine;
  /** The test's temp folder (the workspace is `ws/` inside it). */
  readonly dir: string;
  readonly workspace: string;
  readonly project: Project;
  /** Imports a file or folder into the project; expects the job to succeed and returns the version. */
  importPath(file: string): Promise<DatasetVersion>;
}

/**
 * An in-process engine per test on its own workspace, closed after each test. Call at describe
 * level; the returned function opens one.
 */
export function useTestEngine(): (options?: { actor?: string; projectName?: string }) => Promise<TestEngine> {
  const tempDir = useTempDir();
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });
  return async (options = {}) => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const engine = await openEngine({ workspace, actor: options.actor ?? 'tester' });
    engines.push(engine);
    const api = createInProcessClient(engine);
    const project = await api.projects.create({ name: options.projectName ?? 'p' });
    const importPath = async (file: string): Promise<DatasetVersion> => {
      const job = await waitForJob(
        api,
        (await api.datasets.import({ projectId: project.id, path: file })).jobId,
      );
      expect(job.status, job.error?.message).toBe('succeeded');
      return api.datasets.version({ versionId: String(job.result?.['versionId']) });
    };
    return { api, engine, dir, workspace, project, importPath };
  };
}
