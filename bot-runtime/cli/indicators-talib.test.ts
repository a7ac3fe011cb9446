// End to end: `botcore indicators --json` against TA-Lib (WASM) on every real
// candle file, for every indicator TA-Lib has: the rows start where TA-Lib's
// output starts, carry the candle's timestamp, and hold TA-Lib's values.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callTalib, loadTalib } from '../indicators/reference/talib-wasm.ts';
import { loadCandlesCsv } from '../market-data/csv-loader.ts';
import { runIndicators } from './indicators-command.ts';

const DIR = join(import.meta.dirname, '../../../shared/data/candles');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.csv'))
  .sort();

let talib: Awaited<ReturnType<typeof loadTalib>>;
beforeAll(async () => {
  talib = await loadTalib();
});

function cli(data: string, indicator: string, extra: Record<string, number> = {}): Record<string, number>[] {
  let out = '';
  const code = runIndicators(
    { data, indicator, json: true, ...extra },
    { out: (t) => (out += t), err: () => {} },
  );
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe.each(files)('botcore indicators on %s equals TA-Lib', (file) => {
  const path = join(DIR, file);
  const s = loadCandlesCsv(path, { gaps: 'keep' }).series;
  const c = s.close;
  const hlc = [s.high, s.low, c];

  const cases: [string, Record<string, number>, () => Float64Array[], string[]][] = [
    ['rsi', { period: 14 }, () => callTalib(talib, 'RSI', [c], [14], 1), ['value']],
    ['sma', { period: 20 }, () => callTalib(talib, 'SMA', [c], [20], 1), ['value']],
    ['ema', { period: 20 }, () => callTalib(talib, 'EMA', [c], [20], 1), ['value']],
    ['macd', {}, () => callTalib(talib, 'MACD', [c], [12, 26, 9], 3), ['MACD', 'signal', 'histogram']],
    [
      'bollinger',
      { period: 20, stdDev: 2 },
      () => callTalib(talib, 'BBANDS', [c], [20, 2, 2, 0], 3),
      ['upper', 'middle', 'lower'],
    ],
    ['stochastic', { period: 14 }, () => callTalib(talib, 'STOCH', hlc, [14, 3, 0, 3, 0], 2), ['k', 'd']],
    ['atr', { period: 14 }, () => callTalib(talib, 'ATR', hlc, [14], 1), ['value']],
    ['obv', {}, () => callTalib(talib, 'OBV', [c, s.volume], [], 1), ['value']],
    ['ad', {}, () => callTalib(talib, 'AD', [...hlc, s.volume], [], 1), ['value']],
    ['mfi', { period: 14 }, () => callTalib(talib, 'MFI', [...hlc, s.volume], [14], 1), ['value']],
  ];

  it.each(cases)('%s', (indicator, params, reference, fields) => {
    const rows = cli(path, indicator, params);
    const ref = reference();
    const first = ref[0]!.findIndex((v) => !Number.isNaN(v));
    expect(rows).toHaveLength(s.length - first);
    // One assertion for the whole file (an expect per value would take seconds): the first bad row, if any.
    let bad = '';
    for (let j = 0; j < rows.length && !bad; j++) {
      const i = first + j;
      const row = rows[j]!;
      if (row.t !== s.time[i]) bad = `row ${j}: t ${row.t}, expected ${s.time[i]}`;
      fields.forEach((f, k) => {
        const want = ref[k]![i]!;
        const got = row[f]!;
        // The documented bound; in practice the values are identical.
        if (!bad && !(got === want || Math.abs(got - want) <= 1e-9 * Math.abs(want))) {
          bad = `row ${j} (t ${row.t}): ${f} ${got}, TA-Lib ${want}`;
        }
      });
    }
    expect(bad).toBe('');
  });
});
