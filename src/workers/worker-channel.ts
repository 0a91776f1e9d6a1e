// The worker's end of the message channel to the host, whichever process kind it runs in:
// Electron's utilityProcess (process.parentPort, a MessagePort) or child_process.fork (process.send).
import type { WorkerToHostMessage } from '../host/protocol.ts';

export interface WorkerChannel {
  send(message: WorkerToHostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Fires once if the host goes away (its process died, so the channel closed). Electron ends a
   * utility process together with its main process, so only the forked worker needs it.
   */
  onHostGone(listener: () => void): void;
  /** Waits until queued messages have been handed to the host. */
  drain(): Promise<void>;
}

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToHost(): WorkerChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      onHostGone: () => {},
      drain: () => new Promise((resolve) => setImmediate(resolve)),
    };
  }
  if (typeof process.send === 'function') {
    let pending = Promise.resolve();
    return {
      send(message) {
        if (!process.connected) return; // the host is gone: nobody to tell
        // The callback also receives a send error (channel closed meanwhile), so nothing throws.
        pending = new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
      },
      onMessage: (listener) => process.on('message', listener),
      onHostGone: (listener) => process.once('disconnect', listener),
      drain: () => pending,
    };
  }
  throw new Error('trainer-worker must be started by the TrainDeck host (no parent port or IPC channel)');
}
