// The renderer's transport over the preload bridge: numbers requests and turns error envelopes
// back into ApiErrors with their codes.
import { ApiError } from './envelope.ts';
import type { ClientTransport } from './client.ts';
import type { TrainDeckBridge } from './bridge.ts';

export function transportFromBridge(bridge: TrainDeckBridge): ClientTransport {
  let nextId = 1;
  return {
    async request(method, params) {
      const response = await bridge.invoke({ kind: 'request', id: nextId++, method, params });
      if (response.ok) return response.result;
      throw ApiError.fromPayload(response.error);
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
