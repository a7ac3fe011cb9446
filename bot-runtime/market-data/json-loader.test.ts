import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandlesCsv } from './csv-loader.ts';
import { CandleDataError } from './errors.ts';
import { candlesFromJson, loadCandlesJson } from './json-loader.ts';
import { loadCandles } from './load.ts';

function errorOf(f: () => unknown): CandleDataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CandleDataError);
    return e as CandleDataError;
  }
  throw new Error('expected a CandleDataError');
}

describe('candlesFromJson', () => {
  it('reads objects and Binance-style arrays of decimal strings alike', () => {
    const objects = candlesFromJson(
      [
        { t: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 },
        { timestamp: 60_000, open: '1.5', high: '2', low: '1', close: '1.2', volume: '4' },
      ],
      'a_1m.json',
    );
    const arrays = candlesFromJson(
      [
        [0, '1', '2', '0.5', '1.5', '3', 59_999, '4.5'],
        [60_000, '1.5', '2', '1', '1.2', '4', 119_999, '5'],
      ],
      'b_1m.json',
    );
    expect(Array.from(objects.series.close)).toEqual([1.5, 1.2]);
    expect(Array.from(arrays.series.close)).toEqual([1.5, 1.2]);
    expect(Array.from(arrays.series.volume)).toEqual([3, 4]);
  });

  it.each([
    [{}, 'MALFORMED_ROW', 0],
    [[], 'EMPTY', 0],
    [[[0, 1, 2, 0.5]], 'MALFORMED_ROW', 0],
    [[{ t: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }, 'x'], 'MALFORMED_ROW', 1],
    [[{ t: 0, open: 1, high: 2, low: 0.5, close: 1.5 }], 'MALFORMED_ROW', 0],
    [[{ t: 0, open: 1, high: 2, low: 0.5, close: 'abc', volume: 1 }], 'BAD_NUMBER', 0],
    [
      [
        [60_000, 1, 2, 0.5, 1.5, 1],
        [0, 1, 2, 0.5, 1.5, 1],
      ],
      'OUT_OF_ORDER',
      1,
    ],
  ])('rejects %j with %s at element %i', (data, code, index) => {
    const e = errorOf(() => candlesFromJson(data, 'c_1m.json'));
    expect(e.code).toBe(code);
    expect(e.line).toBe(index);
    if (index > 0) expect(e.message).toContain(`c_1m.json: element ${index}`);
  });
});

describe('loadCandlesJson and loadCandles', () => {
  it('gives the same series as the CSV loader for the same candles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-json-'));
    const jsonPath = join(dir, 'A-B_5m.json');
    const csvPath = join(dir, 'A-B_5m.csv');
    writeFileSync(
      jsonPath,
      JSON.stringify([
        [0, 1, 2, 0.5, 1.5, 3],
        [300_000, 1.5, 2, 1, 1.2, 4],
      ]),
    );
    const csvText = 'timestamp,open,high,low,close,volume\n0,1,2,0.5,1.5,3\n300000,1.5,2,1,1.2,4\n';
    writeFileSync(csvPath, csvText);
    const a = loadCandles(jsonPath).series;
    const b = loadCandles(csvPath).series;
    expect(a.timeframeMs).toBe(300_000);
    expect({ ...a, source: '' }).toEqual({ ...b, source: '' });
    expect(parseCandlesCsv(csvText, csvPath).series.close).toEqual(b.close);
  });

  it('reports invalid JSON with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-json-'));
    const path = join(dir, 'bad.json');
    writeFileSync(path, '[{');
    const e = errorOf(() => loadCandlesJson(path));
    expect(e.message).toContain(path);
    expect(e.message).toContain('not valid JSON');
  });
});
