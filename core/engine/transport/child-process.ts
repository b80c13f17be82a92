import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { RequestMessage, createMessageTransport, toErrorShape } from '../../contract/index.js';
import type { ClientTransport, RpcResult } from '../../contract/index.js';
import { pathsUnder } from '../path-policy.js';
import type { CallContext, Engine } from '../types.js';

/**
 * The engine's side of a Node IPC channel (`process.send` / `process.on('message')`), reduced to
 * two functions so the transport can be tested with an in-memory pair.
 */
export interface ProcessChannel {
  /** Posts one message to the other side; may throw when the channel has closed. */
  send(message: unknown): void;
  /** Delivers every incoming message; returns a function that stops delivering. */
  onMessage(handler: (message: unknown) => void): () => void;
}

/**
 * Sent by Electron main only (after a native open dialog or a drop the preload vouched for), never
 * forwarded from the renderer: it widens what the desktop session may read by one file.
 */
export const GrantPathMessage = z.object({
  type: z.literal('grant-path'),
  path: z.string().min(1).max(4096),
});
export type GrantPathMessage = z.infer<typeof GrantPathMessage>;

/** The engine is serving: anything sent before this may have been lost, so clients wait for it. */
export const ReadyMessage = z.object({ type: z.literal('ready') });
export type ReadyMessage = z.infer<typeof ReadyMessage>;

/** The engine could not start (workspace unreadable, database from a newer Orchard…); the process exits next. */
export const StartupFailedMessage = z.object({ type: z.literal('startup-failed'), message: z.string() });
export type StartupFailedMessage = z.infer<typeof StartupFailedMessage>;

/** `ready` rejects with this when the engine said it could not start (as opposed to dying). */
export class EngineStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartupError';
  }
}

/** What a desktop user sees when the engine refuses a path they did not pick. */
export const desktopPathHint = 'Choose the file with Import data or drop it on the window.';

/** A `ProcessChannel` over this process's IPC channel (the child side of `fork`). */
export function currentProcessChannel(proc: NodeJS.Process = process): ProcessChannel {
  return {
    send(message) {
      if (!proc.send || !proc.connected) throw new Error('The IPC channel to the parent process is closed.');
      // The callback keeps a late failure from surfacing as an 'error' event nobody listens to.
      proc.send(message, undefined, {}, () => undefined);
    },
    onMessage(handler) {
      const listener = (message: unknown): void => handler(message);
      proc.on('message', listener);
      return () => proc.off('message', listener);
    },
  };
}

function trySend(channel: ProcessChannel, message: unknown): void {
  try {
    channel.send(message);
  } catch {
    // The parent has gone; child-main closes the engine on 'disconnect'.
  }
}

/**
 * Serves `engine` over a process channel for the desktop app: requests in, responses and events
 * out, and `grant-path` messages widening the session's path policy. Anything else is dropped.
 * Returns a function that stops serving (the engine itself stays open).
 */
export function serveOverProcess(engine: Engine, channel: ProcessChannel): () => void {
  const policy = pathsUnder([], desktopPathHint);
  const context: CallContext = { mode: 'desktop', paths: policy };

  const answer = async (request: RequestMessage): Promise<void> => {
    let result: RpcResult<unknown>;
    try {
      result = await engine.handle(request.method, request.params, context);
    } catch (error) {
      result = { ok: false, error: toErrorShape(error) };
    }
    try {
      channel.send({ type: 'response', id: request.id, result });
    } catch (error) {
      // A value the channel could not serialise must still answer the caller, or it waits forever.
      trySend(channel, {
        type: 'response',
        id: request.id,
        result: { ok: false, error: toErrorShape(error) },
      });
    }
  };

  const stopListening = channel.onMessage((raw) => {
    const request = RequestMessage.safeParse(raw);
    if (request.success) {
      void answer(request.data);
      return;
    }
    // Granted synchronously on arrival: IPC is ordered, so a request sent after a grant sees it.
    const grant = GrantPathMessage.safeParse(raw);
    if (grant.success) policy.grant(grant.data.path);
  });
  const stopEvents = engine.onEvent((name, payload) => trySend(channel, { type: 'event', name, payload }));
  trySend(channel, { type: 'ready' } satisfies ReadyMessage);

  return () => {
    stopListening();
    stopEvents();
  };
}

/** A client of an engine child process: the contract transport plus the desktop-only grant. */
export interface EngineProcessConnection extends ClientTransport {
  /** Lets the engine read one file the user picked or dropped; ordered before later requests. */
  grantPath(path: string): void;
  /** Resolves once the engine is serving; rejects with `EngineStartupError` if it could not start. */
  readonly ready: Promise<void>;
}

/**
 * Connects to an engine started with `fork(child-main)`. Messages are held until the engine says
 * `ready`; when the child exits or disconnects, every pending request answers `internal`.
 */
export function connectToEngineProcess(child: ChildProcess): EngineProcessConnection {
  let isReady = false;
  let closedReason: string | undefined;
  const queued: unknown[] = [];
  let settleReady: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // A caller that never awaits `ready` must not see an unhandled rejection.
  ready.catch(() => undefined);

  const post = (message: unknown): void => {
    if (closedReason !== undefined) throw new Error(closedReason);
    if (!isReady) {
      queued.push(message);
      return;
    }
    if (!child.connected) throw new Error('The engine process has disconnected.');
    child.send(message as object, (error) => {
      if (error) close(`Could not reach the engine: ${error.message}`);
    });
  };

  const handlers = new Set<(message: unknown) => void>();
  const transport = createMessageTransport(post, (handler) => handlers.add(handler));

  const close = (reason: string, error: Error = new Error(reason)): void => {
    if (closedReason !== undefined) return;
    closedReason = reason;
    queued.length = 0;
    settleReady?.reject(error);
    transport.failAll(reason);
  };

  child.on('message', (raw: unknown) => {
    if (ReadyMessage.safeParse(raw).success) {
      if (isReady || closedReason !== undefined) return;
      isReady = true;
      settleReady?.resolve();
      for (const message of queued.splice(0)) post(message);
      return;
    }
    const failed = StartupFailedMessage.safeParse(raw);
    if (failed.success) {
      const reason = `The engine could not start: ${failed.data.message}`;
      close(reason, new EngineStartupError(reason));
      return;
    }
    for (const handler of handlers) handler(raw);
  });
  child.once('exit', (code, signal) => {
    close(`The engine stopped (${signal ?? `exit code ${code ?? 'unknown'}`}) before answering.`);
  });
  child.once('disconnect', () => close('The engine process disconnected before answering.'));
  // Without a listener an IPC error would be thrown in the parent (Electron main).
  child.on('error', (error) => close(`The engine process failed: ${error.message}`));

  return {
    request: (method, params) => transport.request(method, params),
    onEvent: (listener) => transport.onEvent(listener),
    grantPath(path) {
      post({ type: 'grant-path', path } satisfies GrantPathMessage);
    },
    ready,
  };
}
