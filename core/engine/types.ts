import type { EventName, EventPayload, RpcResult } from '../contract/index.js';

/** Which door a call came through; decides what a caller may touch on disk. */
export type CallerMode = 'in-process' | 'browser' | 'desktop';

/**
 * Which files a caller may read. The CLI and tests may read anything; a browser page only what
 * was uploaded or lies under a folder named with `--data-dir`; the desktop app only what the user
 * picked in a native dialog or dropped on the window.
 */
export interface PathPolicy {
  /** Throws `ForbiddenError` naming the path and how to allow it, or returns the resolved path. */
  check(path: string): string;
}

export interface CallContext {
  readonly mode: CallerMode;
  readonly paths: PathPolicy;
}

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** The engine as every transport sees it: one handler map behind one `handle`. */
export interface Engine {
  readonly workspace: string;
  handle(method: string, params: unknown, context: CallContext): Promise<RpcResult<unknown>>;
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}
