import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { isPlainFileName, startServer } from './serve.js';
import { waitForJob, writeFixture } from './test-support.js';
import { createInProcessClient } from './transport/in-process.js';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path is sent exactly as written (no URL normalisation of `..`). */
function http(
  port: number,
  rawPath: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('orchard serve: /api/exports/<name>', () => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve() {
    const root = tempDir();
    const staticDir = path.join(root, 'ui');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Orchard</title>');
    const workspace = path.join(root, 'ws');
    const engine = await openEngine({ workspace });
    cleanups.push(() => engine.close());
    const server = await startServer({ engine, staticDir, port: 0 });
    cleanups.push(() => server.close());
    const exportsDir = path.join(workspace, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    const auth = { Cookie: `orchard_token=${server.token}`, Host: `127.0.0.1:${server.port}` };
    const get = (p: string, headers: Record<string, string> = auth, method = 'GET') =>
      http(server.port, p, headers, method);
    return { root, workspace, engine, exportsDir, auth, get };
  }

  it('serves a file of the exports folder as an attachment', async () => {
    const { exportsDir, get } = await serve();
    writeFileSync(path.join(exportsDir, 'animals-v1.csv'), 'row_id,label\n0,cat\n');
    writeFileSync(path.join(exportsDir, 'chats été.jsonl'), '{"row_id":0,"label":"cat"}\n');
    const answer = await get('/api/exports/animals-v1.csv');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('row_id,label\n0,cat\n');
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe(
      `attachment; filename="animals-v1.csv"; filename*=UTF-8''animals-v1.csv`,
    );
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    const accented = await get(`/api/exports/${encodeURIComponent('chats été.jsonl')}`);
    expect(accented.status).toBe(200);
    expect(accented.headers['content-disposition']).toBe(
      `attachment; filename="chats__t_.jsonl"; filename*=UTF-8''chats%20%C3%A9t%C3%A9.jsonl`,
    );
    const head = await get('/api/exports/animals-v1.csv', undefined, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('19');
    expect(head.body).toBe('');
  });

  it('needs the token and the right Host like every other route', async () => {
    const { exportsDir, auth, get } = await serve();
    writeFileSync(path.join(exportsDir, 'a.csv'), 'x');
    expect((await get('/api/exports/a.csv', { Host: auth.Host })).status).toBe(401);
    expect((await get('/api/exports/a.csv', { ...auth, Host: 'evil.example:80' })).status).toBe(403);
    expect((await get('/api/exports/a.csv', auth, 'POST')).status).toBe(405);
  });

  it('reaches nothing outside the folder: no .., no separators, no dot files, folders or symlinks', async () => {
    const { root, workspace, exportsDir, get } = await serve();
    writeFileSync(path.join(root, 'secret.txt'), 'secret');
    symlinkSync(path.join(root, 'secret.txt'), path.join(exportsDir, 'link.csv'));
    writeFileSync(path.join(exportsDir, '.labels.csv.abc.partial'), 'half');
    mkdirSync(path.join(exportsDir, 'tree-imagenet'));
    mkdirSync(path.join(exportsDir, 'sub'));
    writeFileSync(path.join(exportsDir, 'sub', 'inner.csv'), 'inner');
    const refused = [
      '/api/exports/..%2Forchard.db',
      '/api/exports/..%2F..%2Fsecret.txt',
      '/api/exports/sub/inner.csv',
      '/api/exports/sub%2Finner.csv',
      '/api/exports/sub%5Cinner.csv',
      '/api/exports/.labels.csv.abc.partial',
      '/api/exports/link.csv',
      '/api/exports/tree-imagenet',
      '/api/exports/missing.csv',
      '/api/exports/%E0%A4%A',
      '/api/exports/a%00.csv',
      '/api/exports/',
    ];
    for (const p of refused) {
      const answer = await get(p);
      expect([400, 404], p).toContain(answer.status);
      expect(answer.body, p).not.toMatch(/secret|inner|half|SQLite/);
    }
    // Dot segments are resolved by URL parsing before routing: these reach the app's page, not a file.
    for (const p of [
      '/api/exports/%2E%2E',
      '/api/exports/%2e%2e/orchard.db',
      '/api/exports/../../secret.txt',
    ]) {
      const answer = await get(p);
      expect(answer.body, p).toBe('<!doctype html><title>Orchard</title>');
    }
    // An exports folder that is itself a link out of the workspace is not followed either.
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'b.csv'), 'secret');
    const second = await serve();
    const linkedWorkspace = path.dirname(second.exportsDir);
    rmSync(second.exportsDir, { recursive: true });
    symlinkSync(elsewhere, path.join(linkedWorkspace, 'exports'));
    expect((await second.get('/api/exports/b.csv')).status).toBe(404);
    expect(workspace).not.toBe(linkedWorkspace);
  });

  it('downloads what labels.export wrote without an output path', async () => {
    const { root, engine, get } = await serve();
    const api = createInProcessClient(engine);
    const project = await api.projects.create({ name: 'p' });
    const file = writeFixture(root, 'pets.csv', 'name\nTom\nRex\n');
    const imported = await waitForJob(
      api,
      (await api.datasets.import({ projectId: project.id, path: file })).jobId,
    );
    const set = await api.labels.createSet({
      datasetVersionId: String(imported.result?.['versionId']),
      definition: {
        name: 'pets',
        task: 'single',
        classes: [
          { name: 'cat', color: '#ff0000', hotkey: '1' },
          { name: 'dog', color: '#00ff00', hotkey: '2' },
        ],
      },
    });
    await api.labels.annotate({
      labelSetId: set.id,
      annotator: 'ana',
      id: 'serve-exports-1',
      rowId: 1,
      action: 'label',
      value: { classes: ['dog'] },
      expectedSeq: null,
    });
    const version = await api.labels.freeze({ labelSetId: set.id, policy: 'agreed' });
    const job = await waitForJob(
      api,
      (await api.labels.export({ labelVersionId: version.id, format: 'csv' })).jobId,
    );
    const name = path.basename(String(job.result?.['outputPath']));
    expect(name).toBe('pets-v1.csv');
    const answer = await get(`/api/exports/${name}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('row_id,label\n1,dog\n');
  });
});

describe('isPlainFileName', () => {
  it('accepts one file name and nothing that could leave the folder', () => {
    expect(isPlainFileName('labels-v1.csv')).toBe(true);
    expect(isPlainFileName('chats été.csv')).toBe(true);
    for (const name of ['', '.', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a\u0000b', 'x'.repeat(256)])
      expect(isPlainFileName(name), JSON.stringify(name)).toBe(false);
  });
});
