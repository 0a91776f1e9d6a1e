// The worker's end of the message channel to the host, whichever process kind it runs in:
// Electron's utilityProcess (process.parentPort, a MessagePort) or child_process.fork (process.send).
import type { WorkerToHostMessage } from '../host/protocol.ts';

export interface WorkerChannel {
  send(message: WorkerToHostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
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
      drain: () => new Promise((resolve) => setImmediate(resolve)),
    };
  }
  if (typeof process.send === 'function') {
    let pending = Promise.resolve();
    return {
      send(message) {
        pending = new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
      },
      onMessage: (listener) => process.on('message', listener),
      drain: () => pending,
    };
  }
  throw new Error('trainer-worker must be started by the TrainDeck host (no parent port or IPC channel)');
}
