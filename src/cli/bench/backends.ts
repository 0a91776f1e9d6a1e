// `traindeck bench backends --json`: every compute backend's availability (device, or the reason it
// is unavailable), acting and learning latency at the RL-std batch sizes (medians of repeats), and
// its max abs deviation from the js reference on the same batch.
import { createBackend, probeBackends } from '../../core/compute/registry.ts';
import { JsBackend } from '../../core/compute/js.ts';
import { backendNames, type ComputeBackend, type LearnBatch } from '../../core/compute/types.ts';
import { Random } from '../../core/random.ts';
import { initializeNetwork, networkLayout, type NetworkLayout } from '../../core/compute/network.ts';
import { OBSERVATION_WIDTH } from '../../core/env/observation.ts';

/** Forward FLOPs of one row (2 per multiply-add); a learning row costs about three times as much. */
function forwardFlops(layout: NetworkLayout): number {
  return [...layout.macro, ...layout.micro, ...layout.head].reduce((sum, layer) => sum + 2 * layer.inputs * layer.outputs, 0);
}

/** A learning batch of random rows (REINFORCE weights, 10 % dropout masks). */
export function randomLearnBatch(layout: NetworkLayout, size: number, random: Random): LearnBatch {
  return {
    size,
    observations: Float32Array.from({ length: size * OBSERVATION_WIDTH }, () => random.normal()),
    actions: Uint8Array.from({ length: size }, () => random.nextInt(3)),
    dropoutMasks: layout.macro.map((layer) => Uint8Array.from({ length: size * layer.outputs }, () => (random.nextFloat() < 0.1 ? 0 : 1))),
    loss: { kind: 'reinforce', weights: Float32Array.from({ length: size }, () => random.normal()), entropyCoefficient: 0.01 },
  };
}

async function medianMs(repeats: number, budgetMs: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < repeats && (i < 3 || performance.now() - started < budgetMs); i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export async function runBackendsBench(): Promise<Record<string, unknown>> {
  const layout = networkLayout({ valueHead: false, dropout: 0.1 });
  const random = new Random(42);
  const state = initializeNetwork(layout, random);
  const flops = forwardFlops(layout);
  const reference = new JsBackend(layout);
  const parityBatch = randomLearnBatch(layout, 64, random);
  const referenceAct = await reference.act(state, parityBatch);
  const referenceLearn = await reference.learn(state, parityBatch);
  const results: Record<string, unknown>[] = [];
  for (const availability of await probeBackends(backendNames)) {
    if (!availability.available) {
      results.push({ backend: availability.name, available: false, reason: availability.reason });
      continue;
    }
    process.stderr.write(`bench backends: ${availability.name}\n`);
    let backend: ComputeBackend | undefined;
    try {
      backend = await createBackend(availability.name, { layout });
      const acting: Record<string, number> = {};
      for (const size of [1, 32, 128]) {
        const input = randomLearnBatch(layout, size, random);
        acting[`batch${size}Ms`] = Number((await medianMs(50, 3000, () => backend!.act(state, input))).toFixed(3));
      }
      const learning: Record<string, number> = {};
      for (const size of [150, 4800]) {
        const input = randomLearnBatch(layout, size, random);
        const ms = await medianMs(5, 8000, () => backend!.learn(state, input));
        learning[`batch${size}Ms`] = Number(ms.toFixed(2));
        learning[`batch${size}GflopPerSec`] = Number(((3 * flops * size) / (ms * 1e6)).toFixed(2));
      }
      const act = await backend.act(state, parityBatch);
      const learn = await backend.learn(state, parityBatch);
      results.push({
        backend: availability.name,
        available: true,
        device: backend.device,
        fp16: availability.fp16 ?? false,
        acting,
        learning,
        parityVsJs: { probabilities: maxAbs(referenceAct.probabilities, act.probabilities), gradient: maxAbs(referenceLearn.gradient, learn.gradient) },
      });
    } catch (error) {
      results.push({ backend: availability.name, available: true, error: (error as Error).message });
    } finally {
      await backend?.dispose();
    }
  }
  return { network: `${layout.parameterCount} parameters, ${flops} forward FLOPs per row`, backends: results };
}
