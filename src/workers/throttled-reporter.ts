// A TrainerReporter that forwards to the host at most every `intervalMs`: trainers may report
// every episode, but the process boundary sees a few messages per second.
import type { TrainerReporter } from '../core/trainer.ts';
import type { EvaluationReport, MetricSample } from '../shared/metrics.ts';
import type { WorkerChannel } from './worker-channel.ts';

export class ThrottledReporter implements TrainerReporter {
  private readonly channel: WorkerChannel;
  private readonly intervalMs: number;
  private pendingSamples: MetricSample[] = [];
  private pendingProgress: { fraction: number; message?: string } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(channel: WorkerChannel, intervalMs = 100) {
    this.channel = channel;
    this.intervalMs = intervalMs;
  }

  metrics(samples: MetricSample[]): void {
    for (const sample of samples) if (Number.isFinite(sample.value)) this.pendingSamples.push(sample);
    this.schedule();
  }

  evaluation(report: EvaluationReport): void {
    this.flush();
    this.channel.send({ type: 'evaluation', report });
  }

  progress(fraction: number, message?: string): void {
    this.pendingProgress = { fraction: Math.min(1, Math.max(0, fraction)), ...(message ? { message } : {}) };
    this.schedule();
  }

  device(backend: string, device: string): void {
    this.channel.send({ type: 'device', backend, device });
  }

  /** Sends everything pending now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingSamples.length > 0) {
      this.channel.send({ type: 'metrics', samples: this.pendingSamples });
      this.pendingSamples = [];
    }
    if (this.pendingProgress) {
      this.channel.send({ type: 'progress', ...this.pendingProgress });
      this.pendingProgress = undefined;
    }
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }
}
