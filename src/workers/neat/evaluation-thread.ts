// Entry file of one NEAT evaluation thread. It builds a TradingEvaluator over the market arrays it
// was given (SharedArrayBuffer-backed, so nothing is copied), then for each job the pool sends it
// claims genome slices until none is left, writing their rows into the job's shared metrics, and
// answers with its counts. Errors go back to the pool as messages.
import { workerData } from 'node:worker_threads';
import { TradingEvaluator, type TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import { evaluateClaimedSlices } from '../../core/neat/trading/evaluation-jobs.ts';
import { answerRequests } from '../../host/threads/request-thread.ts';
import type { EvaluationRequest } from '../../host/threads/neat-messages.ts';

const evaluator = new TradingEvaluator(workerData as TradingEvaluatorSetup);

answerRequests((request: EvaluationRequest) => evaluateClaimedSlices(request.job, request.progress, (job, slice) => evaluator.evaluate(job, slice)));
