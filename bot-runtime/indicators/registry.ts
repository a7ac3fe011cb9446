// The indicators by name, with their parameters and output fields: what the
// `botcore indicators` command and (later) strategy configuration look up.
import type { CandleSeries } from '../market-data/candle.ts';
import {
  adBatch,
  atrBatch,
  bollingerBatch,
  emaBatch,
  macdBatch,
  mfiBatch,
  obvBatch,
  rsiBatch,
  smaBatch,
  stochasticBatch,
  vwapBatch,
} from './batch.ts';
import { IndicatorError, IndicatorErrorCode } from './params.ts';

export interface ParamSpec {
  readonly name: string;
  readonly default: number;
  readonly description: string;
}

export interface IndicatorDefinition {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Output field names, in the order `compute` returns the columns. */
  readonly outputs: readonly string[];
  compute(series: CandleSeries, params: Readonly<Record<string, number>>): Float64Array[];
}

const p = (name: string, def: number, description: string): ParamSpec => ({
  name,
  default: def,
  description,
});

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    name: 'rsi',
    aliases: [],
    description: "relative strength index of the close (Wilder's smoothing)",
    params: [p('period', 14, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [rsiBatch(s.close, a.period)],
  },
  {
    name: 'sma',
    aliases: [],
    description: 'simple moving average of the close',
    params: [p('period', 20, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [smaBatch(s.close, a.period!)],
  },
  {
    name: 'ema',
    aliases: [],
    description: 'exponential moving average of the close, seeded with the SMA',
    params: [p('period', 20, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [emaBatch(s.close, a.period!)],
  },
  {
    name: 'macd',
    aliases: [],
    description: 'moving average convergence/divergence of the close',
    params: [
      p('fast', 12, 'fast EMA period'),
      p('slow', 26, 'slow EMA period'),
      p('signal', 9, 'signal EMA period'),
    ],
    outputs: ['MACD', 'signal', 'histogram'],
    compute: (s, a) => {
      const r = macdBatch(s.close, a.fast, a.slow, a.signal);
      return [r.macd, r.signal, r.histogram];
    },
  },
  {
    name: 'bollinger',
    aliases: ['bb', 'bbands', 'bollinger-bands'],
    description: 'Bollinger Bands: SMA of the close ± stdDev population standard deviations',
    params: [
      p('period', 20, 'lookback in candles'),
      p('stdDev', 2, 'band width in standard deviations'),
      p('exactVariance', 0, "1: two-pass variance instead of TA-Lib's (see docs/indicators.md)"),
    ],
    outputs: ['upper', 'middle', 'lower'],
    compute: (s, a) => {
      const r = bollingerBatch(s.close, a.period, {
        stdDev: a.stdDev!,
        variance: a.exactVariance ? 'exact' : 'talib',
      });
      return [r.upper, r.middle, r.lower];
    },
  },
  {
    name: 'stochastic',
    aliases: ['stoch'],
    description: 'slow stochastic oscillator (%K smoothed, %D the SMA of %K)',
    params: [
      p('period', 14, '%K lookback in candles'),
      p('kSmoothing', 3, 'SMA smoothing of %K (1 = fast stochastic)'),
      p('dPeriod', 3, 'SMA period of %D'),
    ],
    outputs: ['k', 'd'],
    compute: (s, a) => {
      const r = stochasticBatch(s.high, s.low, s.close, a.period, a.kSmoothing, a.dPeriod);
      return [r.k, r.d];
    },
  },
  {
    name: 'atr',
    aliases: [],
    description: "average true range (Wilder's smoothing)",
    params: [p('period', 14, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [atrBatch(s.high, s.low, s.close, a.period)],
  },
  {
    name: 'obv',
    aliases: [],
    description: 'on-balance volume',
    params: [],
    outputs: ['value'],
    compute: (s) => [obvBatch(s.close, s.volume)],
  },
  {
    name: 'ad',
    aliases: ['adl', 'accumulation-distribution'],
    description: 'Chaikin accumulation/distribution line',
    params: [],
    outputs: ['value'],
    compute: (s) => [adBatch(s.high, s.low, s.close, s.volume)],
  },
  {
    name: 'mfi',
    aliases: ['money-flow-index'],
    description: 'money flow index (volume-weighted RSI of the typical price)',
    params: [p('period', 14, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [mfiBatch(s.high, s.low, s.close, s.volume, a.period)],
  },
  {
    name: 'vwap',
    aliases: [],
    description: 'volume-weighted average price of the typical price (period 0: since the first candle)',
    params: [p('period', 0, 'lookback in candles; 0 accumulates from the first candle')],
    outputs: ['value'],
    compute: (s, a) => [vwapBatch(s.high, s.low, s.close, s.volume, a.period)],
  },
  {
    name: 'volume-sma',
    aliases: ['vsma', 'average-volume'],
    description: 'simple moving average of the volume',
    params: [p('period', 20, 'lookback in candles')],
    outputs: ['value'],
    compute: (s, a) => [smaBatch(s.volume, a.period!)],
  },
];

export function findIndicator(name: string): IndicatorDefinition {
  const key = name.trim().toLowerCase();
  const def = INDICATORS.find((d) => d.name === key || d.aliases.includes(key));
  if (!def) {
    throw new IndicatorError(
      IndicatorErrorCode.UNKNOWN_INDICATOR,
      `unknown indicator "${name}"; known: ${INDICATORS.map((d) => d.name).join(', ')}`,
    );
  }
  return def;
}

/** The parameters with defaults filled in; unknown parameters are an error naming them. */
export function resolveParams(
  def: IndicatorDefinition,
  given: Readonly<Record<string, number | undefined>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(given)) {
    if (v !== undefined && !def.params.some((s) => s.name === k)) {
      const accepted = def.params.map((s) => s.name).join(', ') || 'none';
      throw new IndicatorError(
        IndicatorErrorCode.INVALID_PARAMETER,
        `${def.name} takes no parameter "${k}" (accepted: ${accepted})`,
      );
    }
  }
  for (const spec of def.params) out[spec.name] = given[spec.name] ?? spec.default;
  return out;
}

/** One row per candle where every output is defined: `{ t, <outputs>... }`. */
export function indicatorRows(
  series: CandleSeries,
  def: IndicatorDefinition,
  params: Readonly<Record<string, number>>,
): Record<string, number>[] {
  const cols = def.compute(series, params);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < series.length; i++) {
    if (cols.some((c) => Number.isNaN(c[i]!))) continue;
    const row: Record<string, number> = { t: series.time[i]! };
    def.outputs.forEach((name, j) => {
      row[name] = cols[j]![i]!;
    });
    rows.push(row);
  }
  return rows;
}
