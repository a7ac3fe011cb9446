// Strategy parameters, checked against the same schema the API server uses
// (crds/schema/strategies.ts): defaults, bounds and the cross-field rules, so a
// strategy built outside a cluster (backtest, sweep) accepts exactly what the
// API server accepts, and names the field when it does not.

import type {
  BollingerParams,
  MacdParams,
  OnnxParams,
  RsiParams,
  StochasticParams,
  VolumeParams,
} from '../../crds/index.ts';
import { strategyParams } from '../../crds/schema/strategies.ts';
import { StrategyError, StrategyErrorCode, type StrategyType } from './types.ts';

export interface ParamsByType {
  rsi: RsiParams;
  macd: MacdParams;
  bollinger: BollingerParams;
  volume: VolumeParams;
  stochastic: StochasticParams;
  onnx: OnnxParams;
}

/** The documented defaults, read from the schema. */
export function defaultParams<T extends StrategyType>(type: T): ParamsByType[T] {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(strategyParams[type].properties ?? {})) out[k] = p.default;
  return out as unknown as ParamsByType[T];
}

/** Applies defaults and checks every bound; throws StrategyError naming `${where}.${field}`. */
export function resolveParams<T extends StrategyType>(
  type: T,
  given: Partial<ParamsByType[T]> | undefined,
  where = type as string,
): ParamsByType[T] {
  const schema = strategyParams[type];
  const props = schema.properties ?? {};
  const input = (given ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(input)) {
    if (!(k in props)) {
      throw new StrategyError(
        StrategyErrorCode.INVALID_PARAMETER,
        `${where}.${k}`,
        `unknown parameter; known: ${Object.keys(props).join(', ')}`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) {
    const v = input[k] ?? p.default;
    const field = `${where}.${k}`;
    const bad = (why: string): never => {
      throw new StrategyError(StrategyErrorCode.INVALID_PARAMETER, field, `${JSON.stringify(v)} ${why}`);
    };
    if (p.enum) {
      if (!p.enum.includes(v as string)) bad(`must be one of ${p.enum.join(', ')}`);
    } else if (p.type === 'integer' || p.type === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a number');
      const n = v as number;
      if (p.type === 'integer' && !Number.isInteger(n)) bad('must be a whole number');
      if (p.minimum !== undefined && (p.exclusiveMinimum ? n <= p.minimum : n < p.minimum))
        bad(`must be ${p.exclusiveMinimum ? 'greater than' : 'at least'} ${p.minimum}`);
      if (p.maximum !== undefined && (p.exclusiveMaximum ? n >= p.maximum : n > p.maximum))
        bad(`must be ${p.exclusiveMaximum ? 'less than' : 'at most'} ${p.maximum}`);
    }
    out[k] = v;
  }
  // The schema's cross-field rules (x-kubernetes-validations), written out.
  const lower = (a: string, b: string) => {
    if (!((out[a] as number) < (out[b] as number)))
      throw new StrategyError(
        StrategyErrorCode.INVALID_PARAMETER,
        `${where}.${a}`,
        `${a} must be lower than ${b}`,
      );
  };
  if (type === 'rsi' || type === 'stochastic') lower('oversold', 'overbought');
  if (type === 'macd') lower('fastPeriod', 'slowPeriod');
  if (type === 'onnx') checkOnnx(out as unknown as OnnxParams, where);
  return out as unknown as ParamsByType[T];
}

/** The ONNX parameters' rules beyond plain bounds, as the schema states them. */
function checkOnnx(p: OnnxParams, where: string): void {
  const bad = (field: string, why: string): never => {
    throw new StrategyError(StrategyErrorCode.INVALID_PARAMETER, `${where}.${field}`, why);
  };
  if (!(p.sellThreshold < p.buyThreshold))
    bad('sellThreshold', 'sellThreshold must be lower than buyThreshold');
  for (const [name, v] of [
    ['buyThreshold', p.buyThreshold],
    ['sellThreshold', p.sellThreshold],
  ] as const) {
    if (!(v >= 0 && v <= 1)) bad(name, `${JSON.stringify(v)} must be between 0 and 1`);
  }
  const known = ['open', 'high', 'low', 'close', 'volume', 'returns', 'logReturns'];
  if (!Array.isArray(p.features) || p.features.length === 0) bad('features', 'needs at least one feature');
  for (const [i, f] of p.features.entries()) {
    if (!known.includes(f)) bad(`features[${i}]`, `${JSON.stringify(f)} must be one of ${known.join(', ')}`);
    if (p.features.indexOf(f) !== i) bad(`features[${i}]`, `${JSON.stringify(f)} is listed twice`);
  }
  const m = p.model as OnnxParams['model'] | undefined;
  if (!m || (m.path === undefined) === (m.configMapRef === undefined)) {
    bad('model', 'exactly one of model.configMapRef and model.path must be set');
  }
}
