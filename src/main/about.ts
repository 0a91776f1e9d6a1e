// The About panel's text: versions of the app and what it runs on (Electron, Chromium, Node,
// onnxruntime) and the compute backends this machine has, as probed, never assumed.
import type { BackendAvailability } from '../core/compute/types.ts';

/** What backend-probe-process.ts reports. */
export interface BackendProbeReport {
  backends: BackendAvailability[];
  /** onnxruntime-node's version, undefined when it did not load. */
  onnxruntime: string | undefined;
}

export interface AboutFacts {
  appVersion: string;
  electron: string;
  chromium: string;
  node: string;
  /** The probe's report, or why there is none (it failed or timed out). */
  probe: BackendProbeReport | { error: string };
}

export interface AboutPanel {
  applicationName: string;
  applicationVersion: string;
  version: string;
  credits: string;
}

export function aboutPanel(facts: AboutFacts): AboutPanel {
  const lines = [`Electron ${facts.electron}`, `Chromium ${facts.chromium}`, `Node.js ${facts.node}`];
  if ('error' in facts.probe) {
    lines.push(`Compute backends: not probed (${facts.probe.error})`);
  } else {
    lines.push(`onnxruntime ${facts.probe.onnxruntime ?? 'did not load'}`, '', 'Compute backends:');
    for (const backend of facts.probe.backends) {
      lines.push(backend.available ? `  ${backend.name}: ${backend.device ?? 'available'}` : `  ${backend.name}: unavailable (${firstSentence(backend.reason ?? 'no reason given')})`);
    }
  }
  return { applicationName: 'TrainDeck', applicationVersion: facts.appVersion, version: `Electron ${facts.electron}`, credits: lines.join('\n') };
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}
