import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { OrchardApp } from './pages/orchard-app.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface OrchardServer {
  /** The address the server printed, token included. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly token: string;
  readonly workspace: string;
  /** Stops the server now (the fixture otherwise stops it after the test). */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash or a power cut would: no clean shutdown. */
  kill(): Promise<void>;
  /** Starts it again on the same port and workspace; it prints a new token. */
  restart(): Promise<void>;
}

interface PrintedAddress {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
}

const startTimeoutMs = 30_000;

/** Starts `orchard serve` and resolves once it printed its address. */
async function startServer(
  workspace: string,
  port: number,
  log: (text: string) => void,
): Promise<{ address: PrintedAddress; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'orchard.js'),
      'serve',
      '--workspace',
      workspace,
      '--port',
      String(port),
      '--no-open',
    ],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  const address = await new Promise<PrintedAddress>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`orchard serve printed no address within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      log(text);
      const match = /Orchard is running at (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      const url = new URL(match[1]);
      resolve({ url: match[1], origin: url.origin, token: url.searchParams.get('token') ?? '' });
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      log(text);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`orchard serve exited (${code ?? signal}) before printing its address:\n${output}`));
    });
  });
  return { address, child };
}

async function stopServer(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function killServer(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

interface Fixtures {
  /** A folder for files a test writes (generated CSVs); removed afterwards. */
  scratchDir: string;
  server: OrchardServer;
  /** The app opened through the printed address (so the auth cookie is set). */
  app: OrchardApp;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  scratchDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orchard-e2e-files-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use, testInfo) => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'orchard-e2e-workspace-'));
    let log = '';
    const append = (text: string): void => {
      log += text;
    };
    let { address, child } = await startServer(workspace, 0, append);
    const server: OrchardServer = {
      get url() {
        return address.url;
      },
      get origin() {
        return address.origin;
      },
      get token() {
        return address.token;
      },
      workspace,
      stop: () => stopServer(child),
      kill: () => killServer(child),
      restart: async () => {
        await stopServer(child);
        ({ address, child } = await startServer(workspace, Number(new URL(address.origin).port), append));
      },
    };
    try {
      await use(server);
    } finally {
      await stopServer(child);
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('orchard-serve.log', { body: log, contentType: 'text/plain' });
      }
      await rm(workspace, { recursive: true, force: true });
    }
  },
  app: async ({ page, server }, use) => {
    // A CSP violation (eval, inline script) or an uncaught exception shows up here; none is expected.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    const app = new OrchardApp(page);
    await app.open(server.url);
    await use(app);
    expect(problems, 'the page logged errors').toEqual([]);
  },
});

export { expect };
