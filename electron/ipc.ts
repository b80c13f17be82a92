/**
 * Electron IPC between the preload and the engine host. Written against `IpcMainLike` (after
 * Bruno) so it is tested without Electron. Everything arriving here is untrusted: the sender is
 * checked first, then every argument is parsed with zod. The renderer can never grant a path
 * by name: paths come from the native dialog or from `webUtils.getPathForFile` in the preload.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { methodNames } from '../core/contract/index.js';
import type { RpcResult } from '../core/contract/index.js';

/** Channel names; `preload.cts` repeats them (a sandboxed preload cannot import), a test keeps them equal. */
export const channels = {
  request: 'orchard:request',
  event: 'orchard:event',
  pickDataFile: 'orchard:pick-data-file',
  pickImageFolder: 'orchard:pick-image-folder',
  grantDroppedFile: 'orchard:grant-dropped-file',
} as const;

/** The parts of `IpcMainInvokeEvent` the checks read. */
export interface IpcInvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string } | null;
}

/** The parts of Electron's `ipcMain` this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** What the IPC layer needs from the engine host. */
export interface EngineClient {
  request(method: string, params: unknown): Promise<RpcResult<unknown>>;
  grantPath(path: string): void;
}

export interface OpenDialogResultLike {
  readonly canceled: boolean;
  readonly filePaths: readonly string[];
}

/** The page our window shows: its webContents and the file:// URL of its document. */
export interface TrustedPage {
  readonly webContents: { readonly mainFrame: unknown };
  readonly url: string;
}

export interface IpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  readonly engine: EngineClient;
  /** The window's page, or undefined while there is none (then every call is refused). */
  readonly page: () => TrustedPage | undefined;
  /** `dialog.showOpenDialog` bound to the window. */
  readonly showOpenDialog: (options: OpenDialogOptionsLike) => Promise<OpenDialogResultLike>;
}

/** File kinds the import dialog offers; the engine still sniffs the content. */
export const dataFileDialogOptions = {
  title: 'Import data',
  properties: ['openFile'],
  filters: [
    { name: 'Data files', extensions: ['csv', 'tsv', 'parquet', 'json', 'jsonl', 'arrow', 'feather'] },
    { name: 'All files', extensions: ['*'] },
  ],
} as const satisfies OpenDialogOptionsLike;

/** A folder of PNG, JPEG and WebP images (an image dataset). */
export const imageFolderDialogOptions = {
  title: 'Import a folder of images',
  properties: ['openDirectory'],
  filters: [],
} as const satisfies OpenDialogOptionsLike;

/** The dialog options this module asks for: one file, or one folder. */
export interface OpenDialogOptionsLike {
  readonly title: string;
  readonly properties: readonly ['openFile'] | readonly ['openDirectory'];
  readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
}

const knownMethods: ReadonlySet<string> = new Set(methodNames);

const RequestArgs = z
  .object({
    method: z
      .string()
      .max(100)
      .refine((name) => knownMethods.has(name), { message: 'is not a method of the Orchard contract' }),
    params: z.unknown(),
  })
  .strict();

const DroppedFilePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => path.isAbsolute(p), { message: 'must be an absolute path' });

function samePage(frameUrl: string, pageUrl: string): boolean {
  try {
    const frame = new URL(frameUrl);
    const page = new URL(pageUrl);
    // Hash and query are the page's own routing; the document is what must match.
    return frame.protocol === 'file:' && page.protocol === 'file:' && frame.pathname === page.pathname;
  } catch {
    return false;
  }
}

/**
 * True only for the main frame of our window showing our own file:// page: not an iframe, not
 * another window, not a page navigated elsewhere.
 */
export function isTrustedSender(event: IpcInvokeEventLike, page: TrustedPage | undefined): boolean {
  if (page === undefined || event.senderFrame === null) return false;
  return (
    event.sender === page.webContents &&
    event.senderFrame === page.webContents.mainFrame &&
    samePage(event.senderFrame.url, page.url)
  );
}

export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused ${channel}: it did not come from the Orchard window.`);
    this.name = 'UntrustedSenderError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'} ${issue.message}`).join('; ');
}

/** Registers every Orchard channel; returns a function that removes them. */
export function registerIpcHandlers(options: IpcHandlerOptions): () => void {
  const { ipcMain, engine } = options;

  const guarded = <A extends unknown[]>(channel: string, handler: (...args: A) => Promise<unknown>): void => {
    ipcMain.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event, options.page())) throw new UntrustedSenderError(channel);
      return handler(...(args as A));
    });
  };

  guarded(channels.request, async (raw: unknown): Promise<RpcResult<unknown>> => {
    const parsed = RequestArgs.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid_input', message: `Malformed request: ${describeIssues(parsed.error)}.` },
      };
    }
    return engine.request(parsed.data.method, parsed.data.params);
  });

  guarded(channels.pickDataFile, async (): Promise<string | null> => {
    const choice = await options.showOpenDialog(dataFileDialogOptions);
    const chosen = choice.filePaths[0];
    if (choice.canceled || chosen === undefined) return null;
    engine.grantPath(chosen);
    return chosen;
  });

  guarded(channels.pickImageFolder, async (): Promise<string | null> => {
    const choice = await options.showOpenDialog(imageFolderDialogOptions);
    const chosen = choice.filePaths[0];
    if (choice.canceled || chosen === undefined) return null;
    engine.grantPath(chosen);
    return chosen;
  });

  guarded(channels.grantDroppedFile, async (raw: unknown): Promise<string> => {
    const parsed = DroppedFilePath.safeParse(raw);
    if (!parsed.success)
      throw new Error(`Cannot use the dropped item: its path ${describeIssues(parsed.error)}.`);
    const info = await stat(parsed.data).catch(() => undefined);
    if (!info?.isFile()) {
      throw new Error(
        `Cannot use ${parsed.data}: drop a file, not a folder or something that no longer exists.`,
      );
    }
    engine.grantPath(parsed.data);
    return parsed.data;
  });

  return () => {
    for (const channel of [
      channels.request,
      channels.pickDataFile,
      channels.pickImageFolder,
      channels.grantDroppedFile,
    ]) {
      ipcMain.removeHandler(channel);
    }
  };
}
