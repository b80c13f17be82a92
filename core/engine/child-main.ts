/**
 * The engine process: Electron main (or any Node parent) forks this file with an IPC channel and
 * talks to it through `connectToEngineProcess`. It owns the workspace until the parent goes away.
 *
 *   node dist/core/engine/child-main.js --workspace DIR     (or ORCHARD_WORKSPACE=DIR)
 */
import { parseArgs } from 'node:util';
import type { Engine } from './types.js';
import { currentProcessChannel, serveOverProcess } from './transport/child-process.js';
import type { StartupFailedMessage } from './transport/child-process.js';

/** Where the workspace is: `--workspace DIR` wins over `ORCHARD_WORKSPACE`. */
function workspaceFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: { workspace: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const fromArgs = typeof values.workspace === 'string' ? values.workspace : undefined;
  const chosen = fromArgs ?? env.ORCHARD_WORKSPACE;
  return chosen === undefined || chosen.trim() === '' ? undefined : chosen;
}

function reportStartupFailure(message: string): void {
  console.error(`orchard engine: ${message}`);
  if (process.send && process.connected) {
    process.send({ type: 'startup-failed', message } satisfies StartupFailedMessage, undefined, {}, () =>
      process.exit(1),
    );
  } else {
    process.exit(1);
  }
}

async function main(): Promise<void> {
  if (!process.send) {
    reportStartupFailure(
      'child-main must be started with an IPC channel (child_process.fork); use `orchard` for the CLI.',
    );
    return;
  }
  const workspace = workspaceFrom(process.argv.slice(2), process.env);
  if (workspace === undefined) {
    reportStartupFailure('no workspace given: pass --workspace DIR or set ORCHARD_WORKSPACE.');
    return;
  }

  let engine: Engine;
  try {
    // Loaded here, not statically, so a module that fails to load (typically a native module built
    // for another ABI) is reported as a startup failure instead of a crash the host would retry.
    const { openEngine } = await import('./engine.js');
    engine = await openEngine({ workspace });
  } catch (error) {
    reportStartupFailure(error instanceof Error ? error.message : String(error));
    return;
  }

  const stopServing = serveOverProcess(engine, currentProcessChannel());
  let closing: Promise<void> | undefined;
  const shutdown = (exitCode: number): Promise<void> =>
    (closing ??= (async () => {
      stopServing();
      try {
        await engine.close();
      } catch (error) {
        console.error('orchard engine: closing the workspace failed:', error);
        exitCode = exitCode || 1;
      }
      process.exit(exitCode);
    })());

  // The parent closing the channel (Electron quitting or crashing) is the normal way to stop.
  process.once('disconnect', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  process.once('SIGINT', () => void shutdown(0));
}

await main();
