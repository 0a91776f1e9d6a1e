// Serve mode: the host in plain Node. Serves the built renderer on loopback and carries the typed
// API over a WebSocket at /api, which only a client holding the random token may open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
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

/** Largest WebSocket message accepted from a client: a dataset import carries a whole CSV. */
const maxMessageBytes = maxImportCharacters * 4 + (1 << 20);
/** A client this far behind stops receiving metric batches until it catches up. */
const maxBufferedBytes = 4 << 20;

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const rendererDir = resolve(options.rendererDir);
  await stat(join(rendererDir, 'index.html')).catch(() => {
    throw new Error(`The renderer is not built (no ${join(rendererDir, 'index.html')}); run "npm run build" first`);
  });
  const dispatch = createRequestDispatcher(options.service, (error) => console.error('[traindeck] request failed:', error));
  const clients = new Set<WebSocket>();

  const server: Server = createServer((request, response) => {
    void serveStatic(rendererDir, request, response);
  });
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api' || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nA valid token is required\n');
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (client) => {
      clients.add(client);
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

async function serveStatic(rendererDir: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const headers = { 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep)) {
    response.writeHead(403, headers).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { ...headers, 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found\n');
  }
}
