// Entry of the short-lived utilityProcess the About panel starts: it loads every compute backend
// (native ones included) to report which are available and on what device, then exits. Loading
// native runtimes here rather than in main keeps a crashing GPU driver away from the app.
import { probeBackends } from '../core/compute/registry.ts';
import type { BackendProbeReport } from './about.ts';

interface ParentPort {
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('backend-probe runs in a utilityProcess started by the app');

async function onnxruntimeVersion(): Promise<string | undefined> {
  try {
    const ort = await import('onnxruntime-node');
    return ort.env.versions.node;
  } catch (error) {
    console.error(`onnxruntime-node did not load: ${(error as Error).message}`);
    return undefined;
  }
}

const report: BackendProbeReport = { backends: await probeBackends(), onnxruntime: await onnxruntimeVersion() };
parentPort.postMessage(report);
// let the message leave before the process ends
setTimeout(() => process.exit(0), 50);
