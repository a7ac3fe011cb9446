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
