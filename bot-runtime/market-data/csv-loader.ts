// Loads candle files in the project's CSV format (see docs/market-data.md):
//   timestamp,open,high,low,close,volume
//   1515560100000,0.0984,0.0994766,0.09828605,0.0994766,1820.54447418
// Every problem is a CandleDataError naming the file and the 1-based line.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type CandleSeries, parseTimeframe } from './candle.ts';
import { CandleDataError, CandleDataErrorCode } from './errors.ts';
import { CandleSequencer, type Gap, type GapPolicy } from './gaps.ts';

export const CSV_HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface LoadOptions {
  /** Candle length; by default from the file name (`ETH-BTC_5m.csv`), else the smallest step between rows. */
  readonly timeframeMs?: number;
  /** What to do about missing candles; `reject` by default. */
  readonly gaps?: GapPolicy;
}

export interface LoadedCandles {
  readonly series: CandleSeries;
  /** Every hole found, whatever the policy did with it. */
  readonly gaps: readonly Gap[];
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A strict decimal number: no empty strings, hex, `Infinity` or trailing junk (all of which `Number()` accepts or mangles). */
export function parseDecimalField(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** The timeframe in a file name such as `ETH-BTC_5m.csv`, or undefined. */
export function timeframeFromFileName(path: string): number | undefined {
  const m = /_([1-9][0-9]*[smhdw])\.(?:csv|json)$/i.exec(basename(path));
  return m ? parseTimeframe(m[1]!.toLowerCase()) : undefined;
}

/** A candle file's text; an unreadable file is a `CandleDataError` naming it. */
export function readCandleFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CandleDataError(
      CandleDataErrorCode.UNREADABLE,
      path,
      0,
      `cannot read file: ${(e as Error).message}`,
    );
  }
}

export function loadCandlesCsv(path: string, options: LoadOptions = {}): LoadedCandles {
  const text = readCandleFile(path);
  return parseCandlesCsv(text, path, options);
}

/** Parses CSV text; `source` names it in errors (a path, usually). */
export function parseCandlesCsv(text: string, source: string, options: LoadOptions = {}): LoadedCandles {
  const lines = text.split('\n');
  // A final newline leaves one empty string; trailing blank lines are tolerated, blank lines inside are not.
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  if (end === 0)
    throw new CandleDataError(CandleDataErrorCode.EMPTY, source, 0, 'file is empty: expected a header line');
  const header = stripCr(lines[0]!).replace(/^\uFEFF/, '');
  const columns = header.split(',').map((c) => c.trim().toLowerCase());
  if (columns.length !== CSV_HEADER.length || columns.some((c, i) => c !== CSV_HEADER[i])) {
    throw new CandleDataError(
      CandleDataErrorCode.BAD_HEADER,
      source,
      1,
      `header is "${header}", expected "${CSV_HEADER.join(',')}"`,
    );
  }
  if (end === 1)
    throw new CandleDataError(CandleDataErrorCode.EMPTY, source, 1, 'no candles after the header');

  const timeframeMs =
    options.timeframeMs ?? timeframeFromFileName(source) ?? inferTimeframe(lines, end, source);
  const seq = new CandleSequencer(source, timeframeMs, options.gaps ?? 'reject', end - 1);
  const values = new Float64Array(6);
  for (let i = 1; i < end; i++) {
    const lineNo = i + 1;
    const line = stripCr(lines[i]!);
    const fields = line.split(',');
    if (fields.length !== 6) {
      seq.fail(
        CandleDataErrorCode.MALFORMED_ROW,
        lineNo,
        line.trim() === ''
          ? 'blank line inside the data'
          : `expected 6 comma-separated fields (${CSV_HEADER.join(',')}), found ${fields.length}`,
      );
    }
    for (let f = 0; f < 6; f++) {
      const v = parseDecimalField(fields[f]!.trim());
      if (Number.isNaN(v) || !Number.isFinite(v)) {
        seq.fail(CandleDataErrorCode.BAD_NUMBER, lineNo, `${CSV_HEADER[f]} "${fields[f]}" is not a number`);
      }
      values[f] = v;
    }
    seq.add(lineNo, values[0]!, values[1]!, values[2]!, values[3]!, values[4]!, values[5]!);
  }
  return { series: seq.build(), gaps: seq.gaps };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The smallest positive step between consecutive timestamps (bad rows are left for the main pass to report). */
function inferTimeframe(lines: readonly string[], end: number, source: string): number {
  let best = Number.POSITIVE_INFINITY;
  let prev = Number.NaN;
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    const t = parseDecimalField(line.slice(0, line.indexOf(',')).trim());
    const d = t - prev;
    if (d > 0 && d < best) best = d;
    prev = t;
  }
  if (!Number.isFinite(best)) {
    throw new CandleDataError(
      CandleDataErrorCode.UNKNOWN_TIMEFRAME,
      source,
      0,
      'cannot tell the timeframe: name the file BASE-QUOTE_<timeframe>.csv or pass a timeframe',
    );
  }
  return best;
}
