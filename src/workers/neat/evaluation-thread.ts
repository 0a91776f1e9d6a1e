// Entry file of one NEAT evaluation thread. It builds a TradingEvaluator over the market arrays it
// was given (SharedArrayBuffer-backed, so nothing is copied), then for each job the pool sends it
// claims genome slices until none is left, writing their rows into the job's shared metrics, and
// answers with its counts. Errors go back to the pool as messages.
import { parentPort, workerData } from 'node:worker_threads';
import { TradingEvaluator, type TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import { evaluateClaimedSlices } from '../../core/neat/trading/evaluation-jobs.ts';
import type { ThreadRequest, ThreadResponse } from '../../host/threads/neat-messages.ts';

if (!parentPort) throw new Error('evaluation-thread.ts must run as a worker thread');
const port = parentPort;
const evaluator = new TradingEvaluator(workerData as TradingEvaluatorSetup);

port.on('message', (request: ThreadRequest) => {
  let response: ThreadResponse;
  try {
    const counts = evaluateClaimedSlices(request.job, request.progress, (job, slice) => evaluator.evaluate(job, slice));
    response = { id: request.id, ...counts };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
  }
  port.postMessage(response);
});
