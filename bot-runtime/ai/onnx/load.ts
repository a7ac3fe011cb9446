// Builds the ONNX strategies of a manifest with their models loaded: once per
// strategy (one session serves every symbol it trades), checked against the
// strategy's parameters at load.
import type { Strategy as StrategySpec } from '../../../crds/index.ts';
import { resolveParams } from '../../strategies/index.ts';
import { OnnxModel } from './model.ts';
import { modelFile } from './model-file.ts';

export interface LoadedModel {
  readonly model: OnnxModel;
  readonly params: ReturnType<typeof resolveParams<'onnx'>>;
}

/** Loads the model of `strategies[index]` (an `onnx` strategy) from `modelsDir`. */
export async function loadStrategyModel(
  spec: StrategySpec,
  index: number,
  modelsDir: string,
): Promise<LoadedModel> {
  const where = `strategies[${index}].onnx`;
  const params = resolveParams('onnx', spec.onnx, where);
  const model = await OnnxModel.load(
    modelFile(params.model, modelsDir),
    { window: params.inputWindow, features: params.features.length },
    `${where}.model${params.model.path !== undefined ? '.path' : '.configMapRef'}`,
  );
  return { model, params };
}
