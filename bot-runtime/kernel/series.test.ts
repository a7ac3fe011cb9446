import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrowableSeries } from './series.ts';

describe('GrowableSeries', () => {
  it('gives back every time and value pushed, in runs of one step or not', () => {
    const step = 300_000;
    const gap = fc.oneof(
      fc.constant(step),
      fc.constant(step),
      fc.constant(step),
      fc.integer({ min: 1, max: 10 * step }),
      fc.double({ min: 0.5, max: 1e6, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.array(fc.tuple(gap, fc.double({ noNaN: true })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (start, points, capacity) => {
          const s = new GrowableSeries(capacity, step);
          const times: number[] = [];
          const values: number[] = [];
          let t = start;
          for (const [dt, v] of points) {
            t += dt;
            s.push(t, v);
            times.push(t);
            values.push(v);
          }
          expect(s.length).toBe(points.length);
          expect(Array.from(s.times)).toEqual(times);
          expect(Array.from(s.values)).toEqual(values);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads the times again after more points', () => {
    const s = new GrowableSeries(2, 10);
    s.push(100, 1);
    s.push(110, 2);
    expect(Array.from(s.times)).toEqual([100, 110]);
    s.push(125, 3);
    s.push(135, 4);
    expect(Array.from(s.times)).toEqual([100, 110, 125, 135]);
    expect(Array.from(s.values)).toEqual([1, 2, 3, 4]);
  });
});

describe('GrowableSeries values kept as repeats', () => {
  const sameDoubles = (a: ArrayLike<number>, b: readonly number[]) => {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
  };

  it('gives back every value bit for bit, with runs of equal values, zeros of both signs and NaN', () => {
    const value = fc.oneof(fc.constantFrom(1, 1, 2, 0, -0, Number.NaN, 0.1 + 0.2, 0.3), fc.double());
    // Points in runs of one value, as a flat equity curve makes them.
    const runs = fc.array(fc.tuple(value, fc.integer({ min: 1, max: 6 })), { maxLength: 80 });
    fc.assert(
      fc.property(
        runs,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 40 }),
        (rs, capacity, readEvery) => {
          const s = new GrowableSeries(capacity, 10);
          const values: number[] = [];
          let t = 0;
          for (const [v, count] of rs) {
            for (let c = 0; c < count; c++) {
              t += 10;
              s.push(t, v);
              values.push(v);
              // Reading in the middle gives the points so far, and reading again after more points too.
              if (values.length % readEvery === 0) sameDoubles(s.values, values);
            }
          }
          expect(s.length).toBe(values.length);
          sameDoubles(s.values, values);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('stores a value once for a run of it', () => {
    const s = new GrowableSeries(4, 10);
    for (let i = 0; i < 100; i++) s.push(10 * i, i < 50 ? 1.5 : 2.5);
    expect(s.m).toBe(2);
    expect(Array.from(s.values)).toEqual([...Array(50).fill(1.5), ...Array(50).fill(2.5)]);
  });
});
