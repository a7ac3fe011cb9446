import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vwapBatch } from './batch.ts';
import { Vwap } from './volume.ts';

describe('Vwap', () => {
  it('weighs the typical price by volume over the window', () => {
    const v = new Vwap(2);
    expect(v.update(3, 1, 2, 10)).toBeNaN();
    // typical prices 2 and 5, volumes 10 and 30
    expect(v.update(6, 4, 5, 30)).toBeCloseTo((2 * 10 + 5 * 30) / 40, 12);
    expect(v.update(9, 7, 8, 0)).toBe(5);
    expect(v.update(9, 7, 8, 0)).toBeNaN();
  });

  it('property: the rolling VWAP equals a direct weighted mean of its window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            c: fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
            v: fc.double({ min: 0, max: 1e6, noNaN: true }),
          }),
          { minLength: 1, maxLength: 80 },
        ),
        fc.integer({ min: 1, max: 20 }),
        (rows, period) => {
          const c = rows.map((r) => r.c);
          const vol = rows.map((r) => r.v);
          const out = vwapBatch(c, c, c, vol, period);
          for (let i = 0; i < rows.length; i++) {
            if (i < period - 1) {
              expect(out[i]).toBeNaN();
              continue;
            }
            const w = rows.slice(i - period + 1, i + 1);
            const sv = w.reduce((a, r) => a + r.v, 0);
            if (sv === 0) expect(out[i]).toBeNaN();
            else expect(out[i]).toBeCloseTo(w.reduce((a, r) => a + r.c * r.v, 0) / sv, 6);
          }
        },
      ),
    );
  });

  it('rejects a negative or fractional period', () => {
    expect(() => new Vwap(-1)).toThrow(/INVALID_PARAMETER/);
    expect(() => new Vwap(1.5)).toThrow(/INVALID_PARAMETER/);
  });
});
