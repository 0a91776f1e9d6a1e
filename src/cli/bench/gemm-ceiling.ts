// `npm run bench -- rl`, section `ceiling`: how fast this machine multiplies float32 matrices of the
// RL-std network's own shapes on the fastest path the project has (onnxruntime: MLAS on the cpu, and
// the platform's GPU provider where one opens), and the episodes/min that rate allows if an episode
// were nothing but its GEMMs: the bound the measured episodes/min are compared with. Figures are
// medians of repeats; where onnxruntime cannot run, the reason is reported instead of a number.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { linearLayers, type NetworkLayout } from '../../core/compute/network.ts';
import { OPSET } from '../../core/compute/onnx-builder.ts';
import { encodeModel, TensorType, type InitializerSpec, type NodeSpec, type ValueInfoSpec } from '../../core/compute/onnx-proto.ts';
import { Random } from '../../core/random.ts';

/** forward: X·W; weightGradient: Xᵀ·dY (both operands are activations); inputGradient: dY·Wᵀ. */
export type GemmRole = 'forward' | 'weightGradient' | 'inputGradient';

/** One GEMM, [m × k]·[k × n], of a layer. */
export interface Gemm { layer: string; role: GemmRole; m: number; k: number; n: number }

/** How the weight operand reaches the GEMM: a constant initializer (MLAS pre-packs it) or a graph input (as the product feeds it). */
export type WeightFeed = 'constant' | 'input';

export const gemmFlops = (gemm: Gemm): number => 2 * gemm.m * gemm.k * gemm.n;

/** Forward FLOPs of one row over every Linear layer (2 per multiply-add). */
export function forwardFlopsPerRow(layout: NetworkLayout): number {
  return linearLayers(layout).reduce((sum, layer) => sum + 2 * layer.inputs * layer.outputs, 0);
}

/** The GEMMs of one pass over `rows` rows: acting is the forward GEMM of each layer, learning adds the two backward GEMMs. */
export function passGemms(layout: NetworkLayout, pass: 'acting' | 'learning', rows: number): Gemm[] {
  const gemms: Gemm[] = [];
  for (const { name, inputs, outputs } of linearLayers(layout)) {
    gemms.push({ layer: name, role: 'forward', m: rows, k: inputs, n: outputs });
    if (pass === 'learning') {
      gemms.push({ layer: name, role: 'weightGradient', m: inputs, k: rows, n: outputs });
      gemms.push({ layer: name, role: 'inputGradient', m: rows, k: outputs, n: inputs });
    }
  }
  return gemms;
}

/** FLOPs of one episode of `horizon` steps: one acting row per step, and its learning row at 3x the forward FLOPs. */
export function episodeFlops(layout: NetworkLayout, horizon: number): { acting: number; learning: number; total: number } {
  const forward = forwardFlopsPerRow(layout);
  return { acting: horizon * forward, learning: 3 * horizon * forward, total: 4 * horizon * forward };
}

/** A pass's FLOP-weighted rate: its FLOPs over the time its GEMMs take at their own rates (GFLOP/s). */
export function passRate(gemms: Gemm[], gflopPerSec: number[]): number {
  const flops = gemms.reduce((sum, gemm) => sum + gemmFlops(gemm), 0);
  return flops / gemms.reduce((seconds, gemm, index) => seconds + gemmFlops(gemm) / gflopPerSec[index], 0);
}

/** Episodes/min if an episode took only the time of its FLOPs at the acting and learning rates (GFLOP/s). */
export function ceilingEpisodesPerMin(layout: NetworkLayout, horizon: number, actingGflopPerSec: number, learningGflopPerSec: number): number {
  const flops = episodeFlops(layout, horizon);
  return 60 / (flops.acting / (actingGflopPerSec * 1e9) + flops.learning / (learningGflopPerSec * 1e9));
}

/** GFLOP/s a training run does at `episodesPerMin`, counting its episodes' FLOPs as episodeFlops does. */
export function achievedGflopPerSec(layout: NetworkLayout, horizon: number, episodesPerMin: number): number {
  return (episodesPerMin * episodeFlops(layout, horizon).total) / 60 / 1e9;
}

type OrtModule = typeof Ort;

/** onnxruntime-node, loaded as the onnx backend loads it. */
async function loadOrt(): Promise<OrtModule> {
  const module = await import('onnxruntime-node');
  return ((module as unknown as { default?: OrtModule }).default ?? module) as OrtModule;
}

/** The providers the onnx backend tries on this platform (onnx.ts), cpu first since it always opens. */
function providers(ort: OrtModule): string[] {
  const bundled = ort.listSupportedBackends().filter((backend) => backend.bundled).map((backend) => backend.name);
  return ['cpu', ...(process.platform === 'darwin' ? ['webgpu', 'coreml'] : ['cuda']).filter((name) => bundled.includes(name))];
}

/** Intra-op threads as the onnx backend sets them: acting 1 unless `threads` is set; learning `threads`, 0 = the runtime's default. */
function passThreads(pass: 'acting' | 'learning', threads: number): number {
  return pass === 'acting' ? threads || 1 : threads;
}

/** The provider and, on the cpu, the intra-op threads: e.g. `onnxruntime cpu (MLAS), 1 intra-op thread`. */
export function deviceName(provider: string, threads: number): string {
  if (provider !== 'cpu') return `onnxruntime ${provider}`;
  return `onnxruntime cpu (MLAS), ${threads > 0 ? `${threads} intra-op thread${threads === 1 ? '' : 's'}` : 'intra-op threads: runtime default'}`;
}

const shapeText = (gemm: Gemm) => `[${gemm.m}x${gemm.k}]x[${gemm.k}x${gemm.n}]`;

/** One Gemm node of the shape, its operands stored as the learning graph stores them (Xᵀ·dY with transA, dY·Wᵀ with transB). */
function gemmGraph(gemm: Gemm, weights: WeightFeed, random: Random): { model: Uint8Array; feeds: { name: string; shape: number[] }[] } {
  const transA = gemm.role === 'weightGradient' ? 1 : 0;
  const transB = gemm.role === 'inputGradient' ? 1 : 0;
  const aShape = transA ? [gemm.k, gemm.m] : [gemm.m, gemm.k];
  const bShape = transB ? [gemm.n, gemm.k] : [gemm.k, gemm.n];
  const bound = 1 / Math.sqrt(gemm.k);
  const constant = weights === 'constant' && gemm.role !== 'weightGradient';
  const inputs: ValueInfoSpec[] = [{ name: 'a', type: TensorType.float, shape: aShape }, ...(constant ? [] : [{ name: 'b', type: TensorType.float, shape: bShape }])];
  const initializers: InitializerSpec[] = constant ? [{ name: 'b', type: TensorType.float, dims: bShape, values: Array.from({ length: bShape[0] * bShape[1] }, () => random.uniform(-bound, bound)) }] : [];
  const nodes: NodeSpec[] = [{ opType: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], name: 'gemm', attributes: { transA: { kind: 'int', value: transA }, transB: { kind: 'int', value: transB } } }];
  const model = encodeModel({ graphName: 'gemm', opsetVersion: OPSET, nodes, initializers, inputs, outputs: [{ name: 'y', type: TensorType.float, shape: [gemm.m, gemm.n] }] });
  return { model, feeds: inputs.map((input) => ({ name: input.name, shape: input.shape as number[] })) };
}

export interface GemmMeasureOptions {
  provider: string;
  /** Intra-op threads; 0 leaves the runtime's default. */
  threads: number;
  weights: WeightFeed;
  /** Timed runs after one warm-up (at least 3, more while within budgetMs). */
  repeats: number;
  budgetMs: number;
}

/** How a provider's GEMMs are timed: on the cpu the kernel alone, elsewhere the whole run (GPU kernels run asynchronously). */
const timing = (provider: string) => (provider === 'cpu'
  ? 'kernel time from onnxruntime\'s profiler (whole microseconds), without the run\'s dispatch and the binding\'s copies of inputs and outputs'
  : 'wall time of a session run, including transfers to and from the device and the binding\'s copies');

/**
 * Per-run kernel microseconds from a session's profile (its nodes' kernel_time events, grouped by
 * run; the warm-up run left out). A GPU provider whose nodes all ran on the cpu is an error: the
 * figure would be the cpu's under the provider's name.
 */
function kernelMicroseconds(file: string, runs: number, provider: string): number[] {
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { provider?: string } }[])
    .filter((event) => event.cat === 'Node' && event.name.endsWith('_kernel_time'));
  const perRun = events.length / runs;
  if (!Number.isInteger(perRun) || perRun < 1) throw new Error(`the profile ${file} holds ${events.length} kernel events for ${runs} runs`);
  if (provider !== 'cpu' && events.every((event) => event.args?.provider === 'CPUExecutionProvider')) throw new Error(`${provider} did not take the Gemm node: onnxruntime ran it on the cpu`);
  const times: number[] = [];
  for (let run = 1; run < runs; run++) times.push(events.slice(run * perRun, (run + 1) * perRun).reduce((sum, event) => sum + event.dur, 0));
  return times;
}

async function measureGemm(ort: OrtModule, gemm: Gemm, options: GemmMeasureOptions, random: Random): Promise<number> {
  const { model, feeds: feedSpecs } = gemmGraph(gemm, options.weights, random);
  const profile = mkdtempSync(join(tmpdir(), 'traindeck-gemm-'));
  // the onnx backend's session options (onnx.ts): no spin-waiting, one inter-op thread
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(options.threads > 0 ? { intraOpNumThreads: options.threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    executionProviders: [options.provider],
    enableProfiling: true,
    profileFilePrefix: join(profile, 'gemm'),
  });
  try {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const { name, shape } of feedSpecs) feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: shape[0] * shape[1] }, () => random.uniform(-1, 1)), shape);
    await session.run(feeds);
    let times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < options.repeats && (i < 3 || performance.now() - started < options.budgetMs); i++) {
      const t = performance.now();
      await session.run(feeds);
      times.push((performance.now() - t) * 1000);
    }
    session.endProfiling();
    const kernels = kernelMicroseconds(join(profile, readdirSync(profile).find((name) => name.endsWith('.json'))!), times.length + 1, options.provider);
    if (options.provider === 'cpu') times = kernels;
    times.sort((x, y) => x - y);
    return gemmFlops(gemm) / (Math.max(times[Math.floor(times.length / 2)], 1) * 1e3);
  } finally {
    await session.release();
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface PassRate {
  /** FLOP-weighted over the pass's GEMMs. */
  gflopPerSec: number;
  gemms: { gemm: string; gflopPerSec: number }[];
}

/** Every GEMM of one pass measured on one provider; `known` gives rates already measured (a weight gradient's does not depend on the weight feed). */
export async function measurePass(gemms: Gemm[], options: GemmMeasureOptions, known?: PassRate): Promise<PassRate> {
  const ort = await loadOrt();
  const random = new Random(15);
  const rates: number[] = [];
  for (const [index, gemm] of gemms.entries()) rates.push(gemm.role === 'weightGradient' && known ? known.gemms[index].gflopPerSec : await measureGemm(ort, gemm, options, random));
  const round = (value: number) => Number(value.toPrecision(4));
  return {
    gflopPerSec: round(passRate(gemms, rates)),
    gemms: gemms.map((gemm, index) => ({ gemm: `${gemm.layer} ${gemm.role} ${shapeText(gemm)}`, gflopPerSec: round(rates[index]) })),
  };
}

export interface CeilingOptions {
  layout: NetworkLayout;
  horizon: number;
  /** Env counts: acting passes of `envs` rows, learning passes of envs × horizon rows. */
  envs: number[];
  /** The runs' `threads` setting (0: runtime default for learning, 1 for acting). */
  threads?: number;
  /** Timed runs per GEMM (default 7 for learning, 25 for acting), within budgetMs (default 2000) after the third. */
  repeats?: number;
  budgetMs?: number;
}

interface PassFigures { rows: number; device: string; constantWeights: PassRate; inputWeights: PassRate }

/** A pass's best constant-weight rate over the providers, with the provider and threads that gave it. */
export interface BestRate { gflopPerSec: number; device: string }

export interface CeilingReport {
  method: string;
  forwardFlopsPerRow: number;
  episodeFlops: ReturnType<typeof episodeFlops>;
  available: boolean;
  reason?: string;
  providers?: { provider: string; available: boolean; timing?: string; reason?: string }[];
  /** Per provider and env count: both passes with both weight feeds, and the ceiling each feed gives. */
  runs?: ({ provider: string; envs: number; ceilingEpisodesPerMin: { constantWeights: number; inputWeights: number } } & Record<'acting' | 'learning', PassFigures>)[];
  /** Per env count: episodes/min at the best constant-weight acting and learning rates. */
  ceilings?: { envs: number; episodesPerMin: number; weights: 'constant'; acting: BestRate; learning: BestRate }[];
}

/** The `ceiling` section: each pass's rate on each provider with both weight feeds, and per env count the ceiling from the best constant-weight rates. */
export async function measureCeiling(options: CeilingOptions): Promise<CeilingReport> {
  const { layout, horizon } = options;
  const threads = options.threads ?? 0;
  const header = {
    method: 'one float32 Gemm node per shape of each pass in onnxruntime, with the onnx backend\'s session options and intra-op threads (acting 1, learning the runtime default); each GEMM the median of repeated runs, weights either constant initializers (MLAS pre-packs them: the ceiling) or graph inputs (as the product feeds them); a pass is the FLOP-weighted rate of its GEMMs (acting: forward per layer; learning: forward, Xᵀ·dY and dY·Wᵀ per layer, the last of which the product skips for the two input layers). The ceiling counts only GEMM time: no env stepping, activations, BatchNorm, loss, optimizer or dispatch.',
    forwardFlopsPerRow: forwardFlopsPerRow(layout),
    episodeFlops: episodeFlops(layout, horizon),
  };
  let ort: OrtModule;
  try {
    ort = await loadOrt();
  } catch (error) {
    return { ...header, available: false, reason: `onnxruntime-node could not be loaded: ${(error as Error).message}` };
  }
  const providerResults: NonNullable<CeilingReport['providers']> = [];
  const runs: NonNullable<CeilingReport['runs']> = [];
  const best = new Map<string, BestRate>();
  for (const provider of providers(ort)) {
    try {
      for (const envs of options.envs) {
        const passes = {} as Record<'acting' | 'learning', PassFigures>;
        for (const pass of ['acting', 'learning'] as const) {
          const rows = pass === 'acting' ? envs : envs * horizon;
          const gemms = passGemms(layout, pass, rows);
          const measure = { provider, threads: passThreads(pass, threads), repeats: options.repeats ?? (pass === 'acting' ? 25 : 7), budgetMs: options.budgetMs ?? 2000 };
          process.stderr.write(`bench rl: ceiling ${provider} ${pass} pass, ${rows} rows\n`);
          const constantWeights = await measurePass(gemms, { ...measure, weights: 'constant' });
          const inputWeights = await measurePass(gemms, { ...measure, weights: 'input' }, constantWeights);
          passes[pass] = { rows, device: deviceName(provider, measure.threads), constantWeights, inputWeights };
          const key = `${envs}:${pass}`;
          if (constantWeights.gflopPerSec > (best.get(key)?.gflopPerSec ?? 0)) best.set(key, { gflopPerSec: constantWeights.gflopPerSec, device: passes[pass].device });
        }
        const ceiling = (weights: 'constantWeights' | 'inputWeights') => Math.round(ceilingEpisodesPerMin(layout, horizon, passes.acting[weights].gflopPerSec, passes.learning[weights].gflopPerSec));
        runs.push({ provider, envs, ...passes, ceilingEpisodesPerMin: { constantWeights: ceiling('constantWeights'), inputWeights: ceiling('inputWeights') } });
      }
      providerResults.push({ provider, available: true, timing: timing(provider) });
    } catch (error) {
      providerResults.push({ provider, available: false, reason: (error as Error).message.split('\n')[0].slice(0, 200) });
    }
  }
  const ceilings = options.envs.filter((envs) => best.has(`${envs}:acting`) && best.has(`${envs}:learning`)).map((envs) => {
    const acting = best.get(`${envs}:acting`)!;
    const learning = best.get(`${envs}:learning`)!;
    return { envs, episodesPerMin: Math.round(ceilingEpisodesPerMin(layout, horizon, acting.gflopPerSec, learning.gflopPerSec)), weights: 'constant' as const, acting, learning };
  });
  return { ...header, available: ceilings.length > 0, providers: providerResults, runs, ceilings };
}
