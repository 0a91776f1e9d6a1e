// The preload: exposes the TrainDeck bridge (`window.traindeck`) and nothing else. It forwards
// request envelopes to main on one channel and delivers events; main validates everything.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannel, requestChannel, type TrainDeckBridge } from '../shared/ipc/bridge.ts';
import type { ResponseEnvelope } from '../shared/ipc/envelope.ts';

const bridge: TrainDeckBridge = {
  invoke: (request) => ipcRenderer.invoke(requestChannel, request) as Promise<ResponseEnvelope>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, message: { event: string; payload: unknown }) => listener(message.event, message.payload);
    ipcRenderer.on(eventChannel, handler);
    return () => ipcRenderer.removeListener(eventChannel, handler);
  },
};

contextBridge.exposeInMainWorld('traindeck', bridge);
