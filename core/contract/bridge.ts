import type { RpcResult } from './errors.js';

/**
 * What the Electron preload exposes to the page as `window.orchard` (contextBridge). The page
 * never sees channel names; it calls contract methods by name and hears contract events.
 */
export interface DesktopBridge {
  /** Call one contract method; the engine validates params. */
  request(method: string, params: unknown): Promise<RpcResult<unknown>>;
  /** Hear every engine event; returns a function that stops listening. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /** Show the native open-file dialog; the chosen path is granted to the engine. Null when cancelled. */
  pickDataFile(): Promise<string | null>;
  /** Show the native open-folder dialog (image folders); the chosen folder is granted. Null when cancelled. */
  pickImageFolder(): Promise<string | null>;
  /** Grant a file dropped on the window (a real File from a drop) and return its path. */
  grantDroppedFile(file: File): Promise<string>;
}
