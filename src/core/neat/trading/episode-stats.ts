// Portfolio metrics of training episodes, accumulated step by step per env slot: return, maximum
// drawdown, turnover (position changes per 100 steps), a per-episode Sharpe ratio of step returns,
// and trades. Every evaluation path (scalar or vector env, any thread) uses this one class in the
// same order, so the metrics, and therefore fitnesses, are bit-identical across modes.
import { EPISODE_METRIC_COUNT, METRIC_DRAWDOWN, METRIC_RETURN, METRIC_SHARPE, METRIC_TRADES, METRIC_TURNOVER } from './evaluation-jobs.ts';

export class EpisodeStats {
  private readonly startCapital: number;
  private readonly equity: Float64Array;
  private readonly peak: Float64Array;
  private readonly maxDrawdown: Float64Array;
  private readonly returnSum: Float64Array;
  private readonly returnSquares: Float64Array;
  private readonly trades: Int32Array;
  private readonly steps: Int32Array;

  constructor(slots: number, startCapital: number) {
    this.startCapital = startCapital;
    this.equity = new Float64Array(slots);
    this.peak = new Float64Array(slots);
    this.maxDrawdown = new Float64Array(slots);
    this.returnSum = new Float64Array(slots);
    this.returnSquares = new Float64Array(slots);
    this.trades = new Int32Array(slots);
    this.steps = new Int32Array(slots);
  }

  begin(slot: number): void {
    this.equity[slot] = this.startCapital;
    this.peak[slot] = this.startCapital;
    this.maxDrawdown[slot] = 0;
    this.returnSum[slot] = 0;
    this.returnSquares[slot] = 0;
    this.trades[slot] = 0;
    this.steps[slot] = 0;
  }

  /** One step's outcome: equity after the step and whether the position changed. */
  record(slot: number, equity: number, traded: boolean): void {
    const stepReturn = equity / this.equity[slot] - 1;
    this.returnSum[slot] += stepReturn;
    this.returnSquares[slot] += stepReturn * stepReturn;
    this.equity[slot] = equity;
    if (equity > this.peak[slot]) this.peak[slot] = equity;
    const drawdown = (this.peak[slot] - equity) / this.peak[slot];
    if (drawdown > this.maxDrawdown[slot]) this.maxDrawdown[slot] = drawdown;
    if (traded) this.trades[slot]++;
    this.steps[slot]++;
  }

  /** Adds the finished episode's metrics (scaled by `weight`) into target[offset ..]. */
  addTo(slot: number, target: Float64Array, offset: number, weight: number): void {
    const steps = Math.max(1, this.steps[slot]);
    const mean = this.returnSum[slot] / steps;
    const variance = Math.max(0, this.returnSquares[slot] / steps - mean * mean);
    const sharpe = variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(steps) : 0;
    target[offset + METRIC_RETURN] += weight * ((this.equity[slot] / this.startCapital - 1) * 100);
    target[offset + METRIC_DRAWDOWN] += weight * (this.maxDrawdown[slot] * 100);
    target[offset + METRIC_TURNOVER] += weight * ((this.trades[slot] / steps) * 100);
    target[offset + METRIC_SHARPE] += weight * sharpe;
    target[offset + METRIC_TRADES] += weight * this.trades[slot];
  }
}

export const METRICS_PER_GENOME = EPISODE_METRIC_COUNT;
