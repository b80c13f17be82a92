import { fork } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClient } from '../contract/index.js';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { smallCsv, waitForJob, writeFixture } from './test-support.js';
import { connectToEngineProcess } from './transport/child-process.js';
import { createInProcessClient } from './transport/in-process.js';

const childMain = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-main.ts');

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('id,amount,segment\n');
  for (let start = 0; start < rows; start += 10_000) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + 10_000); i++)
      chunk += `${i},${(i * 31) % 977}.5,s${i % 7}\n`;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('an engine killed mid-import', () => {
  const tempDir = useTempDir();

  it('leaves an interrupted job, no partial version, and no stale staging after restart', async () => {
    const dir = tempDir();
    const workspace = path.join(dir, 'ws');
    const good = writeFixture(dir, 'good.csv', smallCsv);
    const big = path.join(dir, 'big.csv');
    await writeCsv(big, 3_000_000);

    const child = fork(childMain, ['--workspace', workspace], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const connection = connectToEngineProcess(child);
    await connection.ready;
    const api = createClient(connection);
    const project = await api.projects.create({ name: 'p' });
    connection.grantPath(good);
    connection.grantPath(big);
    const saved = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: good })).jobId,
    );
    expect(saved.status).toBe('succeeded');

    const { jobId } = await api.datasets.import({ projectId: project.id, path: big });
    await new Promise<void>((resolve) => {
      const stop = api.on('job.progress', (event) => {
        if (event.jobId === jobId && event.progress > 0.2) {
          stop();
          resolve();
        }
      });
    });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;

    const engine = await openEngine({ workspace });
    try {
      const after = createInProcessClient(engine);
      const job = await after.jobs.get({ jobId });
      expect(job.status).toBe('interrupted');
      const datasets = await after.datasets.list({ projectId: project.id });
      expect(datasets.map((d) => d.name)).toEqual(['good']);
      const versionId = String(saved.result?.['versionId']);
      const rows = await after.datasets.rows({ versionId, offset: 0, limit: 10 });
      expect(rows.total).toBe(5);
      const staging = readdirSync(path.join(workspace, 'tmp'));
      expect(staging.filter((name) => name.startsWith(`${child.pid}-`))).toEqual([]);
      expect(existsSync(path.join(workspace, 'orchard.db'))).toBe(true);
    } finally {
      await engine.close();
    }
  }, 180_000);
});
