// The one generic client-side proxy: turns a transport (Electron IPC through the preload bridge,
// or the serve-mode WebSocket) into the typed TrainDeckApi. No method is written by hand.
import { eventNames, requestNames, type EventName, type EventPayload, type TrainDeckApi } from './contract.ts';

/** What a transport must offer: send one request and resolve with its result, and deliver events. */
export interface ClientTransport {
  /** Resolves with the result, or rejects with an ApiError. */
  request(method: string, params: unknown): Promise<unknown>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

export function createApiClient(transport: ClientTransport): TrainDeckApi {
  const listeners = new Map<string, Set<(payload: unknown) => void>>(eventNames.map((name) => [name, new Set()]));
  transport.onEvent((event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  });
  const api: Record<string, unknown> = {
    on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void {
      const set = listeners.get(event);
      if (!set) throw new Error(`Unknown event "${event}"`);
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
  };
  for (const method of requestNames) {
    api[method] = (input: unknown) => transport.request(method, input ?? {});
  }
  return api as TrainDeckApi;
}
