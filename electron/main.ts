/**
 * Electron main: windows, menu, native dialogs, the engine child process, IPC forwarding. No
 * business logic lives here; the engine (a separate process) owns the workspace.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BrowserWindow, Menu, app, dialog, ipcMain, session, shell } from 'electron';
import type { MenuItemConstructorOptions, OpenDialogOptions, WebContents } from 'electron';
import { engineStatusEvent, startEngineHost } from './engine-host.js';
import type { EngineHost } from './engine-host.js';
import { channels, registerIpcHandlers } from './ipc.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/electron
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const preloadScript = path.join(here, 'preload.cjs');
const engineEntry = path.join(here, '..', 'core', 'engine', 'child-main.js');

/**
 * The page's Content-Security-Policy, sent as a response header. Whether `webRequest` header hooks
 * run for file:// loads has varied across Electron versions (electron/electron#23485, #45903), so
 * `renderer/index.html` should carry the same policy in a `<meta http-equiv>` tag as well
 * (`frame-ancestors` is header-only and is the one directive a meta tag cannot carry).
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `--workspace DIR` or `ORCHARD_WORKSPACE`, else the app's userData folder (ARCHITECTURE.md). */
function chooseWorkspace(): string {
  const { values } = parseArgs({
    args: process.argv.slice(1),
    options: { workspace: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const given = typeof values.workspace === 'string' ? values.workspace : process.env.ORCHARD_WORKSPACE;
  return given !== undefined && given.trim() !== '' ? path.resolve(given) : app.getPath('userData');
}

function isExternalWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** No page of ours navigates, opens windows, or embeds webviews; links to the web open in the browser. */
function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(app.isPackaged ? [] : ([{ role: 'reload' }, { role: 'toggleDevTools' }] as const)),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Orchard',
    show: false,
    webPreferences: {
      preload: preloadScript,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}

let mainWindow: BrowserWindow | undefined;
let engine: EngineHost | undefined;
let engineStopped = false;

/** Everything that needs the app ready. Not a top-level `await app.whenReady()`: Electron emits
 * `ready` only after the ESM entry has finished evaluating, so awaiting it at top level hangs. */
function startApp(): void {
  lockDownSession();
  Menu.setApplicationMenu(buildMenu());

  const host = startEngineHost({
    entry: engineEntry,
    workspace: chooseWorkspace(),
    packaged: app.isPackaged,
  });
  engine = host;
  const rendererUrl = pathToFileURL(rendererIndex).href;

  registerIpcHandlers({
    ipcMain,
    engine: host,
    page: () =>
      mainWindow === undefined || mainWindow.isDestroyed()
        ? undefined
        : { webContents: mainWindow.webContents, url: rendererUrl },
    showOpenDialog: (options) => {
      const dialogOptions: OpenDialogOptions = {
        title: options.title,
        properties: [...options.properties],
        filters: options.filters.map((filter) => ({ name: filter.name, extensions: [...filter.extensions] })),
      };
      return mainWindow === undefined
        ? dialog.showOpenDialog(dialogOptions)
        : dialog.showOpenDialog(mainWindow, dialogOptions);
    },
  });
  host.onEvent((name, payload) => {
    if (mainWindow !== undefined && !mainWindow.isDestroyed()) {
      mainWindow.webContents.send(channels.event, name, payload);
    }
  });

  openMainWindow();
  app.on('activate', () => {
    if (mainWindow === undefined) openMainWindow();
  });
}

function openMainWindow(): void {
  const window = createWindow();
  mainWindow = window;
  // A page that loads after the last status event still learns whether the engine is up.
  window.webContents.on('did-finish-load', () => {
    if (engine !== undefined) window.webContents.send(channels.event, engineStatusEvent, engine.status());
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Sandbox every renderer, including any a dependency might open.
  app.enableSandbox();
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quit waits for the engine to close its workspace (WAL checkpoint, running jobs marked interrupted).
  app.on('before-quit', (event) => {
    if (engineStopped || engine === undefined) return;
    event.preventDefault();
    void engine.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  void app.whenReady().then(startApp);
}
