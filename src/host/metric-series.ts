// One recorded metric series with bounded memory: when it reaches its capacity, the older half is
// thinned to every other sample, so a long run keeps its whole shape at decreasing resolution.
import type { MetricSample } from '../shared/metrics.ts';

export class MetricSeries {
  private samples: MetricSample[] = [];
  private readonly capacity: number;

  constructor(capacity: number) {
    if (capacity < 4) throw new RangeError(`MetricSeries capacity must be at least 4, got ${capacity}`);
    this.capacity = capacity;
  }

  get length(): number {
    return this.samples.length;
  }

  push(sample: MetricSample): void {
    this.samples.push(sample);
    if (this.samples.length >= this.capacity) {
      const half = Math.floor(this.samples.length / 2);
      const older = this.samples.slice(0, half).filter((_, index) => index % 2 === 0);
      this.samples = older.concat(this.samples.slice(half));
    }
  }

  last(): MetricSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** At most `maxPoints` samples, evenly strided, always including the latest. */
  downsample(maxPoints: number): MetricSample[] {
    if (this.samples.length <= maxPoints) return this.samples.slice();
    const stride = this.samples.length / maxPoints;
    const picked: MetricSample[] = [];
    for (let i = 0; i < maxPoints - 1; i++) picked.push(this.samples[Math.floor(i * stride)]);
    picked.push(this.samples[this.samples.length - 1]);
    return picked;
  }
}
