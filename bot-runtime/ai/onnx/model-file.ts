// Where a strategy's model file is. `model.path` is used as given. A
// `model.configMapRef` is a ConfigMap the operator mounts into the strategy's
// pod, one folder per ConfigMap, one file per key:
// <models dir>/<ConfigMap name>/<key>. The models dir is /etc/botcore-models in
// a pod; on a laptop, `--models-dir` or BOTCORE_MODELS_DIR points at a folder
// laid out the same way.
import { join } from 'node:path';
import type { OnnxParams } from '../../../crds/index.ts';
import { runtimeFiles } from '../../../crds/runtime-config/types.ts';

export const DEFAULT_MODELS_DIR = runtimeFiles.modelsDir;

export function modelsDir(env: NodeJS.ProcessEnv = process.env, flag?: string): string {
  return flag ?? (env[runtimeFiles.modelsDirEnv] || DEFAULT_MODELS_DIR);
}

/** The model file of an ONNX strategy's parameters. */
export function modelFile(model: OnnxParams['model'], dir: string): string {
  if (model.path !== undefined) return model.path;
  const ref = model.configMapRef!;
  return join(dir, ref.name, ref.key ?? 'model.onnx');
}
