import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineStatusEvent, startEngineHost } from './engine-host.js';
import type { EngineHost, EngineHostOptions, EngineStatus } from './engine-host.js';

const transportUrl = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '../core/engine/transport/child-process.ts'),
).href;

/**
 * A stand-in for child-main (the real engine is tested in child-process.test.ts): serves a tiny
 * engine over the real process transport. `test.pid` answers its pid, `test.read` applies the
 * path policy, `test.crash` exits hard; closing writes `closed` so the test can see a clean stop.
 */
const fixtureSource = `
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentProcessChannel, serveOverProcess } from ${JSON.stringify(transportUrl)};

const workspace = process.argv[process.argv.indexOf('--workspace') + 1];
if (process.env.FIXTURE_REFUSE) {
  process.send({ type: 'startup-failed', message: 'the workspace database is from a newer Orchard' }, undefined, {}, () => process.exit(1));
} else {
  const engine = {
    workspace,
    async handle(method, params, context) {
      if (method === 'test.pid') return { ok: true, value: { pid: process.pid, mode: context.mode } };
      if (method === 'test.read') {
        try { return { ok: true, value: context.paths.check(params.path) }; }
        catch (error) { return { ok: false, error: { code: 'forbidden', message: error.message } }; }
      }
      if (method === 'test.crash') process.exit(3);
      return { ok: false, error: { code: 'not_found', message: 'no ' + method } };
    },
    onEvent() { return () => {}; },
    async close() { writeFileSync(path.join(workspace, 'closed'), String(process.pid)); },
  };
  const stop = serveOverProcess(engine, currentProcessChannel());
  process.once('disconnect', async () => { stop(); await engine.close(); process.exit(0); });
}
`;

describe('startEngineHost', () => {
  let workspace: string;
  let entry: string;
  const hosts: EngineHost[] = [];

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'orchard-host-'));
    entry = path.join(workspace, 'fake-engine.mts');
    await writeFile(entry, fixtureSource);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.stop()));
    await rm(workspace, { recursive: true, force: true });
  });

  function start(overrides: Partial<EngineHostOptions> = {}) {
    const statuses: EngineStatus[] = [];
    const host = startEngineHost({
      entry,
      workspace,
      packaged: false,
      execArgv: ['--import', 'tsx'],
      restartPolicy: { maxRestarts: 2, windowMs: 60_000, backoffMs: 10 },
      stopGraceMs: 5_000,
      ...overrides,
    });
    hosts.push(host);
    host.onEvent((name, payload) => {
      if (name === engineStatusEvent) statuses.push(payload as EngineStatus);
    });
    const waitFor = (state: EngineStatus['state'], count = 1): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${count}× ${state}; saw ${JSON.stringify(statuses)}`)),
          20_000,
        );
        const check = (): void => {
          if (statuses.filter((status) => status.state === state).length >= count) {
            clearTimeout(timer);
            resolve();
          } else setTimeout(check, 10);
        };
        check();
      });
    return { host, statuses, waitFor };
  }

  const pidOf = async (host: EngineHost): Promise<number> => {
    const result = await host.request('test.pid', {});
    if (!result.ok) throw new Error(result.error.message);
    return (result.value as { pid: number }).pid;
  };

  it('starts the engine in desktop mode and answers requests', async () => {
    const { host, waitFor } = start();
    await waitFor('running');
    expect(host.status()).toEqual({ state: 'running' });
    const result = await host.request('test.pid', {});
    expect(result.ok && (result.value as { mode: string }).mode).toBe('desktop');
  }, 30_000);

  it('restarts a crashed engine, fails the request in flight, and replays granted files', async () => {
    const file = path.join(workspace, 'loans.csv');
    await writeFile(file, 'a\n1\n');
    const { host, statuses, waitFor } = start();
    await waitFor('running');
    host.grantPath(file);
    const firstPid = await pidOf(host);
    expect(await host.request('test.read', { path: file })).toEqual({
      ok: true,
      value: await realpath(file),
    });

    const inFlight = await host.request('test.crash', {});
    expect(!inFlight.ok && inFlight.error.code).toBe('internal');
    await waitFor('running', 2);
    expect(statuses.map((status) => status.state)).toEqual(['running', 'restarting', 'running']);
    expect(statuses[1]).toMatchObject({
      state: 'restarting',
      attempt: 1,
      reason: expect.stringContaining('code 3'),
    });

    expect(await pidOf(host)).not.toBe(firstPid);
    expect(await host.request('test.read', { path: file })).toEqual({
      ok: true,
      value: await realpath(file),
    });
    const other = await host.request('test.read', { path: path.join(workspace, 'other.csv') });
    expect(!other.ok && other.error.code).toBe('forbidden');
  }, 30_000);

  it('gives up after too many crashes and says why', async () => {
    const { host, waitFor } = start({ restartPolicy: { maxRestarts: 1, windowMs: 60_000, backoffMs: 10 } });
    await waitFor('running');
    await host.request('test.crash', {});
    await waitFor('running', 2);
    await host.request('test.crash', {});
    await waitFor('failed');
    const status = host.status();
    expect(status.state === 'failed' && status.reason).toMatch(/crashed 2 times/);
    const refused = await host.request('test.pid', {});
    expect(!refused.ok && refused.error.message).toMatch(/not running/);
  }, 30_000);

  it('does not restart an engine that refused to start, and passes its reason on', async () => {
    process.env.FIXTURE_REFUSE = '1';
    try {
      const { host, statuses, waitFor } = start();
      await waitFor('failed');
      expect(statuses.map((status) => status.state)).toEqual(['failed']);
      const status = host.status();
      expect(status.state === 'failed' && status.reason).toContain('newer Orchard');
    } finally {
      delete process.env.FIXTURE_REFUSE;
    }
  }, 30_000);

  it('fails with a clear reason when the Node runtime cannot be spawned at all', async () => {
    process.env.ORCHARD_ENGINE_NODE = path.join(workspace, 'no-such-node');
    try {
      const { host, statuses, waitFor } = start();
      await waitFor('failed');
      expect(statuses.map((status) => status.state)).toEqual(['failed']);
      const status = host.status();
      expect(status.state === 'failed' && status.reason).toMatch(/ORCHARD_ENGINE_NODE.*ENOENT/);
    } finally {
      delete process.env.ORCHARD_ENGINE_NODE;
    }
  }, 30_000);

  it('stop() lets the engine close its workspace and exit, and does not restart it', async () => {
    const { host, statuses, waitFor } = start();
    await waitFor('running');
    const pid = await pidOf(host);
    await host.stop();
    expect(await readFile(path.join(workspace, 'closed'), 'utf8')).toBe(String(pid));
    expect(() => process.kill(pid, 0)).toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(statuses.map((s) => s.state)).toEqual(['running']);
    expect(existsSync(path.join(workspace, 'closed'))).toBe(true);
  }, 30_000);
});
