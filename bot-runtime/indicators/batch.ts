// Batch (backtest) forms. Each runs the incremental class over the columns of
// a series, so batch and live values are identical by construction (the tests
// check it anyway). Outputs are aligned with the input: NaN until warm.
import { Atr } from './atr.ts';
import { Bollinger, type BollingerOptions } from './bollinger.ts';
import { Ema } from './ema.ts';
import { Macd } from './macd.ts';
import { Mfi } from './mfi.ts';
import { IndicatorError, IndicatorErrorCode } from './params.ts';
import { Rsi } from './rsi.ts';
import { Sma } from './sma.ts';
import { Stochastic } from './stochastic.ts';
import { AccumulationDistribution, Obv, Vwap } from './volume.ts';

type Column = ArrayLike<number>;

function sameLength(name: string, ...cols: Column[]): number {
  const n = cols[0]!.length;
  for (const c of cols) {
    if (c.length !== n) {
      throw new IndicatorError(
        IndicatorErrorCode.INPUT_LENGTH_MISMATCH,
        `${name}: input columns differ in length`,
      );
    }
  }
  return n;
}

function single(ind: { update(x: number): number }, input: Column): Float64Array {
  const n = input.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(input[i]!);
  return out;
}

export function smaBatch(input: Column, period: number): Float64Array {
  return single(new Sma(period), input);
}

export function emaBatch(input: Column, period: number): Float64Array {
  return single(new Ema(period), input);
}

export function rsiBatch(input: Column, period = 14): Float64Array {
  return single(new Rsi(period), input);
}

export interface MacdColumns {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

export function macdBatch(input: Column, fast = 12, slow = 26, signal = 9): MacdColumns {
  const ind = new Macd(fast, slow, signal);
  const n = input.length;
  const macd = new Float64Array(n).fill(Number.NaN);
  const sig = new Float64Array(n).fill(Number.NaN);
  const hist = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(ind.update(input[i]!))) {
      macd[i] = ind.macd;
      sig[i] = ind.signal;
      hist[i] = ind.histogram;
    }
  }
  return { macd, signal: sig, histogram: hist };
}

export interface BollingerColumns {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

export function bollingerBatch(input: Column, period = 20, options: BollingerOptions = {}): BollingerColumns {
  const ind = new Bollinger(period, options);
  const n = input.length;
  const upper = new Float64Array(n).fill(Number.NaN);
  const middle = new Float64Array(n).fill(Number.NaN);
  const lower = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(ind.update(input[i]!))) {
      upper[i] = ind.upper;
      middle[i] = ind.middle;
      lower[i] = ind.lower;
    }
  }
  return { upper, middle, lower };
}

export interface StochasticColumns {
  readonly k: Float64Array;
  readonly d: Float64Array;
}

export function stochasticBatch(
  high: Column,
  low: Column,
  close: Column,
  kPeriod = 14,
  kSmoothing = 3,
  dPeriod = 3,
): StochasticColumns {
  const n = sameLength('stochastic', high, low, close);
  const ind = new Stochastic(kPeriod, kSmoothing, dPeriod);
  const k = new Float64Array(n).fill(Number.NaN);
  const d = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(ind.update(high[i]!, low[i]!, close[i]!))) {
      k[i] = ind.k;
      d[i] = ind.d;
    }
  }
  return { k, d };
}

export function atrBatch(high: Column, low: Column, close: Column, period = 14): Float64Array {
  const n = sameLength('atr', high, low, close);
  const ind = new Atr(period);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(high[i]!, low[i]!, close[i]!);
  return out;
}

export function obvBatch(close: Column, volume: Column): Float64Array {
  const n = sameLength('obv', close, volume);
  const ind = new Obv();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(close[i]!, volume[i]!);
  return out;
}

export function adBatch(high: Column, low: Column, close: Column, volume: Column): Float64Array {
  const n = sameLength('ad', high, low, close, volume);
  const ind = new AccumulationDistribution();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}

export function mfiBatch(
  high: Column,
  low: Column,
  close: Column,
  volume: Column,
  period = 14,
): Float64Array {
  const n = sameLength('mfi', high, low, close, volume);
  const ind = new Mfi(period);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}

export function vwapBatch(
  high: Column,
  low: Column,
  close: Column,
  volume: Column,
  period = 0,
): Float64Array {
  const n = sameLength('vwap', high, low, close, volume);
  const ind = new Vwap(period);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ind.update(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}
