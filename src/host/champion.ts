// The NEAT champion of a run, read from its latest checkpoint: what the live run view draws.
import { readFile, stat } from 'node:fs/promises';
import type { RequestResult } from '../shared/ipc/contract.ts';
import { ApiError } from '../shared/ipc/envelope.ts';
import { exportChampionFromCheckpoint } from '../core/neat/trading/champion.ts';
import { openCheckpoint } from '../core/checkpoint-integrity.ts';
import type { RunManager } from './run-manager.ts';

export async function readChampion(runManager: RunManager, runId: string): Promise<RequestResult<'getChampion'>> {
  const record = runManager.record(runId);
  if (record.config.trainer !== 'neat') throw new ApiError('bad-request', `Run "${runId}" is a ${record.config.trainer} run; only NEAT runs have a champion network`);
  const path = runManager.latestCheckpoint(runId);
  if (!path) throw new ApiError('not-found', `Run "${runId}" has no checkpoint yet; the champion appears after the first one is saved`);
  const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
  try {
    return { source: `checkpoint saved ${info.mtime.toISOString()}`, networks: exportChampionFromCheckpoint(openCheckpoint(new Uint8Array(bytes))) };
  } catch (error) {
    throw new ApiError('internal', `The checkpoint of run "${runId}" could not be read: ${(error as Error).message}`);
  }
}
