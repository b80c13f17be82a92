import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RpcResult } from '../core/contract/index.js';
import {
  UntrustedSenderError,
  channels,
  dataFileDialogOptions,
  imageFolderDialogOptions,
  isTrustedSender,
  registerIpcHandlers,
} from './ipc.js';
import type {
  EngineClient,
  IpcInvokeEventLike,
  IpcMainLike,
  OpenDialogResultLike,
  TrustedPage,
} from './ipc.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Like `ipcRenderer.invoke`: a throw in the handler becomes a rejection. */
  async invoke(channel: string, event: IpcInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

class FakeEngine implements EngineClient {
  readonly requests: { method: string; params: unknown }[] = [];
  readonly grants: string[] = [];
  async request(method: string, params: unknown): Promise<RpcResult<unknown>> {
    this.requests.push({ method, params });
    return { ok: true, value: { answered: method } };
  }
  grantPath(p: string): void {
    this.grants.push(p);
  }
}

const pageUrl = 'file:///opt/Orchard/resources/app.asar/dist/renderer/index.html';
const mainFrame = { url: `${pageUrl}#/projects` };
const webContents = { mainFrame };
const page: TrustedPage = { webContents, url: pageUrl };
const trusted: IpcInvokeEventLike = { sender: webContents, senderFrame: mainFrame };

function setUp(options: { dialog?: OpenDialogResultLike; page?: TrustedPage | undefined } = {}) {
  const ipcMain = new FakeIpcMain();
  const engine = new FakeEngine();
  const dialogCalls: unknown[] = [];
  const currentPage = 'page' in options ? options.page : page;
  const unregister = registerIpcHandlers({
    ipcMain,
    engine,
    page: () => currentPage,
    showOpenDialog: async (dialogOptions) => {
      dialogCalls.push(dialogOptions);
      return options.dialog ?? { canceled: true, filePaths: [] };
    },
  });
  return { ipcMain, engine, dialogCalls, unregister };
}

describe('isTrustedSender', () => {
  it('accepts only the main frame of our window showing our page', () => {
    expect(isTrustedSender(trusted, page)).toBe(true);
    expect(isTrustedSender({ sender: webContents, senderFrame: mainFrame }, undefined)).toBe(false);
    // another window
    expect(isTrustedSender({ sender: { mainFrame }, senderFrame: mainFrame }, page)).toBe(false);
    // an iframe inside our window, even one showing our own page
    expect(isTrustedSender({ sender: webContents, senderFrame: { url: pageUrl } }, page)).toBe(false);
    // a frame that has navigated away or been destroyed
    expect(isTrustedSender({ sender: webContents, senderFrame: null }, page)).toBe(false);
  });

  it('refuses our main frame once it shows anything but our file:// page', () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///tmp/downloaded/index.html',
      'data:text/html,<script>1</script>',
      'not a url',
    ]) {
      const frame = { url };
      const contents = { mainFrame: frame };
      expect(
        isTrustedSender({ sender: contents, senderFrame: frame }, { webContents: contents, url: pageUrl }),
      ).toBe(false);
    }
  });
});

describe('registerIpcHandlers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'orchard-ipc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('forwards a well-formed request to the engine and returns its result unchanged', async () => {
    const { ipcMain, engine } = setUp();
    const result = await ipcMain.invoke(channels.request, trusted, {
      method: 'projects.create',
      params: { name: 'Churn' },
    });
    expect(result).toEqual({ ok: true, value: { answered: 'projects.create' } });
    expect(engine.requests).toEqual([{ method: 'projects.create', params: { name: 'Churn' } }]);
  });

  it('refuses every channel from an untrusted sender without touching the engine or the dialog', async () => {
    const { ipcMain, engine, dialogCalls } = setUp({
      dialog: { canceled: false, filePaths: ['/etc/passwd'] },
    });
    const iframe: IpcInvokeEventLike = { sender: webContents, senderFrame: { url: pageUrl } };
    await expect(
      ipcMain.invoke(channels.request, iframe, { method: 'projects.list', params: {} }),
    ).rejects.toBeInstanceOf(UntrustedSenderError);
    await expect(ipcMain.invoke(channels.pickDataFile, iframe)).rejects.toBeInstanceOf(UntrustedSenderError);
    await expect(ipcMain.invoke(channels.grantDroppedFile, iframe, '/etc/passwd')).rejects.toBeInstanceOf(
      UntrustedSenderError,
    );
    expect(engine.requests).toEqual([]);
    expect(engine.grants).toEqual([]);
    expect(dialogCalls).toEqual([]);
  });

  it('refuses everything while no window is open', async () => {
    const { ipcMain, engine } = setUp({ page: undefined });
    await expect(
      ipcMain.invoke(channels.request, trusted, { method: 'projects.list', params: {} }),
    ).rejects.toBeInstanceOf(UntrustedSenderError);
    expect(engine.requests).toEqual([]);
  });

  it('answers invalid_input for malformed requests and never forwards them', async () => {
    const { ipcMain, engine } = setUp();
    const malformed: unknown[] = [
      undefined,
      'projects.list',
      { params: {} },
      { method: 42, params: {} },
      { method: 'projects.list', params: {}, grant: '/etc/passwd' },
      { method: 'internal.debug', params: {} },
      { method: 'x'.repeat(101), params: {} },
    ];
    for (const raw of malformed) {
      const result = (await ipcMain.invoke(channels.request, trusted, raw)) as RpcResult<unknown>;
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('invalid_input');
    }
    expect(engine.requests).toEqual([]);
  });

  it('pick-data-file: offers the data formats, grants the chosen file, returns null when cancelled', async () => {
    const chosen = path.join(dir, 'loans.parquet');
    const picked = setUp({ dialog: { canceled: false, filePaths: [chosen] } });
    expect(await picked.ipcMain.invoke(channels.pickDataFile, trusted)).toBe(chosen);
    expect(picked.engine.grants).toEqual([chosen]);
    expect(picked.dialogCalls).toEqual([dataFileDialogOptions]);
    expect(dataFileDialogOptions.filters[0].extensions).toEqual([
      'csv',
      'tsv',
      'parquet',
      'json',
      'jsonl',
      'arrow',
      'feather',
    ]);

    const cancelled = setUp({ dialog: { canceled: true, filePaths: [] } });
    expect(await cancelled.ipcMain.invoke(channels.pickDataFile, trusted)).toBeNull();
    expect(cancelled.engine.grants).toEqual([]);
  });

  it('pick-image-folder: asks for a folder, grants it, returns null when cancelled', async () => {
    const chosen = path.join(dir, 'shapes');
    const picked = setUp({ dialog: { canceled: false, filePaths: [chosen] } });
    expect(await picked.ipcMain.invoke(channels.pickImageFolder, trusted, '/etc')).toBe(chosen);
    expect(picked.engine.grants).toEqual([chosen]);
    expect(picked.dialogCalls).toEqual([imageFolderDialogOptions]);
    expect(imageFolderDialogOptions.properties).toEqual(['openDirectory']);

    const cancelled = setUp({ dialog: { canceled: true, filePaths: [] } });
    expect(await cancelled.ipcMain.invoke(channels.pickImageFolder, trusted)).toBeNull();
    expect(cancelled.engine.grants).toEqual([]);
  });

  it('pick-data-file ignores arguments the page tries to pass', async () => {
    const { ipcMain, engine } = setUp({ dialog: { canceled: true, filePaths: [] } });
    expect(await ipcMain.invoke(channels.pickDataFile, trusted, '/etc/passwd')).toBeNull();
    expect(engine.grants).toEqual([]);
  });

  it('grant-dropped-file grants an existing file and refuses relative paths, folders and missing files', async () => {
    const file = path.join(dir, 'train.csv');
    await writeFile(file, 'x\n1\n');
    const { ipcMain, engine } = setUp();

    expect(await ipcMain.invoke(channels.grantDroppedFile, trusted, file)).toBe(file);
    for (const bad of [
      'train.csv',
      '',
      42,
      null,
      { path: file },
      dir,
      path.join(dir, 'missing.csv'),
      'x'.repeat(5000),
    ]) {
      await expect(ipcMain.invoke(channels.grantDroppedFile, trusted, bad)).rejects.toThrow(/Cannot use/);
    }
    expect(engine.grants).toEqual([file]);
  });

  it('removes its handlers when unregistered', async () => {
    const { ipcMain, unregister } = setUp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      [channels.grantDroppedFile, channels.pickDataFile, channels.pickImageFolder, channels.request].sort(),
    );
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('preload.cts', () => {
  it('uses the same channel names as ipc.ts (it cannot import them: sandboxed preloads cannot require files)', async () => {
    const source = await readFile(
      path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload.cts'),
      'utf8',
    );
    const declared = [...source.matchAll(/const \w+Channel = '([^']+)'/g)].map((match) => match[1]).sort();
    expect(declared).toEqual(Object.values(channels).sort());
  });
});
