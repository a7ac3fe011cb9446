// An ONNX model as a strategy uses it: input one float32 tensor shaped
// [batch, window, features], output the probability that the price goes up,
// shaped [batch, 1] or [batch]. The shapes the model declares are checked
// against the manifest when it loads, so a model that cannot serve the
// strategy stops the process at boot with the field that disagrees.
import { existsSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { StrategyError, StrategyErrorCode } from '../../strategies/index.ts';

export interface ModelShape {
  readonly window: number;
  readonly features: number;
}

type Dim = number | string;

interface TensorInfo {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly Dim[];
}

/** onnxruntime-node is native code: loaded on first use, so processes without a model never map it. */
async function runtime(): Promise<typeof import('onnxruntime-node')> {
  return import('onnxruntime-node');
}

export class OnnxModel {
  readonly path: string;
  readonly shape: ModelShape;
  readonly #session: InferenceSession;
  readonly #Tensor: typeof Tensor;
  readonly #input: string;
  readonly #output: string;

  private constructor(path: string, shape: ModelShape, session: InferenceSession, tensor: typeof Tensor) {
    this.path = path;
    this.shape = shape;
    this.#session = session;
    this.#Tensor = tensor;
    this.#input = session.inputNames[0]!;
    this.#output = session.outputNames[0]!;
  }

  /** Loads and checks a model; errors name `field` (e.g. `strategies[0].onnx.model`). */
  static async load(path: string, shape: ModelShape, field: string): Promise<OnnxModel> {
    const invalid = (why: string): never => {
      throw new StrategyError(StrategyErrorCode.MODEL_INVALID, field, `${path}: ${why}`);
    };
    if (!existsSync(path)) invalid('no such file');
    const ort = await runtime();
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (e) {
      return invalid(`not a model onnxruntime can load (${(e as Error).message.split('\n')[0]})`);
    }
    const inputs = session.inputMetadata as readonly TensorInfo[];
    const outputs = session.outputMetadata as readonly TensorInfo[];
    if (inputs.length !== 1) invalid(`needs exactly one input, has ${inputs.length}`);
    if (outputs.length < 1) invalid('has no output');
    checkInput(inputs[0]!, shape, invalid);
    checkOutput(outputs[0]!, invalid);
    return new OnnxModel(path, shape, session, ort.Tensor);
  }

  /** Probabilities of `batch` windows laid out back to back in `windows`. */
  async predict(windows: Float32Array, batch: number): Promise<Float32Array> {
    const { window, features } = this.shape;
    const input = new this.#Tensor('float32', windows.subarray(0, batch * window * features), [
      batch,
      window,
      features,
    ]);
    const result = await this.#session.run({ [this.#input]: input });
    const out = result[this.#output]!;
    if (out.type !== 'float32' || out.size !== batch) {
      throw new Error(
        `${this.path}: output ${this.#output} has ${out.size} ${out.type} values for a batch of ${batch}`,
      );
    }
    return out.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}

function checkInput(info: TensorInfo, shape: ModelShape, invalid: (why: string) => never): void {
  if (!info.isTensor || info.type !== 'float32') invalid(`input ${info.name} must be a float32 tensor`);
  const dims = info.shape ?? [];
  if (dims.length !== 3)
    invalid(`input ${info.name} must be shaped [batch, window, features], not [${dims.join(', ')}]`);
  const [batch, window, features] = dims;
  if (typeof batch === 'number' && batch !== -1)
    invalid(`input ${info.name} must take any batch size, not ${batch}`);
  if (typeof window === 'number' && window !== -1 && window !== shape.window) {
    invalid(`input ${info.name} takes windows of ${window} candles; inputWindow is ${shape.window}`);
  }
  if (typeof features === 'number' && features !== -1 && features !== shape.features) {
    invalid(`input ${info.name} takes ${features} features per candle; features lists ${shape.features}`);
  }
}

function checkOutput(info: TensorInfo, invalid: (why: string) => never): void {
  if (!info.isTensor || info.type !== 'float32') invalid(`output ${info.name} must be a float32 tensor`);
  const dims = info.shape ?? [];
  const one = dims.length === 1 || (dims.length === 2 && (dims[1] === 1 || typeof dims[1] === 'string'));
  if (!one) invalid(`output ${info.name} must be shaped [batch, 1] or [batch], not [${dims.join(', ')}]`);
}
