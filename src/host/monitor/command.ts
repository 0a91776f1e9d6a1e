// Runs a monitoring tool (ioreg, nvidia-smi, ps) with a timeout and turns every failure into a
// reason string. Never throws and never rejects: the monitor must keep sampling whatever a tool does.
import { execFile, type ExecFileException } from 'node:child_process';
import { quoteOutput } from './gpu-reading.ts';

/** On failure, `stdout` and `exitCode` are kept for tools whose non-zero exit still carries data (ps). */
export type CommandResult = { ok: true; stdout: string } | { ok: false; reason: string; stdout?: string; exitCode?: number };

/** Runs `file` with `args` (no shell) and collects stdout. */
export type CommandRunner = (file: string, args: readonly string[], options: { timeoutMs: number }) => Promise<CommandResult>;

/** Output larger than this is a tool gone wrong (ioreg's legend is ~50 KB); it is cut off as a failure. */
const maxOutputBytes = 4 * 1024 * 1024;

export const runCommand: CommandRunner = (file, args, { timeoutMs }) =>
  new Promise((resolve) => {
    try {
      execFile(file, [...args], { timeout: timeoutMs, maxBuffer: maxOutputBytes, windowsHide: true, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
        if (!error) {
          resolve({ ok: true, stdout });
          return;
        }
        const exitCode = typeof error.code === 'number' ? error.code : undefined;
        resolve({ ok: false, reason: describeFailure(file, timeoutMs, error, stdout, stderr), stdout, exitCode });
      });
    } catch (error) {
      // execFile throws synchronously for invalid arguments (e.g. a NUL byte in a path).
      resolve({ ok: false, reason: `${file} could not be started: ${(error as Error).message}` });
    }
  });

function describeFailure(file: string, timeoutMs: number, error: ExecFileException, stdout: string, stderr: string): string {
  if (error.code === 'ENOENT') return `${file} was not found`;
  if (error.code === 'EACCES') return `${file} is not executable`;
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return `${file} printed more than ${maxOutputBytes} bytes`;
  if (error.killed || error.signal === 'SIGTERM') return `${file} did not answer within ${timeoutMs} ms`;
  const output = stderr.trim() || stdout.trim();
  const detail = output ? `: ${quoteOutput(output)}` : '';
  if (typeof error.code === 'number') return `${file} exited with code ${error.code}${detail}`;
  if (error.signal) return `${file} was killed by ${error.signal}${detail}`;
  return `${file} failed: ${error.message}`;
}
