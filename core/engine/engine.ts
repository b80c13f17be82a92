import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidInputError, NotFoundError, isMethodName, methods, toErrorShape } from '../contract/index.js';
import type { EventName, EventPayload, MethodName, RpcResult } from '../contract/index.js';
import { openDuck } from '../data/duck.js';
import {
  ObjectStore,
  isProcessAlive,
  markOrphanedJobsInterrupted,
  markOrphanedRunsInterrupted,
  openRegistry,
} from '../registry/index.js';
import { datasetHandlers } from './handlers/datasets.js';
import { imageHandlers } from './handlers/images.js';
import { jobHandlers } from './handlers/jobs.js';
import { labelFileHandlers } from './handlers/label-files.js';
import { labelHandlers } from './handlers/labels.js';
import { projectHandlers } from './handlers/projects.js';
import { trainingHandlers } from './handlers/training.js';
import { validationHandlers } from './handlers/validation.js';
import { JobRunner } from './job-runner.js';
import type { EngineParts, Handler, HandlerMap } from './parts.js';
import type { CallContext, Engine, EventListener } from './types.js';
import { orchardVersion } from './version.js';

export interface EngineOptions {
  readonly workspace: string;
  /** Who is acting, for the audit log; the OS user by default. */
  readonly actor?: string;
  /** DuckDB memory limit, e.g. '1GB'. */
  readonly memoryLimit?: string;
}

/** Where the CLI and `orchard serve` keep their workspace unless told otherwise. */
export function defaultWorkspace(): string {
  return process.env['ORCHARD_HOME'] ?? path.join(os.homedir(), '.orchard');
}

function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Opens a workspace: registry, object store, DuckDB, job runner; marks orphaned jobs interrupted. */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  const workspace = path.resolve(options.workspace);
  await mkdir(workspace, { recursive: true });
  const store = new ObjectStore(workspace);
  await store.init();
  const db = openRegistry(path.join(workspace, 'orchard.db'));
  markOrphanedJobsInterrupted(db, (pid) => pid !== process.pid && isProcessAlive(pid));
  markOrphanedRunsInterrupted(db);
  const duck = await openDuck({
    tempDirectory: path.join(store.stagingDir, 'duckdb'),
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  });
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) =>
    emitter.emit('event', name, payload);
  const jobs = new JobRunner(db, emit);
  const parts: EngineParts = {
    workspace,
    db,
    store,
    duck,
    jobs,
    emit,
    actor: options.actor ?? safeUserName(),
  };
  const duckdbVersion = (await duck.connect().then(async (c) => {
    const v = (await c.runAndReadAll('SELECT version() AS v')).getRowObjects()[0]?.['v'];
    c.closeSync();
    return String(v);
  })) as string;

  const handlers: HandlerMap<MethodName> = {
    'engine.info': (_params, context) => ({ orchardVersion, workspace, duckdbVersion, mode: context.mode }),
    ...projectHandlers(parts),
    ...datasetHandlers(parts),
    ...imageHandlers(parts),
    ...jobHandlers(parts),
    ...validationHandlers(parts),
    ...trainingHandlers(parts),
    ...labelHandlers(parts),
    ...labelFileHandlers(parts),
  };

  let closed = false;
  return {
    workspace,
    async handle(method: string, params: unknown, context: CallContext): Promise<RpcResult<unknown>> {
      try {
        if (closed) throw new NotFoundError('The engine has shut down.');
        if (!isMethodName(method)) throw new NotFoundError(`Unknown method "${method}".`, { method });
        const parsed = methods[method].params.safeParse(params ?? {});
        if (!parsed.success) {
          throw new InvalidInputError(
            `Invalid parameters for ${method}: ${formatIssues(parsed.error.issues)}`,
            {
              method,
              issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
            },
          );
        }
        const handler = handlers[method] as Handler<typeof method>;
        const value = await handler(parsed.data as never, context);
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error: toErrorShape(error) };
      }
    },
    onEvent(listener: EventListener) {
      const forward = (name: EventName, payload: EventPayload<EventName>) => listener(name, payload);
      emitter.on('event', forward);
      return () => emitter.off('event', forward);
    },
    async close() {
      if (closed) return;
      closed = true;
      await jobs.close();
      duck.closeSync();
      db.close();
      await store.close();
    },
  };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
