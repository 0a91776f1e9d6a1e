// The `onnx` backend: onnxruntime-node running the generated acting and learning graphs. Sessions are
// created once per graph (weights are inputs), so updates never rebuild them. Execution providers,
// tried in order until one opens the graph: webgpu then coreml on macOS, cuda on Linux where
// installed, cpu everywhere (always last).
import type * as Ort from 'onnxruntime-node';
import { type NetworkLayout, type NetworkState } from './network.ts';
import { requireValueTarget } from './loss.ts';
import { buildActingGraph, buildLearningGraph, foldBatchNorm, weightInputSpecs } from './onnx-network.ts';
import { type BackendAvailability, type BackendOptions, type ComputeBackend, type LearnBatch, type LearnResult, type LossSpec, type ObservationBatch, type PolicyOutput } from './types.ts';
import { ACTION_COUNT, OBSERVATION_WIDTH } from '../env/observation.ts';

type OrtModule = typeof Ort;
let ortModule: Promise<OrtModule> | undefined;

async function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').then((module) => ((module as unknown as { default?: OrtModule }).default ?? module) as OrtModule);
  return ortModule;
}

/** Execution providers worth trying here, best first (cpu always last). */
async function candidateProviders(ort: OrtModule, platform: string): Promise<string[]> {
  const supported = ort.listSupportedBackends().filter((backend) => backend.bundled).map((backend) => backend.name);
  const wanted = platform === 'darwin' ? ['webgpu', 'coreml'] : ['cuda'];
  return [...wanted.filter((name) => supported.includes(name)), 'cpu'];
}

function platformName(): string {
  return (globalThis as { process?: { platform?: string } }).process?.platform ?? 'unknown';
}

export async function probe(): Promise<BackendAvailability> {
  try {
    const ort = await loadOrt();
    const providers = await candidateProviders(ort, platformName());
    const provider = providers[0];
    return { name: 'onnx', available: true, device: provider, fp16: provider !== 'cpu' };
  } catch (error) {
    return { name: 'onnx', available: false, reason: `onnxruntime-node could not be loaded: ${(error as Error).message}` };
  }
}

export interface OnnxBackendOptions extends BackendOptions {
  /** Execution provider to use instead of the platform's best one (e.g. `cpu`, `webgpu`). */
  provider?: string;
}

export class OnnxBackend implements ComputeBackend {
  readonly name = 'onnx' as const;
  readonly device: string;
  readonly layout: NetworkLayout;
  private readonly ort: OrtModule;
  private readonly actSession: Ort.InferenceSession;
  private readonly sessionOptions: Ort.InferenceSession.SessionOptions;
  private readonly learnSessions = new Map<LossSpec['kind'], Promise<Ort.InferenceSession>>();
  private learnTensors: { state: NetworkState; version: number; weights: Record<string, Ort.Tensor> } | undefined;
  private actTensors: { state: NetworkState; version: number; weights: Record<string, Ort.Tensor> } | undefined;
  private readonly provider: string;
  private allAllowed = new Uint8Array(0);

  constructor(ort: OrtModule, layout: NetworkLayout, device: string, actSession: Ort.InferenceSession, sessionOptions: Ort.InferenceSession.SessionOptions, provider: string) {
    this.ort = ort;
    this.provider = provider;
    this.layout = layout;
    this.device = device;
    this.actSession = actSession;
    this.sessionOptions = sessionOptions;
  }

  /** Weight tensors for the learning graph: views of the flat parameter vector, made once per version. */
  private learningWeights(state: NetworkState): Record<string, Ort.Tensor> {
    const cached = this.learnTensors;
    if (cached && cached.state === state && cached.version === state.version) return cached.weights;
    const weights: Record<string, Ort.Tensor> = {};
    for (const spec of weightInputSpecs(this.layout)) {
      const length = spec.shape.reduce((a, b) => a * b, 1);
      weights[spec.name] = new this.ort.Tensor('float32', state.parameters.subarray(spec.offset, spec.offset + length), spec.shape);
    }
    this.learnTensors = { state, version: state.version, weights };
    return weights;
  }

  /** Weight tensors for the acting graph (BatchNorm folded in), made once per version. */
  private actingWeights(state: NetworkState): Record<string, Ort.Tensor> {
    const cached = this.actTensors;
    if (cached && cached.state === state && cached.version === state.version) return cached.weights;
    const weights: Record<string, Ort.Tensor> = {};
    for (const [name, input] of foldBatchNorm(this.layout, state)) weights[name] = new this.ort.Tensor('float32', input.data, input.shape);
    this.actTensors = { state, version: state.version, weights };
    return weights;
  }

  /** Observations and action masks (all ones when the batch has none: every action allowed). */
  private observationFeeds(batch: ObservationBatch): Record<string, Ort.Tensor> {
    const size = batch.size;
    if (!batch.actionMasks && this.allAllowed.length < size * ACTION_COUNT) this.allAllowed = new Uint8Array(size * ACTION_COUNT).fill(1);
    const masks = (batch.actionMasks ?? this.allAllowed).subarray(0, size * ACTION_COUNT);
    return {
      observations: new this.ort.Tensor('float32', batch.observations.subarray(0, size * OBSERVATION_WIDTH), [size, OBSERVATION_WIDTH]),
      actionMasks: new this.ort.Tensor('uint8', masks, [size, ACTION_COUNT]),
    };
  }

  async act(state: NetworkState, batch: ObservationBatch): Promise<PolicyOutput> {
    const results = await this.actSession.run({ ...this.actingWeights(state), ...this.observationFeeds(batch) });
    return {
      probabilities: results.probabilities.data as Float32Array,
      values: this.layout.value ? (results.values.data as Float32Array) : undefined,
    };
  }

  /** The learning graph runs in float32 on the acting provider, or on cpu where that provider fails. */
  private learnSession(kind: LossSpec['kind']): Promise<Ort.InferenceSession> {
    let session = this.learnSessions.get(kind);
    if (!session) {
      const model = buildLearningGraph(this.layout, kind);
      const onCpu = () => this.ort.InferenceSession.create(model, { ...this.sessionOptions, executionProviders: ['cpu'] });
      session = this.provider === 'cpu'
        ? onCpu()
        : this.ort.InferenceSession.create(model, { ...this.sessionOptions, executionProviders: [this.provider] }).catch(onCpu);
      this.learnSessions.set(kind, session);
    }
    return session;
  }

  async learn(state: NetworkState, batch: LearnBatch): Promise<LearnResult> {
    const { Tensor } = this.ort;
    const size = batch.size;
    const session = await this.learnSession(batch.loss.kind);
    const oneHot = new Float32Array(size * ACTION_COUNT);
    for (let row = 0; row < size; row++) oneHot[row * ACTION_COUNT + batch.actions[row]] = 1;
    const column = (values: Float32Array) => new Tensor('float32', values.subarray(0, size), [size, 1]);
    const scalar = (value: number) => new Tensor('float32', Float32Array.of(value), [1]);
    const feeds: Record<string, Ort.Tensor> = {
      ...this.learningWeights(state),
      ...this.observationFeeds(batch),
      actionsOneHot: new Tensor('float32', oneHot, [size, ACTION_COUNT]),
      scale: scalar(1 / size),
      entropyCoefficient: scalar(batch.loss.entropyCoefficient),
    };
    if (this.layout.spec.dropout > 0) {
      if (!batch.dropoutMasks) throw new Error('onnx learn: the network uses dropout but the batch has no dropout masks');
      this.layout.macro.forEach((layer, index) => {
        feeds[`mask${index}`] = new Tensor('uint8', batch.dropoutMasks![index].subarray(0, size * layer.outputs), [size, layer.outputs]);
      });
    }
    const loss = batch.loss;
    if (loss.kind === 'reinforce') {
      feeds.weights = column(loss.weights);
    } else {
      feeds.advantages = column(loss.advantages);
      feeds.oldLogProbs = column(loss.oldLogProbs);
      feeds.clipEpsilon = scalar(loss.clipEpsilon);
    }
    if (this.layout.value) {
      const target = requireValueTarget(loss);
      feeds.returns = column(target.returns);
      feeds.valueCoefficient = scalar(target.valueCoefficient);
    }
    const results = await session.run(feeds);
    return {
      gradient: results.gradient.data as Float32Array,
      batchMean: results.batchMean.data as Float32Array,
      batchVariance: results.batchVariance.data as Float32Array,
      logProbs: results.logProbs.data as Float32Array,
      values: this.layout.value ? (results.values.data as Float32Array) : undefined,
    };
  }

  async dispose(): Promise<void> {
    await this.actSession.release();
    for (const session of this.learnSessions.values()) await (await session).release();
    this.learnSessions.clear();
  }
}

export async function create(options: OnnxBackendOptions): Promise<ComputeBackend> {
  const ort = await loadOrt();
  // no spin-waiting: on a shared machine spinning pool threads steal the cores they wait for
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    // The memory pattern preallocates one block per input shape beside the arena's own blocks: for
    // the learning graph at 4800 rows that was ~57 MB more peak RSS, and no measurable speed (see
    // docs/memory.md). The arena itself stays: without it learning ran 3.5-8x slower.
    enableMemPattern: false,
  };
  // acting batches are small (N rows): one thread beats the pool's hand-off cost
  const open = (provider: string, fp16: boolean) => ort.InferenceSession.create(buildActingGraph(options.layout, fp16), {
    ...sessionOptions,
    intraOpNumThreads: options.threads || 1,
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider],
  });
  const candidates = options.provider ? [options.provider] : await candidateProviders(ort, platformName());
  const failures: string[] = [];
  for (const provider of candidates) {
    if (provider === 'cpu') {
      if (options.fp16) throw new Error(`backend onnx: fp16 needs a GPU execution provider; ${failures.length > 0 ? `${failures.join('; ')}; ` : ''}the cpu provider runs float32 only`);
      const device = failures.length > 0 ? `cpu (${failures.join('; ')})` : 'cpu';
      return new OnnxBackend(ort, options.layout, device, await open('cpu', false), sessionOptions, 'cpu');
    }
    try {
      return new OnnxBackend(ort, options.layout, provider, await open(provider, options.fp16 ?? false), sessionOptions, provider);
    } catch (error) {
      // a provider that is bundled but finds no device (e.g. webgpu without an adapter) gives way to the next
      failures.push(`${provider} unavailable: ${(error as Error).message.split('\n')[0].slice(0, 160)}`);
    }
  }
  throw new Error(`backend onnx: no execution provider could open the graph (${failures.join('; ')})`);
}
