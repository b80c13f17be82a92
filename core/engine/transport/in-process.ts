import { createClient } from '../../contract/index.js';
import type { ClientTransport, OrchardApi, RpcResult } from '../../contract/index.js';
import { anyPath } from '../path-policy.js';
import type { CallContext, Engine } from '../types.js';

/** The CLI and tests call the engine in the same process; params still cross a structured clone. */
export function inProcessTransport(
  engine: Engine,
  context: CallContext = { mode: 'in-process', paths: anyPath },
): ClientTransport {
  return {
    async request(method, params): Promise<RpcResult<unknown>> {
      const result = await engine.handle(method, structuredClone(params), context);
      return structuredClone(result);
    },
    onEvent(listener) {
      return engine.onEvent((name, payload) => listener(name, structuredClone(payload)));
    },
  };
}

export function createInProcessClient(engine: Engine, context?: CallContext): OrchardApi {
  return createClient(inProcessTransport(engine, context));
}
