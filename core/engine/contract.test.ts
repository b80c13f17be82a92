import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcError, createClient, methods } from '../contract/index.js';
import type { EventName, OrchardApi } from '../contract/index.js';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { startServer } from './serve.js';
import { smallCsv, waitForJob, writeFixture } from './test-support.js';
import { connectToEngineProcess } from './transport/child-process.js';
import { createInProcessClient } from './transport/in-process.js';
import { connectWebSocketClient } from './transport/ws-client.js';
import type { Engine } from './types.js';

interface Connected {
  api: OrchardApi;
  workspace: string;
  /** Lets the caller read a file through this transport's path policy (the desktop grants picks). */
  allow(file: string): void;
  close(): Promise<void>;
}

const childMain = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-main.ts');

async function inThisProcess(workspace: string): Promise<{ engine: Engine; close(): Promise<void> }> {
  const engine = await openEngine({ workspace, actor: 'tester' });
  return { engine, close: () => engine.close() };
}

/** The same contract calls run over every transport the engine has. */
const transports: Record<string, (workspace: string, dataDir: string) => Promise<Connected>> = {
  'in-process': async (workspace) => {
    const { engine, close } = await inThisProcess(workspace);
    return { api: createInProcessClient(engine), workspace: engine.workspace, allow: () => {}, close };
  },
  websocket: async (workspace, dataDir) => {
    const { engine, close } = await inThisProcess(workspace);
    const staticDir = path.join(engine.workspace, 'no-ui');
    mkdirSync(staticDir, { recursive: true });
    const server = await startServer({ engine, staticDir, port: 0, dataDirs: [dataDir] });
    const client = await connectWebSocketClient(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    return {
      api: client.api,
      workspace: engine.workspace,
      allow: () => {},
      close: async () => {
        client.close();
        await server.close();
        await close();
      },
    };
  },
  'child process (desktop)': async (workspace) => {
    const child = fork(childMain, ['--workspace', workspace], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const connection = connectToEngineProcess(child);
    await connection.ready;
    return {
      api: createClient(connection),
      workspace: path.resolve(workspace),
      allow: (file) => connection.grantPath(file),
      close: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.disconnect();
        await exited;
      },
    };
  },
};

describe.each(Object.entries(transports))('contract over %s', (_name, connect) => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir);
    const connected = await connect(path.join(root, 'workspace'), dataDir);
    cleanups.push(() => connected.close());
    const fixture = (name: string, content: string): string => {
      const file = writeFixture(dataDir, name, content);
      connected.allow(file);
      return file;
    };
    return { api: connected.api, workspace: connected.workspace, fixture };
  }

  it('answers engine.info', async () => {
    const { api, workspace } = await setup();
    const info = await api.engine.info();
    expect(info.workspace).toBe(workspace);
    expect(info.duckdbVersion).toMatch(/^v\d+\.\d+/);
    expect(methods['engine.info'].result.safeParse(info).success).toBe(true);
  });

  it('creates and lists projects, refusing a duplicate name with `conflict`', async () => {
    const { api } = await setup();
    const project = await api.projects.create({ name: 'Credit risk' });
    expect(await api.projects.list()).toEqual([project]);
    await expect(api.projects.create({ name: 'Credit risk' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses malformed params with `invalid_input` saying which field', async () => {
    const { api } = await setup();
    const error = await api.projects.create({ name: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('name') });
    await expect(api.call('projects.create', { name: 'x', extra: 1 } as never)).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(api.datasets.rows({ versionId: 'dsv_x', offset: -1, limit: 10 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(api.call('no.such' as never, {} as never)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('imports a CSV as a version with events, rows and a profile; reuses it when unchanged; versions it when changed', async () => {
    const { api, fixture } = await setup();
    const project = await api.projects.create({ name: 'p' });
    const file = fixture('people.csv', smallCsv);
    const seen: EventName[] = [];
    const stopProgress = api.on('job.progress', () => seen.push('job.progress'));
    const stopFinished = api.on('job.finished', () => seen.push('job.finished'));

    const { jobId } = await api.datasets.import({ projectId: project.id, path: file });
    const job = await waitForJob(api, jobId);
    expect(job).toMatchObject({
      status: 'succeeded',
      kind: 'datasets.import',
      result: { reused: false, rowCount: 5 },
    });
    await expect.poll(() => seen.includes('job.finished')).toBe(true);
    stopProgress();
    stopFinished();

    const versionId = String(job.result?.['versionId']);
    const version = await api.datasets.version({ versionId });
    expect(version).toMatchObject({
      number: 1,
      parentId: null,
      rowCount: 5,
      source: { format: 'csv', path: file },
    });
    expect(version.columns.map((c) => c.name)).toEqual(['id', 'age', 'city', 'income', 'joined']);

    const rows = await api.datasets.rows({
      versionId,
      offset: 0,
      limit: 2,
      sort: [{ column: 'age', direction: 'desc' }],
    });
    expect(rows.columns[0]).toBe('_row_id');
    expect(rows.total).toBe(5);
    expect(rows.rows.map((r) => r[rows.columns.indexOf('age')])).toEqual([51, 42]);
    const lyon = await api.datasets.rows({
      versionId,
      offset: 0,
      limit: 10,
      filters: [{ column: 'city', op: 'eq', value: 'Lyon' }],
    });
    expect(lyon.total).toBe(2);

    const profile = await api.datasets.profile({ versionId });
    const income = profile.columns.find((c) => c.name === 'income');
    expect(income).toMatchObject({ missing: 1, count: 4 });
    expect(methods['datasets.profile'].result.safeParse(profile).success).toBe(true);

    const again = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: file })).jobId,
    );
    expect(again.result).toMatchObject({ reused: true, versionId });

    fixture('people.csv', `${smallCsv}\n6,27,Lille,39000,2024-04-02`);
    const changed = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: file })).jobId,
    );
    const v2 = await api.datasets.version({ versionId: String(changed.result?.['versionId']) });
    expect(v2).toMatchObject({ number: 2, parentId: versionId, rowCount: 6 });
    const datasets = await api.datasets.list({ projectId: project.id });
    expect(datasets).toMatchObject([{ name: 'people', versionCount: 2, latestVersionId: v2.id }]);
  });

  it('fails a bad import with a message naming the file, and keeps what was saved', async () => {
    const { api, fixture } = await setup();
    const project = await api.projects.create({ name: 'p' });
    const good = fixture('good.csv', smallCsv);
    await waitForJob(api, (await api.datasets.import({ projectId: project.id, path: good })).jobId);
    const ragged = fixture('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    const job = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: ragged })).jobId,
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('ragged.csv'),
    });
    const datasets = await api.datasets.list({ projectId: project.id });
    expect(datasets.map((d) => d.name)).toEqual(['good']);
  });

  it('answers `not_found` for unknown ids', async () => {
    const { api } = await setup();
    await expect(api.datasets.version({ versionId: 'dsv_nope' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(api.datasets.list({ projectId: 'prj_nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(api.jobs.cancel({ jobId: 'job_nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
