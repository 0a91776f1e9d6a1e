// Throughput, defined once for every trainer and the bench:
// - live (the `episodesPerMin`, `generationsPerMin`, `envStepsPerSec` samples): completions per
//   wall-clock minute over a sliding 10-second window (the project's definition of episodes/min)
//   (`ThroughputMeter`);
// - over a span (a run's summary over all its sessions, a bench's measured window): completions
//   divided by the span (`perMinute`).

/** Completions per minute over a span of `ms` milliseconds (0 for an empty span). */
export function perMinute(count: number, ms: number): number {
  return ms > 0 ? (count * 60_000) / ms : 0;
}

/** Entries the meter starts with; it doubles when a window holds more (rare: then it stays). */
const INITIAL_CAPACITY = 64;

/**
 * Completions per minute over a sliding window. A ring buffer of completion times and counts:
 * recording is O(1) amortised and allocates only while the buffer grows to the window's size.
 */
export class ThroughputMeter {
  private readonly windowMs: number;
  /** Completion times (ms) and counts, oldest at `head`; entries older than the window are dropped. */
  private times = new Float64Array(INITIAL_CAPACITY);
  private counts = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private size = 0;
  private countInWindow = 0;
  private startedAt: number | undefined;

  constructor(windowMs = 10_000) {
    this.windowMs = windowMs;
  }

  /** Records `count` completions at time `now` (ms). */
  record(now: number, count = 1): void {
    if (this.startedAt === undefined) this.startedAt = now;
    this.evict(now);
    if (this.size === this.times.length) this.grow();
    const tail = (this.head + this.size) % this.times.length;
    this.times[tail] = now;
    this.counts[tail] = count;
    this.size++;
    this.countInWindow += count;
  }

  /** Marks the start of measuring, so the first window is not measured from the first completion. */
  start(now: number): void {
    this.startedAt = now;
  }

  /** Completions per minute over the last window (or since start, while the run is younger). */
  perMinute(now: number): number {
    this.evict(now);
    if (this.startedAt === undefined) return 0;
    return perMinute(this.countInWindow, Math.min(this.windowMs, now - this.startedAt));
  }

  private evict(now: number): void {
    const capacity = this.times.length;
    while (this.size > 0 && now - this.times[this.head] >= this.windowMs) {
      this.countInWindow -= this.counts[this.head];
      this.head = (this.head + 1) % capacity;
      this.size--;
    }
    if (this.size === 0) this.countInWindow = 0; // no drift from float sums
  }

  private grow(): void {
    const capacity = this.times.length;
    const times = new Float64Array(capacity * 2);
    const counts = new Float64Array(capacity * 2);
    for (let i = 0; i < this.size; i++) {
      times[i] = this.times[(this.head + i) % capacity];
      counts[i] = this.counts[(this.head + i) % capacity];
    }
    this.times = times;
    this.counts = counts;
    this.head = 0;
  }
}
