// M4 downsampling of a metric series: per time bucket keep the first, last, minimum and maximum
// point. A line chart drawn from the result shows the same extremes and end values as one drawn
// from every point, which plain striding does not (it drops spikes). M4 over buckets of width 2W
// applied to the M4 output of width W gives exactly M4 of the raw series at 2W, so the store can
// compact a series repeatedly without drifting from what the raw data showed.

export interface SeriesPoint {
  elapsedMs: number;
  step: number;
  value: number;
}

/** M4 over consecutive runs of points sharing `bucketOf(point)`. Points must be sorted by time. */
export function m4(points: readonly SeriesPoint[], bucketOf: (point: SeriesPoint) => number): SeriesPoint[] {
  const kept: SeriesPoint[] = [];
  let start = 0;
  while (start < points.length) {
    const bucket = bucketOf(points[start]);
    let end = start + 1;
    let minIndex = start;
    let maxIndex = start;
    while (end < points.length && bucketOf(points[end]) === bucket) {
      if (points[end].value < points[minIndex].value) minIndex = end;
      if (points[end].value > points[maxIndex].value) maxIndex = end;
      end++;
    }
    const indices = [...new Set([start, minIndex, maxIndex, end - 1])].sort((a, b) => a - b);
    for (const index of indices) kept.push(points[index]);
    start = end;
  }
  return kept;
}

/** M4 over buckets [k·widthMs, (k+1)·widthMs) aligned at time 0, as the store compacts with. */
export function m4Aligned(points: readonly SeriesPoint[], widthMs: number): SeriesPoint[] {
  if (!(widthMs > 0)) throw new RangeError(`bucket width must be positive, got ${widthMs}`);
  return m4(points, (point) => Math.floor(point.elapsedMs / widthMs));
}

/** At most `maxPoints` points (at least 4): M4 over floor(maxPoints / 4) equal buckets spanning the series. */
export function downsampleSeries(points: readonly SeriesPoint[], maxPoints: number): SeriesPoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) throw new RangeError(`maxPoints must be an integer of at least 4, got ${maxPoints}`);
  if (points.length <= maxPoints) return points.slice();
  const buckets = Math.floor(maxPoints / 4);
  const first = points[0].elapsedMs;
  const span = points[points.length - 1].elapsedMs - first;
  if (!(span > 0)) return m4(points, () => 0);
  const width = span / buckets;
  return m4(points, (point) => Math.min(buckets - 1, Math.floor((point.elapsedMs - first) / width)));
}
