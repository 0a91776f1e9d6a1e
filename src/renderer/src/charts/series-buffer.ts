// Chart data kept outside Vue's reactivity: bounded point buffers that charts read on their own
// animation-frame schedule, so a growing series never triggers deep watchers.
export interface Point {
  x: number;
  y: number;
}

/** A bounded series: when full, the older half is thinned to every other point. */
export class SeriesBuffer {
  readonly points: Point[] = [];
  private readonly capacity: number;

  constructor(capacity = 2000) {
    this.capacity = capacity;
  }

  push(x: number, y: number): void {
    this.points.push({ x, y });
    if (this.points.length > this.capacity) {
      const half = Math.floor(this.points.length / 2);
      const thinned = this.points.slice(0, half).filter((_, index) => index % 2 === 0);
      this.points.splice(0, half, ...thinned);
    }
  }

  replace(points: Point[]): void {
    this.points.splice(0, this.points.length, ...points.slice(-this.capacity));
  }
}

/** Named series of one run plus a change signal for the charts that draw them. */
export class RunFeed {
  readonly series = new Map<string, SeriesBuffer>();
  private readonly listeners = new Set<() => void>();

  buffer(name: string): SeriesBuffer {
    let buffer = this.series.get(name);
    if (!buffer) this.series.set(name, (buffer = new SeriesBuffer()));
    return buffer;
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
