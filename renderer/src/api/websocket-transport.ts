import { createMessageTransport } from '../../../core/contract/client.js';
import type { ClientTransport } from '../../../core/contract/client.js';
import type { RequestMessage } from '../../../core/contract/protocol.js';

/** `unauthorized`: the server answers but no longer knows this page's cookie (it restarted with a new token). */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface WebSocketTransportOptions {
  /** `ws(s)://host/rpc`; the auth cookie rides along because the socket is same-origin. */
  readonly url: string;
  /** An HTTP address on the same server, asked after a drop to tell "down" from "token no longer valid". */
  readonly probeUrl: string;
  onStatus(status: ConnectionStatus): void;
  /** Called after a dropped connection comes back, so the app can re-read what it missed. */
  onReconnected(): void;
}

const firstRetryMs = 500;
const maxRetryMs = 10_000;

/**
 * A contract transport over one WebSocket that reconnects with exponential backoff. Requests made
 * while the socket is down wait in a queue; requests in flight when it drops fail at once with a
 * message the user can act on, because their answers can never arrive.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): ClientTransport {
  let socket: WebSocket | null = null;
  let deliver: (message: unknown) => void = () => {};
  let attempts = 0;
  let everOpened = false;
  let unauthorized = false;
  const queue: string[] = [];

  const transport = createMessageTransport(
    (message: RequestMessage) => {
      const text = JSON.stringify(message);
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    (handler) => {
      deliver = handler;
    },
  );

  const connect = (): void => {
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      attempts = 0;
      unauthorized = false;
      const reconnected = everOpened;
      everOpened = true;
      for (const text of queue.splice(0)) ws.send(text);
      options.onStatus('open');
      if (reconnected) options.onReconnected();
    });
    ws.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      try {
        deliver(JSON.parse(event.data));
      } catch {
        // A frame that is not JSON is not from the engine; ignore it.
      }
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      transport.failAll(
        'The connection to the Orchard server was lost while this request was running. ' +
          'It is reconnecting; try again once the banner disappears.',
      );
      options.onStatus(unauthorized ? 'unauthorized' : 'reconnecting');
      const delay = Math.min(maxRetryMs, firstRetryMs * 2 ** attempts) * (0.75 + Math.random() * 0.5);
      attempts += 1;
      window.setTimeout(() => void probeThenConnect(), delay);
    });
  };

  // A refused WebSocket handshake does not say why; a plain request does (401 = stale cookie).
  const probeThenConnect = async (): Promise<void> => {
    try {
      const response = await fetch(options.probeUrl, { method: 'HEAD', cache: 'no-store' });
      unauthorized = response.status === 401;
      if (unauthorized) {
        options.onStatus('unauthorized');
        attempts = Math.max(attempts, 5);
      }
    } catch {
      // Server down: the socket attempt below fails too and schedules the next try.
    }
    connect();
  };

  options.onStatus('connecting');
  connect();
  return transport;
}
