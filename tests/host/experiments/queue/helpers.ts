// Test helpers for the distributed executor: a real redis-server each test starts and stops itself
// (on a free loopback port, no persistence), and `traindeck` CLI processes (workers, coordinators)
// whose output is captured and which are killed when a test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../src/cli/bench/free-port.ts';
import { until } from '../../../until.ts';

export { until };

/** A process started by a test: output captured, exit awaited, killed (with its group) at cleanup. */
export class TestProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private text = '';
  private stdoutText = '';

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    // Its own process group, so a kill reaches its trainer processes too when a test says so.
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...env } });
    this.child.stdout?.on('data', (chunk) => {
      this.text += chunk;
      this.stdoutText += chunk;
    });
    this.child.stderr?.on('data', (chunk) => (this.text += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  output(): string {
    return this.text;
  }

  /** Standard output alone (e.g. the JSON a command prints). */
  stdout(): string {
    return this.stdoutText;
  }

  /** Resolves with the first match of `pattern` in the output (checked as it arrives). */
  waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return until(`${pattern} in the output of ${this.child.spawnfile}:\n${this.text}`, () => this.text.match(pattern) ?? undefined, timeoutMs);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
  }

  /** Ends the process: SIGTERM (a worker then stops its trainers), SIGKILL to its group after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }, 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}


/** A redis-server on a free loopback port; `password` turns on requirepass. */
export class TestRedis {
  readonly port: number;
  readonly password: string | undefined;
  private readonly process: TestProcess;

  private constructor(port: number, password: string | undefined) {
    this.port = port;
    this.password = password;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
    this.process = new TestProcess('redis-server', args);
  }

  static async start(options: { password?: string } = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options.password);
    await redis.process.waitFor(/Ready to accept connections/, 10_000);
    return redis;
  }

  /** The URL with the password when there is one. */
  get url(): string {
    return this.password ? `redis://:${this.password}@127.0.0.1:${this.port}` : `redis://127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

/** `node bin/traindeck.js ARGS` as a test process. */
export function traindeck(args: string[], env: NodeJS.ProcessEnv = {}): TestProcess {
  return new TestProcess(process.execPath, ['bin/traindeck.js', ...args], env);
}

/** A temporary directory removed by the returned cleanup. */
export function temporaryDirectory(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  // Retries: a killed worker's trainer may still be writing its last checkpoint for a moment.
  return { path, remove: () => rmSync(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 }) };
}

/** Worker settings that make a dead worker's trial run again within seconds (the default is 30 s). */
export const fastStallEnvironment = { TRAINDECK_WORKER_LOCK_MS: '3000' };
