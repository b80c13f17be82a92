import http from 'node:http';
import { WebSocket } from 'ws';
import { expect, test } from './fixtures.js';

interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
}

/** A raw request, so the test controls every header (fetch forbids setting Host). */
function request(
  origin: string,
  pathName: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const url = new URL(pathName, origin);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The auth cookie the server sets when the printed address is opened. */
async function authCookie(server: { origin: string; token: string }): Promise<string> {
  const answer = await request(server.origin, `/?token=${encodeURIComponent(server.token)}`);
  expect(answer.status).toBe(302);
  const setCookie = answer.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly/i);
  return setCookie.split(';')[0] ?? '';
}

type SocketOutcome = { opened: true } | { opened: false; status: number | null };

function openSocket(url: string, headers: Record<string, string>): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? null });
      socket.terminate();
    });
    socket.once('error', () => resolve({ opened: false, status: null }));
  });
}

test('the app refuses requests without the token', async ({ server }) => {
  expect((await request(server.origin, '/')).status).toBe(401);
  expect((await request(server.origin, '/index.html')).status).toBe(401);
  expect((await request(server.origin, '/?token=not-the-token')).status).toBe(401);
  expect((await request(server.origin, '/', { Cookie: 'orchard_token=not-the-token' })).status).toBe(401);
  // With the cookie the same request works, so the refusals above are about the token.
  expect((await request(server.origin, '/', { Cookie: await authCookie(server) })).status).toBe(200);
});

test('the page shows the 401 answer when opened without the token', async ({ page, server }) => {
  const response = await page.goto(server.origin + '/');
  expect(response?.status()).toBe(401);
});

test('a WebSocket from a foreign Origin is refused even with the cookie', async ({ server }) => {
  const cookie = await authCookie(server);
  const rpc = `${server.origin.replace(/^http/, 'ws')}/rpc`;
  const foreign = await openSocket(rpc, { Origin: 'http://evil.example', Cookie: cookie });
  expect(foreign.opened).toBe(false);
  const foreignWithToken = await openSocket(`${rpc}?token=${encodeURIComponent(server.token)}`, {
    Origin: 'http://evil.example',
  });
  expect(foreignWithToken.opened).toBe(false);
  // The same socket from the app's own origin opens, so the refusal is about the Origin.
  expect(await openSocket(rpc, { Origin: server.origin, Cookie: cookie })).toEqual({ opened: true });
});

test('a request naming another Host is refused (DNS rebinding)', async ({ server }) => {
  const cookie = await authCookie(server);
  const port = new URL(server.origin).port;
  expect((await request(server.origin, '/', { Host: `evil.example:${port}`, Cookie: cookie })).status).toBe(
    403,
  );
  const rpc = `${server.origin.replace(/^http/, 'ws')}/rpc`;
  const socket = await openSocket(rpc, { Host: `evil.example:${port}`, Cookie: cookie });
  expect(socket.opened).toBe(false);
  expect((await request(server.origin, '/', { Host: `127.0.0.1:${port}`, Cookie: cookie })).status).toBe(200);
});
