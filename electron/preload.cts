/**
 * The preload of the Orchard window: exposes `window.orchard` (a `DesktopBridge`) and nothing else.
 *
 * CommonJS on purpose (`.cts` → `preload.cjs`): the window is sandboxed and Electron cannot load an
 * ES-module preload in a sandboxed renderer; a sandboxed preload also cannot `require` project
 * files, so this file is self-contained (channel names repeat `ipc.ts`; a test keeps them equal).
 */
// `import … from` is not allowed in a CommonJS file under verbatimModuleSyntax (TS1286), so this one
// file uses TypeScript's CommonJS import form.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');
import type { DesktopBridge } from '../core/contract/bridge.js';
import type { RpcResult } from '../core/contract/errors.js';

const { contextBridge, ipcRenderer, webUtils } = electron;

const requestChannel = 'orchard:request';
const eventChannel = 'orchard:event';
const pickDataFileChannel = 'orchard:pick-data-file';
const pickImageFolderChannel = 'orchard:pick-image-folder';
const grantDroppedFileChannel = 'orchard:grant-dropped-file';

const bridge: DesktopBridge = {
  request(method: string, params: unknown): Promise<RpcResult<unknown>> {
    return ipcRenderer.invoke(requestChannel, { method, params }) as Promise<RpcResult<unknown>>;
  },
  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    // The IPC event object (with `sender`) never reaches the page: only name and payload do.
    const forward = (_event: unknown, name: unknown, payload: unknown): void => {
      if (typeof name === 'string') listener(name, payload);
    };
    ipcRenderer.on(eventChannel, forward);
    return () => {
      ipcRenderer.removeListener(eventChannel, forward);
    };
  },
  pickDataFile(): Promise<string | null> {
    return ipcRenderer.invoke(pickDataFileChannel) as Promise<string | null>;
  },
  pickImageFolder(): Promise<string | null> {
    return ipcRenderer.invoke(pickImageFolderChannel) as Promise<string | null>;
  },
  async grantDroppedFile(file: File): Promise<string> {
    // Only a File the user really dropped (or picked) has a path; a page cannot forge one, so the
    // path is looked up here rather than taken from the page.
    const filePath = webUtils.getPathForFile(file);
    if (filePath === '') {
      throw new Error(
        'This item has no file on disk (was it dragged from another app or a web page?). Drop a file from your file manager.',
      );
    }
    return (await ipcRenderer.invoke(grantDroppedFileChannel, filePath)) as string;
  },
};

contextBridge.exposeInMainWorld('orchard', bridge);
