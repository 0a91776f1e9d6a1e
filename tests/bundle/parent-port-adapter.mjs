// Starts a bundled trainer-worker entry the way Electron's utilityProcess presents itself to it:
// `process.parentPort` delivers `{ data }` message events and takes postMessage, and there is no
// `process.send`, so the entry cannot fall back to its child_process path. The transport under
// it is this fork's IPC channel; the bundle tests use it where no Electron binary exists.
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
if (!entry) throw new Error('parent-port-adapter: pass the bundled entry file as the first argument');

const sendOverIpc = process.send.bind(process);
const listeners = [];
let pendingSends = 0;
let exitCode;
const exitProcess = process.exit.bind(process);

const parentPort = {
  postMessage(message) {
    pendingSends++;
    sendOverIpc(message, undefined, {}, () => {
      pendingSends--;
      if (pendingSends === 0 && exitCode !== undefined) exitProcess(exitCode);
    });
  },
  on(event, listener) {
    if (event !== 'message') throw new Error(`parent-port-adapter: the trainer listened for "${event}", which a utilityProcess parentPort does not emit here`);
    listeners.push(listener);
    return parentPort;
  },
};

process.on('message', (data) => {
  for (const listener of listeners) listener({ data, ports: [] });
});
Object.defineProperty(process, 'parentPort', { value: parentPort, configurable: false });
process.send = undefined;
// This adapter's IPC writes are asynchronous: an exit waits until they are handed over, so a
// `done` sent just before exiting is not lost to the adapter (the entry's own drain is tested too).
process.exit = (code) => {
  exitCode = code ?? 0;
  if (pendingSends === 0) exitProcess(exitCode);
};

await import(pathToFileURL(entry).href);
