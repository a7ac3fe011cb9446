import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureWindow, type OnnxFeature } from './features.ts';

const candle = fc.record({
  open: fc.double({ min: 0.5, max: 2, noNaN: true }),
  high: fc.double({ min: 0.5, max: 2, noNaN: true }),
  low: fc.double({ min: 0.5, max: 2, noNaN: true }),
  close: fc.double({ min: 0.5, max: 2, noNaN: true }),
  volume: fc.double({ min: 0, max: 1e6, noNaN: true }),
});

/** The window written out the obvious way: the last `size` rows, oldest first. */
function naive(
  candles: { open: number; high: number; low: number; close: number; volume: number }[],
  size: number,
  features: OnnxFeature[],
) {
  const usesPrevious = features.includes('returns') || features.includes('logReturns');
  const rows = candles.flatMap((c, i) => {
    if (usesPrevious && i === 0) return [];
    const prev = i > 0 ? candles[i - 1]!.close : Number.NaN;
    const value: Record<OnnxFeature, number> = {
      ...c,
      returns: c.close / prev - 1,
      logReturns: Math.log(c.close / prev),
    };
    return [features.map((f) => value[f])];
  });
  return rows.length < size ? undefined : Float32Array.from(rows.slice(-size).flat());
}

describe('FeatureWindow', () => {
  it('holds the last inputWindow candles, oldest first, features in the manifest order', () => {
    const all: OnnxFeature[] = ['open', 'high', 'low', 'close', 'volume', 'returns', 'logReturns'];
    fc.assert(
      fc.property(
        fc.array(candle, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.shuffledSubarray(all, { minLength: 1 }),
        (candles, size, features) => {
          const w = new FeatureWindow(size, features);
          for (const c of candles) w.push(c.open, c.high, c.low, c.close, c.volume);
          const want = naive(candles, size, features);
          expect(w.full).toBe(want !== undefined);
          if (!want) return;
          const got = new Float32Array(w.length + 3);
          w.writeTo(got, 3);
          expect(got.subarray(3)).toEqual(want);
        },
      ),
    );
  });

  it('needs one candle more than its length when it uses returns', () => {
    const w = new FeatureWindow(2, ['close', 'returns']);
    w.push(1, 1, 1, 1, 0);
    w.push(1, 1, 1, 2, 0);
    expect(w.full).toBe(false);
    w.push(1, 1, 1, 3, 0);
    expect(w.full).toBe(true);
    const out = new Float32Array(4);
    w.writeTo(out);
    expect(Array.from(out)).toEqual([2, 1, 3, 0.5]);
  });

  it('starts over after reset', () => {
    const w = new FeatureWindow(1, ['close']);
    w.push(1, 1, 1, 5, 0);
    w.reset();
    expect(w.full).toBe(false);
  });
});
