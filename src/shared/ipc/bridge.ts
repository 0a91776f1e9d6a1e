// The shape of `window.traindeck`, the only thing the Electron preload exposes. It carries raw
// envelopes so typed errors (code, issues) survive contextBridge, which keeps only an Error's
// message; the renderer turns it into the typed TrainDeckApi with createApiClient.
import { ApiError, type RequestEnvelope, type ResponseEnvelope } from './envelope.ts';
import type { ClientTransport } from './client.ts';

export const requestChannel = 'traindeck:request';
export const eventChannel = 'traindeck:event';

export interface TrainDeckBridge {
  invoke(request: RequestEnvelope): Promise<ResponseEnvelope>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

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
