import { describe, expect, it } from 'vitest';
import { Ensemble } from './ensemble.ts';

const s = (...v: number[]) => Float64Array.from(v);

describe('Ensemble', () => {
  it('weightedVote: buy when buy weights reach the threshold share of the total', () => {
    const e = new Ensemble({ method: 'weightedVote', threshold: 0.6 }, [2, 1.5, 1, 0.5]); // total 5
    expect(e.combine(s(1, 1, 0, 0))).toBe(1); // 3.5 / 5 = 0.7
    expect(e.combine(s(1, 0, 1, 0))).toBe(1); // 3 / 5 = 0.6 exactly
    expect(e.combine(s(1, 0, 0, 1))).toBe(0); // 2.5 / 5 = 0.5
    expect(e.combine(s(-1, -1, 1, 1))).toBe(1 * -1); // 3.5 sell
  });

  it('weightedVote with a low threshold picks the heavier side, and a tie holds', () => {
    const e = new Ensemble({ method: 'weightedVote', threshold: 0.3 }, [1, 1, 1, 1]);
    expect(e.combine(s(1, 1, -1, 0))).toBe(1);
    expect(e.combine(s(1, 1, -1, -1))).toBe(0);
  });

  it('majority needs more than half of the strategies', () => {
    const e = new Ensemble({ method: 'majority' }, [1, 1, 1, 1]);
    expect(e.combine(s(1, 1, 0, 0))).toBe(0);
    expect(e.combine(s(1, 1, 1, -1))).toBe(1);
    expect(e.combine(s(-1, -1, -1, 0))).toBe(-1);
  });

  it('unanimous needs every strategy to agree', () => {
    const e = new Ensemble({ method: 'unanimous' }, [1, 1, 1]);
    expect(e.combine(s(1, 1, 1))).toBe(1);
    expect(e.combine(s(1, 1, 0))).toBe(0);
    expect(e.combine(s(-1, -1, -1))).toBe(-1);
    expect(e.combine(s(0, 0, 0))).toBe(0);
  });

  it('any takes the first non-hold signal in manifest order', () => {
    const e = new Ensemble({ method: 'any' }, [1, 1, 1]);
    expect(e.combine(s(0, -1, 1))).toBe(-1);
    expect(e.combine(s(0, 0, 1))).toBe(1);
    expect(e.combine(s(0, 0, 0))).toBe(0);
  });

  it('one strategy passes its signal through; bad settings are refused', () => {
    expect(new Ensemble({ method: 'unanimous' }, [3]).combine(s(-1))).toBe(-1);
    expect(() => new Ensemble({ threshold: 0 }, [1])).toThrow(/threshold/);
    expect(() => new Ensemble({}, [1, 0])).toThrow(/weights/);
    expect(() => new Ensemble({}, [])).toThrow(/at least one/);
  });
});
