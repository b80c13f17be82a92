import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../registry/test-support.js';
import { openEngine } from './engine.js';
import { startServer, uploadFileName } from './serve.js';
import type { RunningServer } from './serve.js';
import { smallCsv, waitForJob, writeFixture } from './test-support.js';
import { connectWebSocketClient } from './transport/ws-client.js';

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  server: RunningServer,
  pathAndQuery: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathAndQuery,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(-1));
  });
}

describe('orchard serve', () => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve() {
    const root = tempDir();
    const staticDir = path.join(root, 'ui');
    mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Orchard</title>');
    writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir);
    const engine = await openEngine({ workspace: path.join(root, 'ws') });
    cleanups.push(() => engine.close());
    const server = await startServer({ engine, staticDir, port: 0, dataDirs: [dataDir] });
    cleanups.push(() => server.close());
    const cookie = `orchard_token=${server.token}`;
    const host = `127.0.0.1:${server.port}`;
    return { server, engine, root, dataDir, cookie, host };
  }

  it('prints a loopback URL carrying the token', async () => {
    const { server } = await serve();
    expect(server.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{40,}$`),
    );
  });

  it('refuses every HTTP request without the token', async () => {
    const { server } = await serve();
    for (const p of ['/', '/index.html', '/assets/app.js', '/api/upload']) {
      expect((await http(server, p)).status).toBe(401);
    }
    expect((await http(server, '/?token=wrong')).status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly cookie, then serves the app', async () => {
    const { server, cookie } = await serve();
    const first = await http(server, `/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/orchard_token=.+; HttpOnly; SameSite=Strict/);
    const page = await http(server, '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Orchard</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('refuses a foreign Host header (DNS rebinding), even with the token', async () => {
    const { server, cookie } = await serve();
    const answer = await http(server, '/', { headers: { cookie, host: `evil.example:${server.port}` } });
    expect(answer.status).toBe(403);
  });

  it('does not serve files outside the app folder', async () => {
    const { server, cookie, root } = await serve();
    writeFileSync(path.join(root, 'secret.txt'), 'top secret');
    const answer = await http(server, '/..%2f..%2fsecret.txt', { headers: { cookie } });
    expect(answer.body).not.toContain('top secret');
  });

  it('upgrades a WebSocket only with the token, our Origin and our Host', async () => {
    const { server, cookie, host } = await serve();
    const url = `ws://127.0.0.1:${server.port}/rpc`;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { cookie, origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { cookie, origin: `http://${host}`, host: 'evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { cookie, origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(`${url}?token=${server.token}`)).toBe(101);
  });

  it('closes a socket that sends something other than a request', async () => {
    const { server } = await serve();
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('{not json');
    expect(await closed).toBe(1007);
  });

  it('stores uploads inside the workspace under a safe name, and refuses cross-site uploads', async () => {
    const { server, engine, cookie, host } = await serve();
    const answer = await http(server, `/api/upload?name=${encodeURIComponent('../../etc/passwd')}`, {
      method: 'POST',
      headers: { cookie, origin: `http://${host}` },
      body: smallCsv,
    });
    expect(answer.status).toBe(200);
    const { path: stored } = JSON.parse(answer.body) as { path: string };
    expect(stored.startsWith(path.join(engine.workspace, 'uploads') + path.sep)).toBe(true);
    expect(path.basename(stored)).toBe('passwd');
    expect(readFileSync(stored, 'utf8')).toBe(smallCsv);
    const crossSite = await http(server, '/api/upload?name=x.csv', {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example' },
      body: 'a',
    });
    expect(crossSite.status).toBe(403);
    expect(uploadFileName('C:\\Users\\ana\\credit.csv')).toBe('credit.csv');
    expect(uploadFileName('')).toBe('upload');
  });

  it('lets the page import uploads and --data-dir files only', async () => {
    const { server, cookie, host, root, dataDir } = await serve();
    const client = await connectWebSocketClient(`ws://127.0.0.1:${server.port}/rpc`, {
      cookie,
      origin: `http://${host}`,
    });
    cleanups.push(async () => client.close());
    const project = await client.api.projects.create({ name: 'p' });
    const outside = writeFixture(root, 'outside.csv', smallCsv);
    await expect(client.api.datasets.import({ projectId: project.id, path: outside })).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('outside.csv is outside the files this session may read'),
    });
    await expect(client.api.datasets.inspect({ path: '/etc/passwd' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const inside = writeFixture(dataDir, 'inside.csv', smallCsv);
    const { jobId } = await client.api.datasets.import({ projectId: project.id, path: inside });
    expect((await waitForJob(client.api, jobId)).status).toBe('succeeded');
    expect(existsSync(inside)).toBe(true);
  });
});
