// A trainer worker process as the host sees it, whatever runs it: Electron's utilityProcess in the
// app, child_process.fork in serve mode and the CLI. Exits are typed so a crash is never silent.
import type { HostToWorkerMessage } from './protocol.ts';

/** How a worker process ended. `clean` means exit code 0; anything else is a crash. */
export type TrainerExit =
  | { kind: 'clean' }
  | { kind: 'crashed'; reason: string; exitCode: number | null; signal: string | null };

export interface TrainerProcess {
  /** Operating-system process id, once the process has started. */
  readonly pid: number | undefined;
  send(message: HostToWorkerMessage): void;
  /** Raw incoming messages; the RunManager validates them against the worker protocol. */
  onMessage(listener: (message: unknown) => void): void;
  /** Fires exactly once, when the process has gone. */
  onExit(listener: (exit: TrainerExit) => void): void;
  /** Ends the process at once (used after a stop timeout, and on shutdown). */
  kill(): void;
}

/** Starts one trainer worker process for a run. */
export type TrainerProcessFactory = (runId: string) => TrainerProcess;

/** Last lines of a process's stderr, kept to explain a crash. */
export class OutputTail {
  private text = '';
  private readonly limit: number;
  constructor(limit = 4000) {
    this.limit = limit;
  }
  append(chunk: string | Buffer): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  lastLines(count = 6): string {
    return this.text.trim().split('\n').slice(-count).join('\n');
  }
}

export function describeExit(exitCode: number | null, signal: string | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
  return stderr ? `Trainer process ${how}: ${stderr}` : `Trainer process ${how}`;
}
