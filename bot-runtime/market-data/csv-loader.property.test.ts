// Fuzzing the CSV loader: valid files round-trip exactly; a file with one
// broken row fails with an error that names that row's line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCandlesCsv } from './csv-loader.ts';
import { CandleDataError } from './errors.ts';

const M1 = 60_000;

const candleArb = fc
  .record({
    open: fc.double({ min: 1e-8, max: 1e6, noNaN: true }),
    close: fc.double({ min: 1e-8, max: 1e6, noNaN: true }),
    up: fc.double({ min: 0, max: 1, noNaN: true }),
    down: fc.double({ min: 0, max: 0.99, noNaN: true }),
    volume: fc.double({ min: 0, max: 1e9, noNaN: true }),
  })
  .map(({ open, close, up, down, volume }) => {
    const high = Math.max(open, close) * (1 + up);
    const low = Math.min(open, close) * (1 - down);
    return { open, high, low, close, volume };
  });

const fileArb = fc.record({
  start: fc.integer({ min: 0, max: 2_000_000_000 }).map((m) => m * M1),
  candles: fc.array(candleArb, { minLength: 3, maxLength: 60 }),
});

function toCsv(
  start: number,
  candles: { open: number; high: number; low: number; close: number; volume: number }[],
) {
  return [
    'timestamp,open,high,low,close,volume',
    ...candles.map((c, i) => [start + i * M1, c.open, c.high, c.low, c.close, c.volume].join(',')),
  ];
}

describe('CSV loader properties', () => {
  it('a valid file round-trips exactly (binary floats written with String())', () => {
    fc.assert(
      fc.property(fileArb, ({ start, candles }) => {
        const { series, gaps } = parseCandlesCsv(`${toCsv(start, candles).join('\n')}\n`, 'X-Y_1m.csv');
        expect(gaps).toEqual([]);
        expect(series.length).toBe(candles.length);
        candles.forEach((c, i) => {
          expect(series.time[i]).toBe(start + i * M1);
          expect(series.open[i]).toBe(c.open);
          expect(series.high[i]).toBe(c.high);
          expect(series.low[i]).toBe(c.low);
          expect(series.close[i]).toBe(c.close);
          expect(series.volume[i]).toBe(c.volume);
        });
      }),
    );
  });

  const breakages: [string, (fields: string[]) => string][] = [
    ['a field that is not a number', (f) => [...f.slice(0, 2), 'x', ...f.slice(3)].join(',')],
    ['a missing field', (f) => f.slice(0, 5).join(',')],
    ['an extra field', (f) => [...f, '1'].join(',')],
    ['a negative volume', (f) => [...f.slice(0, 5), '-1'].join(',')],
    ['a high below the low', (f) => [f[0], f[1], String(Number(f[3]) / 2), f[3], f[4], f[5]].join(',')],
    ['a repeated timestamp', (f) => [String(Number(f[0]) - M1), ...f.slice(1)].join(',')],
    ['a timestamp off the grid', (f) => [String(Number(f[0]) + 1), ...f.slice(1)].join(',')],
    ['an empty line', () => ''],
  ];

  it.each(breakages)('%s fails with the line of the broken row', (_name, breakRow) => {
    fc.assert(
      fc.property(fileArb, fc.nat(), ({ start, candles }, pick) => {
        const lines = toCsv(start, candles);
        // A data row with one before it (for the repeated timestamp) and one after it
        // (a blank last line is a tolerated trailing newline, not a broken row).
        const row = 2 + (pick % (lines.length - 3));
        lines[row] = breakRow(lines[row]!.split(','));
        let error: unknown;
        try {
          parseCandlesCsv(`${lines.join('\n')}\n`, 'X-Y_1m.csv');
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CandleDataError);
        expect((error as CandleDataError).line).toBe(row + 1);
        expect((error as Error).message.startsWith(`X-Y_1m.csv:${row + 1}: `)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
