import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ForbiddenError, createClient, createMessageTransport } from '../../contract/index.js';
import type { RequestMessage, RpcResult } from '../../contract/index.js';
import type { CallContext, Engine, EventListener } from '../types.js';
import {
  EngineStartupError,
  connectToEngineProcess,
  desktopPathHint,
  serveOverProcess,
} from './child-process.js';
import type { ProcessChannel } from './child-process.js';

/** An in-memory stand-in for one IPC pipe: JSON round trip (like `serialization: 'json'`), async delivery. */
function pipePair() {
  const toEngine = new Set<(message: unknown) => void>();
  const toClient = new Set<(message: unknown) => void>();
  const fromEngine: unknown[] = [];
  const deliver = (handlers: Set<(message: unknown) => void>, message: unknown): void => {
    const copy: unknown = JSON.parse(JSON.stringify(message));
    queueMicrotask(() => handlers.forEach((handler) => handler(copy)));
  };
  const engineSide: ProcessChannel = {
    send(message) {
      fromEngine.push(JSON.parse(JSON.stringify(message)));
      deliver(toClient, message);
    },
    onMessage(handler) {
      toEngine.add(handler);
      return () => toEngine.delete(handler);
    },
  };
  const sendToEngine = (message: unknown): void => deliver(toEngine, message);
  const client = createMessageTransport(sendToEngine, (handler) => toClient.add(handler));
  return { engineSide, client, sendToEngine, fromEngine };
}

interface FakeEngine extends Engine {
  readonly calls: { method: string; params: unknown; context: CallContext }[];
  emit: EventListener;
  listenerCount(): number;
}

function fakeEngine(): FakeEngine {
  const calls: FakeEngine['calls'] = [];
  const listeners = new Set<EventListener>();
  return {
    workspace: '/tmp/fake',
    calls,
    async handle(method, params, context): Promise<RpcResult<unknown>> {
      calls.push({ method, params, context });
      switch (method) {
        case 'echo':
          return { ok: true, value: params };
        case 'read': {
          try {
            return { ok: true, value: context.paths.check((params as { path: string }).path) };
          } catch (error) {
            if (error instanceof ForbiddenError) return { ok: false, error: error.toShape() };
            throw error;
          }
        }
        case 'unserialisable':
          return { ok: true, value: { size: 10n } };
        default:
          throw new Error(`boom in ${method}`);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (name, payload) => listeners.forEach((listener) => listener(name, payload)),
    listenerCount: () => listeners.size,
    close: async () => undefined,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('serveOverProcess', () => {
  it('says ready, answers requests in the desktop context, and forwards engine events', async () => {
    const engine = fakeEngine();
    const { engineSide, client, fromEngine } = pipePair();
    serveOverProcess(engine, engineSide);
    expect(fromEngine[0]).toEqual({ type: 'ready' });

    await expect(client.request('echo', { a: [1, 2] })).resolves.toEqual({ ok: true, value: { a: [1, 2] } });
    expect(engine.calls[0]?.context.mode).toBe('desktop');

    const heard: [string, unknown][] = [];
    client.onEvent((name, payload) => heard.push([name, payload]));
    engine.emit('job.progress', { jobId: 'j1', kind: 'import', progress: 0.5, message: 'half' });
    await tick();
    expect(heard).toEqual([
      ['job.progress', { jobId: 'j1', kind: 'import', progress: 0.5, message: 'half' }],
    ]);
  });

  it('answers concurrent requests by id, even out of order', async () => {
    const engine = fakeEngine();
    const { engineSide, client } = pipePair();
    serveOverProcess(engine, engineSide);
    const [a, b, c] = await Promise.all([
      client.request('echo', 1),
      client.request('echo', 2),
      client.request('echo', 3),
    ]);
    expect([a, b, c]).toEqual([1, 2, 3].map((value) => ({ ok: true, value })));
  });

  it('turns a thrown error into an internal result, and an unserialisable value into one too', async () => {
    const engine = fakeEngine();
    const { engineSide, client } = pipePair();
    serveOverProcess(engine, engineSide);
    const thrown = await client.request('explode', {});
    expect(thrown).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Internal error: boom in explode' },
    });
    const unserialisable = await client.request('unserialisable', {});
    expect(unserialisable.ok).toBe(false);
    expect(!unserialisable.ok && unserialisable.error.code).toBe('internal');
  });

  it('refuses paths until Electron main grants them with grant-path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orchard-grant-'));
    try {
      const file = path.join(dir, 'loans.csv');
      await writeFile(file, 'a,b\n1,2\n');
      const engine = fakeEngine();
      const { engineSide, client, sendToEngine } = pipePair();
      serveOverProcess(engine, engineSide);

      const before = await client.request('read', { path: file });
      expect(before.ok).toBe(false);
      expect(!before.ok && before.error.code).toBe('forbidden');
      expect(!before.ok && before.error.message).toContain(desktopPathHint);

      sendToEngine({ type: 'grant-path', path: file });
      const after = await client.request('read', { path: file });
      expect(after).toEqual({ ok: true, value: await realpath(file) });

      const sibling = await client.request('read', { path: path.join(dir, 'other.csv') });
      expect(sibling.ok).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops malformed messages without calling the engine or answering', async () => {
    const engine = fakeEngine();
    const { engineSide, client, sendToEngine, fromEngine } = pipePair();
    serveOverProcess(engine, engineSide);
    const junk: unknown[] = [
      null,
      'request',
      42,
      { type: 'request', id: -1, method: 'echo', params: {} },
      { type: 'request', id: 1.5, method: 'echo', params: {} },
      { type: 'request', id: 7, method: 'x'.repeat(101), params: {} },
      { type: 'request', method: 'echo', params: {} },
      { type: 'response', id: 1, result: { ok: true, value: 1 } },
      { type: 'grant-path', path: 5 },
      { type: 'grant-path', path: '' },
      { type: 'grant', path: '/etc/passwd' },
    ];
    junk.forEach(sendToEngine);
    await tick();
    expect(engine.calls).toEqual([]);
    expect(fromEngine).toEqual([{ type: 'ready' }]);

    // The bad grants granted nothing, and the channel still works.
    const read = await client.request('read', { path: '/etc/passwd' });
    expect(!read.ok && read.error.code).toBe('forbidden');
  });

  it('stops answering and stops forwarding events once stopped', async () => {
    const engine = fakeEngine();
    const { engineSide, sendToEngine, fromEngine } = pipePair();
    const stop = serveOverProcess(engine, engineSide);
    expect(engine.listenerCount()).toBe(1);
    stop();
    expect(engine.listenerCount()).toBe(0);
    sendToEngine({ type: 'request', id: 1, method: 'echo', params: {} } satisfies RequestMessage);
    await tick();
    expect(engine.calls).toEqual([]);
    expect(fromEngine).toEqual([{ type: 'ready' }]);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const childMain = path.join(repoRoot, 'core/engine/child-main.ts');

function forkChildMain(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const childEnv = { ...process.env, ...env };
  if (!('ORCHARD_WORKSPACE' in env)) delete childEnv.ORCHARD_WORKSPACE;
  return fork(childMain, args, {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('child-main over a real process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('serves the real engine: projects.create then projects.list, and exits cleanly on disconnect', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'orchard-child-'));
    cleanups.push(() => rm(workspace, { recursive: true, force: true }));
    const child = forkChildMain(['--workspace', workspace]);
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const connection = connectToEngineProcess(child);
    await connection.ready.catch((error: unknown) => {
      throw new Error(`engine did not start: ${String(error)}\n${stderr}`);
    });
    const api = createClient(connection);
    const created = await api.projects.create({ name: 'Credit risk' });
    expect(created.name).toBe('Credit risk');
    const listed = await api.projects.list();
    expect(listed.map((project) => project.name)).toEqual(['Credit risk']);
    const info = await api.engine.info();
    expect(info.mode).toBe('desktop');
    expect(await realpath(info.workspace)).toBe(await realpath(workspace));

    // The desktop session reads only what Electron main granted.
    const csv = path.join(workspace, 'picked.csv');
    await writeFile(csv, 'age,income\n31,52000\n45,61000\n');
    const refused = await connection.request('datasets.inspect', { path: csv });
    expect(!refused.ok && refused.error.code).toBe('forbidden');
    connection.grantPath(csv);
    const inspected = await connection.request('datasets.inspect', { path: csv });
    expect(inspected.ok).toBe(true);

    child.disconnect();
    expect(await exited(child)).toBe(0);
  }, 60_000);

  it('reports a startup failure instead of hanging when no workspace is given', async () => {
    const child = forkChildMain([]);
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const connection = connectToEngineProcess(child);
    const error = await connection.ready.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(EngineStartupError);
    expect(String(error)).toContain('--workspace');
    expect(await exited(child)).toBe(1);
    const late = await connection.request('projects.list', {});
    expect(!late.ok && late.error.code).toBe('internal');
  }, 60_000);
});
