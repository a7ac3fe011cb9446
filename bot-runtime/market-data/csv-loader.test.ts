import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCandlesCsv, parseCandlesCsv, parseDecimalField, timeframeFromFileName } from './csv-loader.ts';
import { CandleDataError } from './errors.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const HEADER = 'timestamp,open,high,low,close,volume';
const M5 = 300_000;

function csv(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\n')}\n`;
}

function row(t: number, o = 1, h = 2, l = 0.5, c = 1.5, v = 10): string {
  return [t, o, h, l, c, v].join(',');
}

/** The error thrown by `f`, checked to be a CandleDataError. */
function errorOf(f: () => unknown): CandleDataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CandleDataError);
    return e as CandleDataError;
  }
  throw new Error('expected a CandleDataError, nothing was thrown');
}

describe('parseCandlesCsv', () => {
  it('parses rows into columns, oldest first', () => {
    const { series, gaps } = parseCandlesCsv(csv(row(0), row(M5, 1.5, 3, 1, 2, 7)), 'x_5m.csv');
    expect(series.length).toBe(2);
    expect(series.timeframeMs).toBe(M5);
    expect(Array.from(series.time)).toEqual([0, M5]);
    expect(Array.from(series.close)).toEqual([1.5, 2]);
    expect(Array.from(series.volume)).toEqual([10, 7]);
    expect(gaps).toEqual([]);
  });

  it('accepts CRLF line ends, a BOM and trailing blank lines', () => {
    const text = `\uFEFF${HEADER}\r\n${row(0)}\r\n${row(M5)}\r\n\r\n`;
    expect(parseCandlesCsv(text, 'x_5m.csv').series.length).toBe(2);
  });

  it('keeps the recorder binary-float values exactly as written', () => {
    const { series } = parseCandlesCsv(
      csv('1515560100000,0.09946999000000001,0.0994766,0.09828605,0.0994766,1820.54447418'),
      'x_5m.csv',
    );
    expect(series.open[0]).toBe(0.09946999000000001);
  });

  it.each([
    ['', 'EMPTY', 0],
    [`${HEADER}\n`, 'EMPTY', 1],
    ['time,open,high,low,close,volume\n1,1,1,1,1,1\n', 'BAD_HEADER', 1],
    [csv(row(0), '300000,1,2,0.5,1.5'), 'MALFORMED_ROW', 3],
    [csv(row(0), '', row(2 * M5)), 'MALFORMED_ROW', 3],
    [csv(row(0), '300000,1,2,abc,1.5,10'), 'BAD_NUMBER', 3],
    [csv(row(0), '300000,1,2,,1.5,10'), 'BAD_NUMBER', 3],
    [csv(row(0), '300000,0x10,20,0.5,1.5,10'), 'BAD_NUMBER', 3],
    [csv(row(0), '300000,1,2,0.5,Infinity,10'), 'BAD_NUMBER', 3],
    [csv(row(0), '300000.5,1,2,0.5,1.5,10'), 'BAD_TIMESTAMP', 3],
    [csv(row(0), row(M5, 1, 2, 0.5, 1.5, -1)), 'NEGATIVE_VALUE', 3],
    [csv(row(0), row(M5, 0, 2, 0, 1.5, 1)), 'NEGATIVE_VALUE', 3],
    [csv(row(0), row(M5, 1, 1.2, 0.5, 1.5, 1)), 'INCONSISTENT_OHLC', 3],
    [csv(row(0), row(M5, 1, 2, 1.1, 1.5, 1)), 'INCONSISTENT_OHLC', 3],
    [csv(row(0), row(M5), row(M5)), 'DUPLICATE', 4],
    [csv(row(0), row(M5), row(2 * M5), row(M5)), 'OUT_OF_ORDER', 5],
    [csv(row(0), row(M5), row(M5 + 1000)), 'MISALIGNED', 4],
    [csv(row(0), row(M5), row(3 * M5)), 'GAP', 4],
  ])('rejects bad input %#: %s with %s at line %i', (text, code, line) => {
    const e = errorOf(() => parseCandlesCsv(text, 'data/ETH-BTC_5m.csv'));
    expect(e.code).toBe(code);
    expect(e.line).toBe(line);
    expect(e.source).toBe('data/ETH-BTC_5m.csv');
    expect(e.message).toContain(line > 0 ? `data/ETH-BTC_5m.csv:${line}:` : 'data/ETH-BTC_5m.csv:');
    expect(e.message).toContain(`[${code}]`);
  });

  it('names the earlier line in a duplicate or out-of-order error', () => {
    const e = errorOf(() => parseCandlesCsv(csv(row(0), row(M5), row(2 * M5), row(M5)), 'f_5m.csv'));
    expect(e.code).toBe('OUT_OF_ORDER');
    expect(e.message).toMatch(/^f_5m\.csv:5: .* at f_5m\.csv:4;/);
    const d = errorOf(() => parseCandlesCsv(csv(row(0), row(M5), row(M5)), 'f_5m.csv'));
    expect(d.message).toMatch(/^f_5m\.csv:4: duplicate timestamp 300000 \(also at f_5m\.csv:3\)/);
  });

  it('fills gaps with flat candles at the previous close and zero volume when asked', () => {
    const { series, gaps } = parseCandlesCsv(csv(row(0), row(3 * M5, 2, 3, 1.5, 2.5, 4)), 'x_5m.csv', {
      gaps: 'fill',
    });
    expect(gaps).toEqual([{ line: 3, from: M5, to: 3 * M5, missing: 2 }]);
    expect(Array.from(series.time)).toEqual([0, M5, 2 * M5, 3 * M5]);
    expect(Array.from(series.open)).toEqual([1, 1.5, 1.5, 2]);
    expect(Array.from(series.high)).toEqual([2, 1.5, 1.5, 3]);
    expect(Array.from(series.low)).toEqual([0.5, 1.5, 1.5, 1.5]);
    expect(Array.from(series.close)).toEqual([1.5, 1.5, 1.5, 2.5]);
    expect(Array.from(series.volume)).toEqual([10, 0, 0, 4]);
  });

  it('refuses to invent more than a million candles when filling (a wild timestamp)', () => {
    const far = 2 * 1_000_000 * M5;
    const e = errorOf(() => parseCandlesCsv(csv(row(0), row(far)), 'x_5m.csv', { gaps: 'fill' }));
    expect(e.code).toBe('GAP');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/too sparse to fill/);
  });

  it('keeps gaps as recorded but still reports them', () => {
    const { series, gaps } = parseCandlesCsv(csv(row(0), row(3 * M5)), 'x_5m.csv', { gaps: 'keep' });
    expect(series.length).toBe(2);
    expect(gaps).toHaveLength(1);
  });

  it('takes the timeframe from an option, else the file name, else the smallest step', () => {
    const text = csv(row(0), row(2 * M5), row(3 * M5));
    expect(parseCandlesCsv(text, 'a.csv', { gaps: 'keep' }).series.timeframeMs).toBe(M5);
    expect(parseCandlesCsv(text, 'A-B_1m.csv', { gaps: 'keep' }).series.timeframeMs).toBe(60_000);
    expect(parseCandlesCsv(text, 'a.csv', { gaps: 'keep', timeframeMs: 60_000 }).series.timeframeMs).toBe(
      60_000,
    );
    expect(errorOf(() => parseCandlesCsv(csv(row(0)), 'a.csv')).code).toBe('UNKNOWN_TIMEFRAME');
  });
});

describe('loadCandlesCsv on the real files', () => {
  it('loads ETH-BTC_5m: 5760 candles without gaps', () => {
    const { series, gaps } = loadCandlesCsv(join(CANDLES, 'ETH-BTC_5m.csv'));
    expect(series.length).toBe(5760);
    expect(gaps).toEqual([]);
    expect(series.time[0]).toBe(1515560100000);
  });

  it('rejects ADA-BTC_5m by default, naming the file and the line after the first hole', () => {
    const e = errorOf(() => loadCandlesCsv(join(CANDLES, 'ADA-BTC_5m.csv')));
    expect(e.code).toBe('GAP');
    expect(e.message).toMatch(/ADA-BTC_5m\.csv:\d+: /);
  });

  it('fills ADA-BTC_5m to the full 20 days (5760 candles) with --gaps fill', () => {
    const { series, gaps } = loadCandlesCsv(join(CANDLES, 'ADA-BTC_5m.csv'), { gaps: 'fill' });
    expect(series.length).toBe(5760);
    expect(gaps.reduce((n, g) => n + g.missing, 0)).toBe(5760 - 5720);
    for (let i = 1; i < series.length; i++) expect(series.time[i]! - series.time[i - 1]!).toBe(300_000);
  });

  it('reports the 538 gaps of UNITTEST-BTC_1m', () => {
    const { gaps } = loadCandlesCsv(join(CANDLES, 'UNITTEST-BTC_1m.csv'), { gaps: 'keep' });
    expect(gaps).toHaveLength(538);
  });

  it('names the file when it cannot be read', () => {
    const e = errorOf(() => loadCandlesCsv('/nonexistent/X-Y_5m.csv'));
    expect(e.code).toBe('UNREADABLE');
    expect(e.message).toContain('/nonexistent/X-Y_5m.csv');
  });

  it('reports a malformed row in a file on disk by path and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-csv-'));
    const path = join(dir, 'BAD-BTC_5m.csv');
    writeFileSync(path, csv(row(0), row(M5), 'garbage'));
    const e = errorOf(() => loadCandlesCsv(path));
    expect(e.message.startsWith(`${path}:4: `)).toBe(true);
  });
});

describe('helpers', () => {
  it('parses only plain decimals', () => {
    expect(parseDecimalField('1.5e-5')).toBe(1.5e-5);
    expect(parseDecimalField('-.5')).toBe(-0.5);
    for (const bad of ['', ' ', '0x1', '1,5', 'NaN', 'Infinity', '1.2.3', '1e']) {
      expect(parseDecimalField(bad)).toBeNaN();
    }
  });

  it('reads the timeframe from BASE-QUOTE_TF file names', () => {
    expect(timeframeFromFileName('/x/ETH-BTC_5m.csv')).toBe(300_000);
    expect(timeframeFromFileName('UNITTEST-BTC_30m.csv')).toBe(1_800_000);
    expect(timeframeFromFileName('candles.csv')).toBeUndefined();
  });
});
