import type { DuckDBInstance } from '@duckdb/node-api';
import type { EventName, EventPayload, MethodName, ParsedParamsOf, ResultOf } from '../contract/index.js';
import type { ObjectStore, RegistryDb } from '../registry/index.js';
import type { JobRunner } from './job-runner.js';
import type { CallContext } from './types.js';

/** What handlers work with: the registry, the object store, DuckDB and the job runner. */
export interface EngineParts {
  readonly workspace: string;
  readonly db: RegistryDb;
  readonly store: ObjectStore;
  readonly duck: DuckDBInstance;
  readonly jobs: JobRunner;
  /** Who is acting, for the audit log (the OS user unless set). */
  readonly actor: string;
  /** Push an event to every connected client. */
  readonly emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
}

export type Handler<M extends MethodName> = (
  params: ParsedParamsOf<M>,
  context: CallContext,
) => Promise<ResultOf<M>> | ResultOf<M>;

export type HandlerMap<M extends MethodName> = { readonly [K in M]: Handler<K> };
