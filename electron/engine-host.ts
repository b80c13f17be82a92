/**
 * Runs the engine as a child process for the desktop app and keeps it running: restarts it after a
 * crash (a few times, with back-off), replays the files the user granted, tells the renderer
 * through an `engine.status` event, and stops it when the app quits. No Electron import, so it is
 * tested with plain Node.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { EventName, EventPayload, RpcResult } from '../core/contract/index.js';
import { EngineStartupError, connectToEngineProcess } from '../core/engine/transport/child-process.js';
import type { EngineProcessConnection } from '../core/engine/transport/child-process.js';
import type { EngineClient } from './ipc.js';

/** Event name the host adds to the engine's own events (not a contract event: the engine never sends it). */
export const engineStatusEvent = 'engine.status' satisfies EventName;

/** Declared in the contract so the page hears it through the typed client. */
export type EngineStatus = EventPayload<'engine.status'>;

export interface RestartPolicy {
  /** Crashes tolerated inside `windowMs` before giving up. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** Delay before restart n is n × backoffMs. */
  readonly backoffMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { maxRestarts: 3, windowMs: 60_000, backoffMs: 500 };

export interface EngineHostOptions {
  /** Compiled `core/engine/child-main.js`. */
  readonly entry: string;
  readonly workspace: string;
  /** `app.isPackaged`: decides which runtime runs the engine (see `forkEngine`). */
  readonly packaged: boolean;
  /** Extra Node flags for the child (tests: `['--import', 'tsx']` to run the .ts entry). */
  readonly execArgv?: readonly string[];
  readonly restartPolicy?: RestartPolicy;
  /** Time the engine gets to close its workspace on quit before it is killed. */
  readonly stopGraceMs?: number;
}

export interface EngineHost extends EngineClient {
  /** Engine events plus `engine.status`; returns a function that stops listening. */
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
  /** Current state, for a window that opens after the last status event. */
  status(): EngineStatus;
  /** Closes the engine (it closes its workspace), killing it if it does not exit in time. */
  stop(): Promise<void>;
}

/**
 * Which runtime runs the engine:
 * - packaged app: Electron's own binary (`process.execPath`) with `ELECTRON_RUN_AS_NODE=1`, because
 *   electron-builder rebuilds the native modules (better-sqlite3, DuckDB) for Electron's ABI and an
 *   installed app cannot count on a Node being on PATH;
 * - development (`electron .`): the `node` on PATH (or `ORCHARD_ENGINE_NODE`), because `npm install`
 *   built those native modules for Node's ABI, the same ones the CLI and tests load.
 */
function forkEngine(options: EngineHostOptions): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ORCHARD_WORKSPACE: options.workspace };
  delete env.ELECTRON_RUN_AS_NODE;
  if (options.packaged) env.ELECTRON_RUN_AS_NODE = '1';
  return fork(options.entry, ['--workspace', options.workspace], {
    execPath: options.packaged ? process.execPath : (process.env.ORCHARD_ENGINE_NODE ?? 'node'),
    execArgv: [...(options.execArgv ?? [])],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
}

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null
    ? `the engine was killed by ${signal}`
    : `the engine exited with code ${code ?? 'unknown'}`;
}

export function startEngineHost(options: EngineHostOptions): EngineHost {
  const policy = options.restartPolicy ?? defaultRestartPolicy;
  const listeners = new Set<(name: string, payload: unknown) => void>();
  // Files the user granted this session; a restarted engine starts empty, so they are replayed.
  const granted = new Set<string>();
  const crashes: number[] = [];
  let child: ChildProcess | undefined;
  let connection: EngineProcessConnection | undefined;
  let current: EngineStatus = { state: 'starting' };
  let restartTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const emit = (name: string, payload: unknown): void => {
    for (const listener of listeners) listener(name, payload);
  };
  const setStatus = (status: EngineStatus): void => {
    current = status;
    emit(engineStatusEvent, status);
  };

  const launch = (): void => {
    const started = forkEngine(options);
    const connected = connectToEngineProcess(started);
    let startupError: string | undefined;
    child = started;
    connection = connected;
    connected.onEvent(emit);
    for (const file of granted) connected.grantPath(file);
    connected.ready.then(
      () => {
        if (connection === connected && stopping === undefined) setStatus({ state: 'running' });
      },
      (error: unknown) => {
        // Only a refusal is final; dying before `ready` is a crash like any other.
        if (error instanceof EngineStartupError) startupError = error.message;
      },
    );
    // A runtime that cannot be spawned at all emits 'error' and never 'exit'.
    started.once('error', (error) => {
      if (child !== started || started.pid !== undefined) return;
      child = undefined;
      connection = undefined;
      if (stopping !== undefined) return;
      const runtime = options.packaged ? process.execPath : 'node (set ORCHARD_ENGINE_NODE to use another)';
      setStatus({ state: 'failed', reason: `Could not start the engine with ${runtime}: ${error.message}` });
    });
    started.once('exit', (code, signal) => {
      if (child !== started) return;
      child = undefined;
      connection = undefined;
      if (stopping !== undefined) return;
      onCrash(startupError ?? exitReason(code, signal), startupError !== undefined);
    });
  };

  const onCrash = (reason: string, couldNotStart: boolean): void => {
    // A workspace the engine refuses to open fails the same way every time: say so, don't loop.
    if (couldNotStart) {
      setStatus({ state: 'failed', reason });
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && now - crashes[0]! > policy.windowMs) crashes.shift();
    if (crashes.length > policy.maxRestarts) {
      setStatus({
        state: 'failed',
        reason: `${reason}; it crashed ${crashes.length} times in ${Math.round(policy.windowMs / 1000)} s, so Orchard stopped restarting it. Quit and reopen Orchard.`,
      });
      return;
    }
    const attempt = crashes.length;
    setStatus({ state: 'restarting', reason, attempt });
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping === undefined) launch();
    }, attempt * policy.backoffMs);
  };

  launch();

  return {
    request(method, params): Promise<RpcResult<unknown>> {
      if (connection === undefined) {
        const message =
          current.state === 'failed'
            ? `The engine is not running: ${current.reason}`
            : 'The engine is restarting after a crash; try again in a moment.';
        return Promise.resolve({ ok: false, error: { code: 'internal', message } });
      }
      return connection.request(method, params);
    },
    grantPath(file) {
      granted.add(file);
      // While restarting there is no connection; the next launch replays `granted`.
      connection?.grantPath(file);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => current,
    stop() {
      return (stopping ??= new Promise<void>((resolve) => {
        if (restartTimer !== undefined) clearTimeout(restartTimer);
        const running = child;
        if (running === undefined || running.exitCode !== null || running.signalCode !== null) {
          resolve();
          return;
        }
        const killTimer = setTimeout(() => running.kill('SIGKILL'), options.stopGraceMs ?? 5_000);
        running.once('exit', () => {
          clearTimeout(killTimer);
          resolve();
        });
        // child-main closes the engine when its channel closes; SIGTERM covers a child with no channel.
        if (running.connected) running.disconnect();
        else running.kill('SIGTERM');
      }));
    },
  };
}
