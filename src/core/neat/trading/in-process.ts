// Evaluation on the calling thread (the thread pool's stand-in when threadPool is off). Between
// genomes it yields to the host once ~40 ms have passed, so a stop request gets through even when
// an original-mode generation takes seconds. Slicing never changes results.
import { EPISODE_METRIC_COUNT, sliceJob, type EvaluationStrategy, type EvaluationJob, type EvaluationResult } from './evaluation-jobs.ts';
import { encodedGenomeKeys } from '../codecs/genome-codec.ts';
import { TradingEvaluator, type TradingEvaluatorSetup } from './evaluator.ts';

const YIELD_EVERY_MS = 40;

export class InProcessEvaluation implements EvaluationStrategy {
  readonly threads = 1;
  readonly evaluator: TradingEvaluator;
  private readonly yieldToHost: (() => Promise<void>) | undefined;
  private readonly now: () => number;

  constructor(setup: TradingEvaluatorSetup, yieldToHost?: () => Promise<void>, now: () => number = () => performance.now()) {
    this.evaluator = new TradingEvaluator(setup);
    this.yieldToHost = yieldToHost;
    this.now = now;
  }

  async evaluate(job: EvaluationJob): Promise<EvaluationResult> {
    if (!this.yieldToHost) return this.evaluator.evaluate(job);
    const count = encodedGenomeKeys(job.genomes).length;
    const metrics = new Float64Array(count * EPISODE_METRIC_COUNT);
    let forwardPasses = 0;
    let envSteps = 0;
    let lastYield = this.now();
    for (const slice of sliceJob(count, count)) {
      const part = this.evaluator.evaluate(job, slice);
      metrics.set(part.metrics, slice.start * EPISODE_METRIC_COUNT);
      forwardPasses += part.forwardPasses;
      envSteps += part.envSteps;
      if (this.now() - lastYield > YIELD_EVERY_MS) {
        await this.yieldToHost();
        lastYield = this.now();
      }
    }
    return { metrics, forwardPasses, envSteps };
  }

  async close(): Promise<void> {}
}
