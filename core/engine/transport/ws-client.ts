import WebSocket from 'ws';
import { createClient, createMessageTransport } from '../../contract/index.js';
import type { OrchardApi } from '../../contract/index.js';

/** A Node client of `orchard serve` (tests, scripts); the page uses the browser's WebSocket. */
export async function connectWebSocketClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ api: OrchardApi; close(): void }> {
  const socket = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`WebSocket refused: HTTP ${res.statusCode ?? '?'}`)),
    );
  });
  const transport = createMessageTransport(
    (message) => socket.send(JSON.stringify(message)),
    (handler) => socket.on('message', (data) => handler(JSON.parse(data.toString()) as unknown)),
  );
  socket.on('close', () => transport.failAll('The connection to the engine closed.'));
  return { api: createClient(transport), close: () => socket.close() };
}
