// The shape of `window.traindeck`, the only thing the Electron preload exposes. It carries raw
// envelopes so typed errors (code, issues) survive contextBridge, which keeps only an Error's
// message; the renderer turns it into the typed TrainDeckApi (see bridge-transport.ts).
// Type-only imports: the sandboxed preload bundles this file and may load nothing but electron.
import type { RequestEnvelope, ResponseEnvelope } from './envelope.ts';

export const requestChannel = 'traindeck:request';
export const eventChannel = 'traindeck:event';

export interface TrainDeckBridge {
  invoke(request: RequestEnvelope): Promise<ResponseEnvelope>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}
