import type { RpcErrorShape, RpcResult } from './errors.js';
import type { EventName, EventPayload } from './events.js';
import type { MethodName, ParamsOf, ResultOf } from './methods.js';
import { methodNames } from './methods.js';
import { ServerMessage } from './protocol.js';
import type { RequestMessage } from './protocol.js';

/** What a client needs from a transport: send a call, hear events. */
export interface ClientTransport {
  request(method: string, params: unknown): Promise<RpcResult<unknown>>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

/** The error a typed client throws when the engine answers `{ok: false}`. */
export class RpcError extends Error {
  readonly code: RpcErrorShape['code'];
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(shape: RpcErrorShape) {
    super(shape.message);
    this.name = 'RpcError';
    this.code = shape.code;
    this.details = shape.details;
  }
}

type DomainOf<M extends string> = M extends `${infer D}.${string}` ? D : never;
type VerbsOf<D extends string> = Extract<MethodName, `${D}.${string}`> extends `${D}.${infer V}` ? V : never;
// A method whose params are all optional may be called with none.
type Call<M extends MethodName> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  {} extends ParamsOf<M>
    ? (params?: ParamsOf<M>) => Promise<ResultOf<M>>
    : (params: ParamsOf<M>) => Promise<ResultOf<M>>;

export type OrchardApi = {
  readonly [D in DomainOf<MethodName>]: {
    readonly [V in VerbsOf<D>]: `${D}.${V}` extends MethodName ? Call<`${D}.${V}`> : never;
  };
} & {
  /** Listen for an engine event; returns a function that stops listening. */
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Call a method by name (for generic code such as contract tests). */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
};

/** Builds `api.datasets.import(...)` style functions from the contract over any transport. */
export function createClient(transport: ClientTransport): OrchardApi {
  const call = async (method: string, params: unknown): Promise<unknown> => {
    const result = await transport.request(method, params ?? {});
    if (!result.ok) throw new RpcError(result.error);
    return result.value;
  };
  const api: Record<string, unknown> = {
    on: (name: string, listener: (payload: unknown) => void) =>
      transport.onEvent((eventName, payload) => {
        if (eventName === name) listener(payload);
      }),
    call,
  };
  for (const name of methodNames) {
    const [domain, verb] = name.split('.') as [string, string];
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[verb] = (params?: unknown) => call(name, params);
  }
  return api as unknown as OrchardApi;
}

/**
 * A client transport over any message channel (WebSocket, IPC, MessagePort): it numbers requests
 * and matches responses. `send` posts one message; `subscribe` delivers every incoming one.
 */
export function createMessageTransport(
  send: (message: RequestMessage) => void,
  subscribe: (handler: (message: unknown) => void) => void,
): ClientTransport & { failAll(reason: string): void } {
  let nextId = 1;
  const pending = new Map<number, (result: RpcResult<unknown>) => void>();
  const listeners = new Set<(name: string, payload: unknown) => void>();
  subscribe((raw) => {
    const parsed = ServerMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'response') {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.result as RpcResult<unknown>);
    } else {
      for (const listener of listeners) listener(message.name, message.payload);
    }
  });
  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        try {
          send({ type: 'request', id, method, params });
        } catch (error) {
          pending.delete(id);
          const message = error instanceof Error ? error.message : String(error);
          resolve({
            ok: false,
            error: { code: 'internal', message: `Could not reach the engine: ${message}` },
          });
        }
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    failAll(reason) {
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'internal', message: reason } });
      }
    },
  };
}
