// Starts backend-probe-process.js in a utilityProcess and waits for its report (see there for why
// not in main). One probe per app session: backends do not appear while the app runs.
import { utilityProcess } from 'electron';
import type { BackendProbeReport } from './about.ts';

const probeTimeoutMs = 30_000;
let cached: Promise<BackendProbeReport> | undefined;

export function probeBackendsOnce(entryPath: string): Promise<BackendProbeReport> {
  cached ??= probe(entryPath).catch((error: unknown) => {
    cached = undefined; // a failed probe may be retried the next time About opens
    throw error;
  });
  return cached;
}

function probe(entryPath: string): Promise<BackendProbeReport> {
  return new Promise((resolve, reject) => {
    const child = utilityProcess.fork(entryPath, [], { serviceName: 'TrainDeck backend probe', stdio: 'pipe' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the probe did not answer within ${probeTimeoutMs / 1000} s`));
    }, probeTimeoutMs);
    child.once('message', (report: BackendProbeReport) => {
      clearTimeout(timer);
      resolve(report);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the probe process exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
    });
  });
}
