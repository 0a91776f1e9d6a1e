// The renderer's one way to the host: the preload bridge inside Electron, the WebSocket in serve
// mode. Both give the same typed TrainDeckApi.
import { ref } from 'vue';
import { createApiClient } from '../../../shared/ipc/client.ts';
import type { TrainDeckApi } from '../../../shared/ipc/contract.ts';
import { transportFromBridge } from '../../../shared/ipc/bridge-transport.ts';
import { createWebSocketTransport, type ConnectionState } from './websocket-transport.ts';

export const connection = ref<{ state: ConnectionState; detail?: string }>({ state: 'connecting' });

function createApi(): TrainDeckApi {
  if (window.traindeck) {
    connection.value = { state: 'open' };
    return createApiClient(transportFromBridge(window.traindeck));
  }
  return createApiClient(createWebSocketTransport((state, detail) => (connection.value = { state, detail })));
}

export const api: TrainDeckApi = createApi();

/** A message fit for a person, from any error a request may throw. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const issues = (error as { issues?: string[] }).issues;
    return `${String((error as Error).message)}${issues?.length ? `: ${issues.join('; ')}` : ''}`;
  }
  return String(error);
}
