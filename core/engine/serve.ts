import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathsUnder } from './path-policy.js';
import { createRpcSocketServer } from './transport/ws-server.js';
import type { Engine } from './types.js';

export interface ServeOptions {
  readonly engine: Engine;
  /** Built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Folders the page may import from by path, besides what it uploads. */
  readonly dataDirs?: readonly string[];
  /** Fixed token (tests); a fresh random one otherwise. */
  readonly token?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const cookieName = 'orchard_token';
const uploadsMaxAgeMs = 24 * 60 * 60 * 1000;
const exportsRoute = '/api/exports/';

const downloadTypes: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson',
  '.json': 'application/json',
};

/** One file name: no separators, no NUL or control characters, not `.`/`..` or any dot file. */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[\u0000-\u001f/\\]/.test(name) && !name.startsWith('.');
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const securityHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function sameSecret(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) return rest.join('=');
  }
  return undefined;
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(message);
}

/** A safe file name for an upload: its last path segment, without control or path characters. */
export function uploadFileName(raw: string | null): string {
  const base = path.basename((raw ?? '').replace(/\\/g, '/'));
  const cleaned = base
    .replace(/[\u0000-\u001f<>:"|?*/]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned || 'upload';
}

/**
 * Browser mode: serves the built UI, the engine over WebSocket at /rpc, and file uploads at
 * /api/upload. Every request needs the token (from the printed URL, then an HttpOnly cookie);
 * requests naming a Host other than the one we serve are refused, and so are WebSocket upgrades
 * from a foreign Origin — together these stop DNS-rebinding and cross-site pages.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const uploadsDir = path.join(options.engine.workspace, 'uploads');
  await mkdir(uploadsDir, { recursive: true });
  await removeOldUploads(uploadsDir);
  const paths = pathsUnder(
    [uploadsDir, ...(options.dataDirs ?? [])],
    'Upload the file with Import data, or restart `orchard serve` with `--data-dir` naming its folder.',
  );
  const rpc = createRpcSocketServer(options.engine, { mode: 'browser', paths });
  let allowedHosts = new Set<string>();

  const hostAllowed = (request: IncomingMessage) =>
    allowedHosts.has((request.headers.host ?? '').toLowerCase());
  const originAllowed = (request: IncomingMessage) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser: the token still guards it
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && allowedHosts.has(url.host.toLowerCase());
    } catch {
      return false;
    }
  };
  const authorised = (request: IncomingMessage, url: URL) =>
    sameSecret(cookieToken(request), token) || sameSecret(url.searchParams.get('token'), token);

  const server = createServer((request, response) => {
    void handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        refuse(response, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request))
      return refuse(response, 403, 'Host not allowed: open Orchard through the address it printed.');
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!authorised(request, url)) {
      return refuse(
        response,
        401,
        'Orchard needs its token: open the full address `orchard serve` printed (it ends in ?token=…).',
      );
    }
    if (url.searchParams.has('token')) {
      url.searchParams.delete('token');
      response.writeHead(302, {
        ...securityHeaders,
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
      });
      return void response.end();
    }
    if (url.pathname === '/api/upload') return handleUpload(request, response, url);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return refuse(response, 405, 'Method not allowed.');
    if (url.pathname.startsWith(exportsRoute))
      return serveExport(request, response, url.pathname.slice(exportsRoute.length));
    return serveStatic(response, url.pathname);
  }

  /**
   * A file of `<workspace>/exports/` as a download. Only a plain file name is accepted (no
   * separators, no `..`, no dot files such as staging `.partial` files), and neither a symlink nor
   * a folder is served, so nothing outside the folder can be reached through it.
   */
  async function serveExport(request: IncomingMessage, response: ServerResponse, raw: string): Promise<void> {
    let name: string;
    try {
      name = decodeURIComponent(raw);
    } catch {
      return refuse(response, 400, 'Malformed file name.');
    }
    if (!isPlainFileName(name))
      return refuse(response, 400, 'Name one file of the exports folder, e.g. /api/exports/labels-v1.csv.');
    const folder = path.join(options.engine.workspace, 'exports');
    const file = path.join(folder, name);
    const missing = () => refuse(response, 404, `No export named ${name}.`);
    const link = await lstat(file).catch(() => null);
    if (!link || !link.isFile()) return missing();
    // Nor through an exports folder that is itself a link out of the workspace.
    const [realFolder, realWorkspace] = await Promise.all([
      realpath(folder),
      realpath(options.engine.workspace),
    ]);
    if (!realFolder.startsWith(realWorkspace + path.sep)) return missing();
    // O_NOFOLLOW closes the gap between the check and the open (a file swapped for a link).
    const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => null);
    if (!handle) return missing();
    try {
      const info = await handle.stat();
      if (!info.isFile()) return missing();
      response.writeHead(200, {
        ...securityHeaders,
        'Content-Type': downloadTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Content-Disposition': attachment(name),
      });
      if (request.method === 'HEAD') return void response.end();
      await pipeline(handle.createReadStream({ autoClose: false }), response);
    } finally {
      await handle.close();
    }
  }

  async function handleUpload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'POST') return refuse(response, 405, 'Upload with POST.');
    if (!originAllowed(request)) return refuse(response, 403, 'Uploads from another site are refused.');
    const folder = path.join(uploadsDir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
    await mkdir(folder, { recursive: true });
    const target = path.join(folder, uploadFileName(url.searchParams.get('name')));
    try {
      await pipeline(request, createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      throw error;
    }
    response.writeHead(200, { ...securityHeaders, 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ path: target }));
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    const root = path.resolve(options.staticDir);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return refuse(response, 400, 'Malformed path.');
    }
    let file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
    if (file !== root && !file.startsWith(root + path.sep))
      return refuse(response, 403, 'Outside the app folder.');
    let info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      file = path.join(root, 'index.html'); // the app routes itself
      info = await stat(file).catch(() => null);
      if (!info) return refuse(response, 500, `The UI is not built (no ${file}); run \`npm run build\`.`);
    }
    response.writeHead(200, {
      ...securityHeaders,
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    await pipeline(createReadStream(file), response);
  }

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(request)) return reject(403, 'Host Not Allowed');
    if (!originAllowed(request)) return reject(403, 'Origin Not Allowed');
    if (!authorised(request, url)) return reject(401, 'Unauthorized');
    if (url.pathname !== '/rpc') return reject(404, 'Not Found');
    rpc.upgrade(request, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const hostNames = host === '0.0.0.0' || host === '::' ? localAddresses() : [host];
  for (const name of hostNames)
    allowedHosts.add(`${name.includes(':') ? `[${name}]` : name}:${port}`.toLowerCase());
  const displayHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${displayHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    async close() {
      rpc.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** With a wildcard bind, the page may arrive through any of this machine's addresses. */
function localAddresses(): string[] {
  const names = [os.hostname()];
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.push(a.address);
  return names;
}

async function removeOldUploads(uploadsDir: string): Promise<void> {
  const cutoff = Date.now() - uploadsMaxAgeMs;
  for (const entry of await readdir(uploadsDir)) {
    const full = path.join(uploadsDir, entry);
    const info = await stat(full).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(full, { recursive: true, force: true });
  }
}
