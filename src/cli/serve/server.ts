// Serve mode: the host in plain Node. Serves the built renderer on loopback and carries the typed
// API over a WebSocket at /api, which only a client holding the random token may open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createRequestDispatcher } from '../../shared/ipc/dispatcher.ts';
import { maxImportCharacters, type TrainDeckService } from '../../shared/ipc/contract.ts';
import type { EventEnvelope } from '../../shared/ipc/envelope.ts';
import type { EventSink } from '../../host/service.ts';

export interface ServeOptions {
  service: TrainDeckService;
  /** Subscribes the server to host events; returns an unsubscribe function. */
  subscribe: (sink: EventSink) => () => void;
  /** Directory of the built renderer (index.html and assets). */
  rendererDir: string;
  port: number;
  host?: string;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Host names (besides IP literals and localhost) the browser may use to reach the server. */
  allowedHosts?: readonly string[];
  /** Where request and connection failures are reported (default: console.error). */
  onError?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The same policy as the Electron window's, plus same-origin WebSocket access. */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * Largest WebSocket message accepted from a client. The largest request is a dataset import, whose
 * CSV text JSON-escapes to at most twice its characters (ASCII, line breaks become two characters).
 */
export const maxMessageBytes = maxImportCharacters * 2 + (1 << 20);
/** A client this far behind stops receiving metric batches until it catches up. */
const maxBufferedBytes = 4 << 20;

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const report = options.onError ?? ((message: string) => console.error(`[traindeck] ${message}`));
  const allowedHosts = new Set((options.allowedHosts ?? []).map((name) => name.toLowerCase()));
  const rendererDir = resolve(options.rendererDir);
  await stat(join(rendererDir, 'index.html')).catch(() => {
    throw new Error(`The renderer is not built (no ${join(rendererDir, 'index.html')}); run "npm run build" first`);
  });
  const dispatch = createRequestDispatcher(options.service, (error) => report(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  const clients = new Set<WebSocket>();

  // Every handler is fenced: nothing a client sends may throw out of an event listener, because an
  // uncaught error ends the process and every live run with it.
  const server: Server = createServer((request, response) => {
    serveStatic(rendererDir, allowedHosts, request, response).catch((error: unknown) => {
      report(`static request failed: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end();
    });
  });
  // Malformed HTTP (bad request lines, oversized headers): answer 400 or drop, never crash.
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = upgradeRefusal(request, token, allowedHosts);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refusal.message}\n`);
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (client) => {
      clients.add(client);
      // A bad frame (reserved opcode, unmasked, invalid UTF-8, RSV bits, over maxPayload) makes ws
      // emit 'error' and close with the matching code; only this client is dropped.
      client.on('error', (error) => {
        report(`WebSocket client dropped: ${error.message}`);
        client.terminate();
      });
      client.on('close', () => clients.delete(client));
      client.on('message', (data) => {
        let message: unknown;
        try {
          message = JSON.parse(data.toString());
        } catch {
          client.send(JSON.stringify({ kind: 'response', id: -1, ok: false, error: { code: 'bad-request', message: 'Message is not valid JSON' } }));
          return;
        }
        void dispatch(message).then((response) => {
          if (client.readyState === client.OPEN) client.send(JSON.stringify(response));
        });
      });
    });
  });
  const unsubscribe = options.subscribe((event, payload) => {
    const text = JSON.stringify({ kind: 'event', event, payload } satisfies EventEnvelope);
    for (const client of clients) {
      if (client.readyState !== client.OPEN) continue;
      if (event === 'runMetrics' && client.bufferedAmount > maxBufferedBytes) continue;
      client.send(text);
    }
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolvePromise());
  });
  server.on('error', (error) => report(`server error: ${error.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      unsubscribe();
      for (const client of clients) client.terminate();
      webSockets.close();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request's path, or undefined when the target is not a plain origin-form path ("/..."):
 * absolute-form ("http://a/"), authority-form and "*" targets are refused rather than resolved.
 */
function requestPath(request: IncomingMessage): { pathname: string; search: URLSearchParams } | undefined {
  const target = request.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    const url = new URL(target, 'http://localhost');
    return { pathname: url.pathname, search: url.searchParams };
  } catch {
    return undefined;
  }
}

/**
 * DNS rebinding guard: a browser reaching the server must name it by an IP literal, `localhost`, or
 * a host name the user allowed. A name an attacker controls (resolving to 127.0.0.1) is refused.
 */
export function hostAllowed(hostHeader: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname.startsWith('[') || isIP(hostname) !== 0) return true;
  return allowedHosts.has(hostname);
}

/**
 * Cross-site WebSocket guard: browsers always send Origin on a WebSocket, so a page of another
 * origin is refused even if it learned the token. Clients without Origin (scripts) need the token.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && hostHeader !== undefined && url.host.toLowerCase() === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}

function upgradeRefusal(request: IncomingMessage, token: string, allowedHosts: ReadonlySet<string>): { status: string; message: string } | undefined {
  const path = requestPath(request);
  if (!path || path.pathname !== '/api') return { status: '404 Not Found', message: 'The API is at /api' };
  if (!hostAllowed(request.headers.host, allowedHosts)) return { status: '421 Misdirected Request', message: 'Host not allowed' };
  if (!originAllowed(request.headers.origin, request.headers.host)) return { status: '403 Forbidden', message: 'Cross-origin WebSocket refused' };
  if (!tokenMatches(path.search.get('token'), token)) return { status: '401 Unauthorized', message: 'A valid token is required' };
  return undefined;
}

async function serveStatic(rendererDir: string, allowedHosts: ReadonlySet<string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  const plain = (status: number, text: string, extra: Record<string, string> = {}) => response.writeHead(status, { ...headers, 'Content-Type': 'text/plain', ...extra }).end(`${text}\n`);
  if (request.method !== 'GET' && request.method !== 'HEAD') return void plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
  if (!hostAllowed(request.headers.host, allowedHosts)) return void plain(421, 'Host not allowed');
  const path = requestPath(request);
  let pathname: string;
  try {
    if (!path) throw new URIError('not a path');
    pathname = decodeURIComponent(path.pathname);
  } catch {
    return void plain(400, 'Bad request target');
  }
  if (pathname.includes('\0')) return void plain(400, 'Bad request target');
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep)) return void plain(403, 'Forbidden');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return void plain(404, 'Not found');
  }
  response.writeHead(200, { ...headers, 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  response.end(request.method === 'HEAD' ? undefined : body);
}
