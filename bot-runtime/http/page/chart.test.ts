import { describe, expect, it } from 'vitest';
import { linePath, scale } from './chart.js';

const pad = { left: 10, right: 10, top: 20, bottom: 20 };

describe('the equity chart', () => {
  it('maps time to x and equity to y, the lowest equity at the bottom', () => {
    const { coords, min, max } = scale(
      [
        { t: 0, equity: '1' },
        { t: 50, equity: '3' },
        { t: 100, equity: '2' },
      ],
      120,
      100,
      pad,
    );
    expect(min).toBe(1);
    expect(max).toBe(3);
    expect(coords).toEqual([
      [10, 80],
      [60, 20],
      [110, 50],
    ]);
  });

  it('draws a flat curve and a single point inside the box', () => {
    const flat = scale(
      [
        { t: 0, equity: '5' },
        { t: 10, equity: '5' },
      ],
      120,
      100,
      pad,
    ).coords;
    for (const [x, y] of flat) {
      expect(x).toBeGreaterThanOrEqual(10);
      expect(x).toBeLessThanOrEqual(110);
      expect(y).toBeGreaterThanOrEqual(20);
      expect(y).toBeLessThanOrEqual(80);
    }
    expect(scale([{ t: 7, equity: '-2.5' }], 120, 100, pad).coords).toEqual([[60, 80]]);
  });

  it('writes the path as one move then lines', () => {
    expect(
      linePath([
        [1, 2],
        [3, 4],
        [5.5, 6],
      ]),
    ).toBe('M1 2 L3 4 L5.5 6');
    expect(linePath([])).toBe('');
  });
});
