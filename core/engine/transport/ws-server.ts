import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { RequestMessage } from '../../contract/index.js';
import type { ServerMessage } from '../../contract/index.js';
import type { CallContext, Engine } from '../types.js';

/** Largest message a page may send; contract params are small (rows come back, not in). */
const maxIncomingBytes = 1 << 20;

/**
 * The engine over WebSocket: one JSON message per request, response or event. Authentication and
 * Origin/Host checks happen before the upgrade (see serve.ts); this only speaks the protocol.
 */
export function createRpcSocketServer(engine: Engine, context: CallContext) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxIncomingBytes });
  wss.on('connection', (socket: WebSocket) => {
    const send = (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const unsubscribe = engine.onEvent((name, payload) => send({ type: 'event', name, payload }));
    socket.on('close', unsubscribe);
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(1003, 'Orchard speaks JSON text messages only');
      let parsed: ReturnType<typeof RequestMessage.safeParse>;
      try {
        parsed = RequestMessage.safeParse(JSON.parse(data.toString()));
      } catch {
        return socket.close(1007, 'Malformed JSON');
      }
      if (!parsed.success) return socket.close(1008, 'Not an Orchard request message');
      const { id, method, params } = parsed.data;
      void engine.handle(method, params, context).then((result) => send({ type: 'response', id, result }));
    });
  });
  return {
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
