// Episodes per minute as DESIGN.md defines it: completed episodes (with their learning updates)
// per wall-clock minute over a sliding 10-second window. Also used for generations/min.

export class ThroughputMeter {
  private readonly windowMs: number;
  /** Completion times (ms) and counts, oldest first; entries older than the window are dropped. */
  private times: number[] = [];
  private counts: number[] = [];
  private countInWindow = 0;
  private startedAt: number | undefined;

  constructor(windowMs = 10_000) {
    this.windowMs = windowMs;
  }

  /** Records `count` completions at time `now` (ms). */
  record(now: number, count = 1): void {
    if (this.startedAt === undefined) this.startedAt = now;
    this.times.push(now);
    this.counts.push(count);
    this.countInWindow += count;
    this.evict(now);
  }

  /** Marks the start of measuring, so the first window is not measured from the first completion. */
  start(now: number): void {
    this.startedAt = now;
  }

  /** Completions per minute over the last window (or since start, while the run is younger). */
  perMinute(now: number): number {
    this.evict(now);
    if (this.startedAt === undefined) return 0;
    const span = Math.min(this.windowMs, now - this.startedAt);
    return span > 0 ? (this.countInWindow * 60_000) / span : 0;
  }

  private evict(now: number): void {
    let drop = 0;
    while (drop < this.times.length && now - this.times[drop] >= this.windowMs) {
      this.countInWindow -= this.counts[drop];
      drop++;
    }
    if (drop > 0) {
      this.times = this.times.slice(drop);
      this.counts = this.counts.slice(drop);
    }
  }
}
