// The serve-mode transport: the typed API over a WebSocket to the host that served this page,
// authenticated by the token from the page URL. Reconnects with backoff; requests made while
// disconnected fail with a clear error instead of hanging.
import { ApiError, serverMessageSchema } from '../../../shared/ipc/envelope.ts';
import type { ClientTransport } from '../../../shared/ipc/client.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

export function createWebSocketTransport(onState: (state: ConnectionState, detail?: string) => void): ClientTransport {
  const token = readToken();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<void> = Promise.resolve();
  let retryDelay = 500;

  const connect = () => {
    onState('connecting');
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const current = new WebSocket(`${protocol}//${location.host}/api?token=${encodeURIComponent(token ?? '')}`);
    socket = current;
    let wasOpen = false;
    opened = new Promise((resolve) => {
      current.addEventListener('open', () => {
        wasOpen = true;
        retryDelay = 500;
        onState('open');
        resolve();
      });
      current.addEventListener('close', () => resolve());
    });
    current.addEventListener('message', (event) => {
      const parsed = serverMessageSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.kind === 'event') {
        for (const listener of eventListeners) listener(message.event, message.payload);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(ApiError.fromPayload(message.error));
    });
    current.addEventListener('close', () => {
      for (const waiter of pending.values()) waiter.reject(new ApiError('internal', 'Connection to the TrainDeck server was lost'));
      pending.clear();
      if (!wasOpen && !token) {
        onState('unauthorized', 'This page needs the access token printed by "traindeck serve" (open the full URL).');
        return;
      }
      if (!wasOpen) {
        onState('unauthorized', 'The server refused the access token. Open the URL printed by "traindeck serve".');
        return;
      }
      onState('closed', 'Disconnected from the TrainDeck server; reconnecting...');
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10_000);
    });
  };
  connect();

  return {
    async request(method, params) {
      await opened;
      if (!socket || socket.readyState !== WebSocket.OPEN) throw new ApiError('internal', 'Not connected to the TrainDeck server');
      const id = nextId++;
      const response = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      socket.send(JSON.stringify({ kind: 'request', id, method, params }));
      return response;
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}

/** The token from `?token=`, remembered for this tab so a reload keeps working. */
function readToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('traindeck-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('traindeck-token');
}
