// Loads candles from a JSON array. Each element is either an object
// `{ "t" | "timestamp" | "openTime": ms, "open", "high", "low", "close", "volume" }`
// or an array `[openTime, open, high, low, close, volume, ...]` (the shape of
// Binance's REST klines). Numbers may be JSON numbers or decimal strings.
// Errors name the file and the element's 0-based index.
import {
  type LoadedCandles,
  type LoadOptions,
  parseDecimalField,
  readCandleFile,
  timeframeFromFileName,
} from './csv-loader.ts';
import { CandleDataError, CandleDataErrorCode } from './errors.ts';
import { CandleSequencer } from './gaps.ts';

const FIELDS = ['t', 'open', 'high', 'low', 'close', 'volume'] as const;

export function loadCandlesJson(path: string, options: LoadOptions = {}): LoadedCandles {
  const text = readCandleFile(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CandleDataError(
      CandleDataErrorCode.MALFORMED_ROW,
      path,
      0,
      `not valid JSON: ${(e as Error).message}`,
    );
  }
  return candlesFromJson(data, path, options);
}

/** Candles from parsed JSON; `source` names the input in errors. */
export function candlesFromJson(data: unknown, source: string, options: LoadOptions = {}): LoadedCandles {
  if (!Array.isArray(data)) {
    throw new CandleDataError(
      CandleDataErrorCode.MALFORMED_ROW,
      source,
      0,
      'expected a JSON array of candles',
    );
  }
  if (data.length === 0)
    throw new CandleDataError(CandleDataErrorCode.EMPTY, source, 0, 'the array has no candles');
  const rows = data.map((el, i) => toRow(el, i, source));
  const timeframeMs = options.timeframeMs ?? timeframeFromFileName(source) ?? inferTimeframe(rows, source);
  const where = (i: number) => `${source}: element ${i}`;
  const seq = new CandleSequencer(source, timeframeMs, options.gaps ?? 'reject', rows.length, where);
  rows.forEach((r, i) => {
    seq.add(i, r[0], r[1], r[2], r[3], r[4], r[5]);
  });
  return { series: seq.build(), gaps: seq.gaps };
}

type Row = [number, number, number, number, number, number];

function toRow(el: unknown, i: number, source: string): Row {
  const fail = (code: CandleDataErrorCode, detail: string): never => {
    throw new CandleDataError(code, source, i, detail, `${source}: element ${i}`);
  };
  let raw: unknown[];
  if (Array.isArray(el)) {
    if (el.length < 6)
      fail(CandleDataErrorCode.MALFORMED_ROW, `expected at least 6 values, found ${el.length}`);
    raw = el.slice(0, 6);
  } else if (el !== null && typeof el === 'object') {
    const o = el as Record<string, unknown>;
    raw = [o.t ?? o.timestamp ?? o.openTime, o.open, o.high, o.low, o.close, o.volume];
  } else {
    return fail(CandleDataErrorCode.MALFORMED_ROW, 'expected an object or an array');
  }
  return raw.map((v, f) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimalField(v.trim()) : Number.NaN;
    if (!Number.isFinite(n)) {
      fail(
        v === undefined ? CandleDataErrorCode.MALFORMED_ROW : CandleDataErrorCode.BAD_NUMBER,
        v === undefined
          ? `missing field "${FIELDS[f]}"`
          : `${FIELDS[f]} ${JSON.stringify(v)} is not a number`,
      );
    }
    return n;
  }) as Row;
}

function inferTimeframe(rows: readonly Row[], source: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows.length; i++) {
    const d = rows[i]![0] - rows[i - 1]![0];
    if (d > 0 && d < best) best = d;
  }
  if (!Number.isFinite(best)) {
    throw new CandleDataError(
      CandleDataErrorCode.UNKNOWN_TIMEFRAME,
      source,
      0,
      'cannot tell the timeframe: name the file BASE-QUOTE_<timeframe>.json or pass a timeframe',
    );
  }
  return best;
}
