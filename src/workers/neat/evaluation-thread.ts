// Entry file of one NEAT evaluation thread. It builds a TradingEvaluator over the market arrays it
// was given (SharedArrayBuffer-backed, so nothing is copied), then evaluates the genome slices the
// pool sends and posts back their metrics. Errors go back to the pool as messages.
import { parentPort, workerData } from 'node:worker_threads';
import { TradingEvaluator, type TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import type { ThreadRequest, ThreadResponse } from '../../host/threads/neat-messages.ts';

if (!parentPort) throw new Error('evaluation-thread.ts must run as a worker thread');
const port = parentPort;
const evaluator = new TradingEvaluator(workerData as TradingEvaluatorSetup);

port.on('message', (request: ThreadRequest) => {
  let response: ThreadResponse;
  try {
    const result = evaluator.evaluate(request.job, request.slice);
    response = { id: request.id, metrics: result.metrics, forwardPasses: result.forwardPasses, envSteps: result.envSteps };
    port.postMessage(response, [result.metrics.buffer as ArrayBuffer]);
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
    port.postMessage(response);
  }
});
