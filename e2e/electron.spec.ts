/**
 * The desktop app end to end: launches the built app (`npm run build` first) with Playwright's
 * Electron driver on a throwaway workspace and checks what a person sees, plus the security shape
 * of the bridge the page gets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The path `require('electron')` would return, worked out without calling it: the package's
 * index.js starts a download when the binary is missing, which must not happen during a test run.
 * Mirrors node_modules/electron/index.js (path.txt, ELECTRON_OVERRIDE_DIST_PATH).
 */
function electronBinary(): string | undefined {
  try {
    const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = path.join(packageDir, 'path.txt');
    const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    if (override !== undefined) return path.join(override, relative ?? 'electron');
    return relative === undefined ? undefined : path.join(packageDir, 'dist', relative);
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const electronAvailable = binary !== undefined && existsSync(binary);

test.describe('Electron app', () => {
  test.skip(
    !electronAvailable,
    'Electron binary not installed: this machine cannot download it (no network beyond the npm registry); run where Electron is present',
  );

  let app: ElectronApplication;
  let window: Page;
  let workspace: string;

  test.beforeEach(async () => {
    workspace = await mkdtemp(path.join(os.tmpdir(), 'orchard-e2e-electron-'));
    app = await electron.launch({
      executablePath: binary,
      args: [repoRoot, '--workspace', workspace],
      cwd: repoRoot,
      env: { ...process.env, ORCHARD_WORKSPACE: workspace },
    });
    window = await app.firstWindow();
  });

  test.afterEach(async () => {
    await app?.close();
    await rm(workspace, { recursive: true, force: true });
  });

  test('opens one window showing the project sidebar, connected to the engine', async () => {
    await expect(window.getByTestId('sidebar')).toBeVisible();
    await expect(window.getByRole('heading', { name: 'Projects' })).toBeVisible();

    await window.getByTestId('new-project-name').fill('Credit risk');
    await window.getByTestId('create-project').click();
    await expect(window.getByTestId('project-item').filter({ hasText: 'Credit risk' })).toBeVisible();
    expect(app.windows()).toHaveLength(1);
  });

  test('the page gets window.orchard and nothing of Node or Electron', async () => {
    const shape = await window.evaluate(() => {
      const bridge = (window as unknown as { orchard?: Record<string, unknown> }).orchard;
      const scope = globalThis as Record<string, unknown>;
      return {
        keys: bridge === undefined ? [] : Object.keys(bridge).sort(),
        require: typeof scope['require'],
        process: typeof scope['process'],
        ipcRenderer: typeof scope['ipcRenderer'],
      };
    });
    expect(shape).toEqual({
      keys: ['grantDroppedFile', 'onEvent', 'pickDataFile', 'request'],
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
    });

    const info = await window.evaluate(() =>
      (
        window as unknown as { orchard: { request(m: string, p: unknown): Promise<unknown> } }
      ).orchard.request('engine.info', {}),
    );
    expect(info).toMatchObject({ ok: true, value: { mode: 'desktop' } });
  });

  test('the engine refuses a path the user did not pick or drop', async () => {
    const outcome = await window.evaluate(async () => {
      const bridge = (window as unknown as { orchard: { request(m: string, p: unknown): Promise<unknown> } })
        .orchard;
      return bridge.request('datasets.inspect', { path: '/etc/hosts' });
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
