// `botcore indicators --data <file> --indicator <name> [params] [--json]`:
// computes one indicator over a candle file and prints one row per candle
// where the indicator is defined.

import { IndicatorError, IndicatorErrorCode } from '../indicators/params.ts';
import { findIndicator, indicatorRows, resolveParams } from '../indicators/registry.ts';
import { seriesFromCandles } from '../market-data/candle.ts';
import { CandleDataError } from '../market-data/errors.ts';
import type { GapPolicy } from '../market-data/gaps.ts';
import { loadCandles } from '../market-data/load.ts';

export interface IndicatorsOptions {
  readonly data: string;
  readonly indicator: string;
  readonly json?: boolean;
  readonly gaps?: GapPolicy;
  readonly timeframeMs?: number;
  readonly period?: number;
  readonly fast?: number;
  readonly slow?: number;
  readonly signal?: number;
  readonly stdDev?: number;
  readonly kSmoothing?: number;
  readonly dPeriod?: number;
  /** Spellings of the same parameters that `technicalindicators` users know. */
  readonly fastPeriod?: number;
  readonly slowPeriod?: number;
  /** macd: the signal period; stochastic: the %D period. */
  readonly signalPeriod?: number;
  /** stochastic: the %K period. */
  readonly kPeriod?: number;
  readonly stddev?: number;
  /** bollinger: two-pass variance instead of TA-Lib's. */
  readonly exactVariance?: boolean;
}

/** One value from a parameter and its alias; giving both with different values is an error. */
function either(
  indicator: string,
  a: [string, number | undefined],
  b: [string, number | undefined],
): number | undefined {
  if (a[1] !== undefined && b[1] !== undefined && a[1] !== b[1]) {
    throw new IndicatorError(
      IndicatorErrorCode.INVALID_PARAMETER,
      `${indicator}: --${a[0]} ${a[1]} and --${b[0]} ${b[1]} name the same parameter with different values`,
    );
  }
  return a[1] ?? b[1];
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the command; returns the exit code (0 ok, 1 bad input). Never throws for bad input. */
export function runIndicators(options: IndicatorsOptions, io: Output = processOutput): number {
  try {
    const def = findIndicator(options.indicator);
    const o = options;
    const n = def.name;
    const isStochastic = n === 'stochastic';
    const params = resolveParams(def, {
      period: isStochastic ? either(n, ['period', o.period], ['k-period', o.kPeriod]) : o.period,
      fast: either(n, ['fast', o.fast], ['fast-period', o.fastPeriod]),
      slow: either(n, ['slow', o.slow], ['slow-period', o.slowPeriod]),
      signal: isStochastic ? o.signal : either(n, ['signal', o.signal], ['signal-period', o.signalPeriod]),
      stdDev: either(n, ['std-dev', o.stdDev], ['stddev', o.stddev]),
      kSmoothing: o.kSmoothing,
      dPeriod: isStochastic
        ? either(n, ['d-period', o.dPeriod], ['signal-period', o.signalPeriod])
        : o.dPeriod,
      exactVariance: o.exactVariance ? 1 : undefined,
    });
    if (!isStochastic && o.kPeriod !== undefined) {
      throw new IndicatorError(IndicatorErrorCode.INVALID_PARAMETER, `${n} takes no parameter "k-period"`);
    }
    // Check the parameters before reading a possibly large file.
    def.compute(seriesFromCandles([], 60_000), params);
    const policy = options.gaps ?? 'keep';
    const { series, gaps } = loadCandles(options.data, { gaps: policy, timeframeMs: options.timeframeMs });
    if (gaps.length > 0 && policy !== 'reject') {
      const missing = gaps.reduce((n, g) => n + g.missing, 0);
      io.err(
        `note: ${options.data} has ${gaps.length} gap(s), ${missing} missing candle(s), the first just before line ${gaps[0]!.line}; ` +
          (policy === 'fill'
            ? 'filled with flat candles at the previous close (--gaps fill)\n'
            : 'computed over the candles as recorded (--gaps keep; use --gaps fill or --gaps reject)\n'),
      );
    }
    const rows = indicatorRows(series, def, params);
    if (options.json) {
      io.out(`${JSON.stringify(rows)}\n`);
    } else {
      const cols = ['t', ...def.outputs];
      const lines = [cols.join('\t'), ...rows.map((r) => cols.map((c) => String(r[c])).join('\t'))];
      io.out(`${lines.join('\n')}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CandleDataError || e instanceof IndicatorError) {
      io.err(`botcore indicators: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
