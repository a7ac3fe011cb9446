import { describe, expect, it } from 'vitest';
import { setConditions, transitions } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T00:05:00Z');

describe('setConditions', () => {
  it('stamps a new condition with reason, message, generation and a second-precision time', () => {
    const [ready] = setConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'Starting', message: 'm' }],
      2,
      t0,
    );
    expect(ready).toEqual({
      type: 'Ready',
      status: 'False',
      observedGeneration: 2,
      lastTransitionTime: '2026-01-01T00:00:00Z',
      reason: 'Starting',
      message: 'm',
    });
  });

  it('keeps lastTransitionTime while the status stays, moves it when it changes', () => {
    const first = setConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'A', message: '' }],
      1,
      t0,
    );
    const same = setConditions(first, [{ type: 'Ready', status: 'False', reason: 'B', message: 'x' }], 2, t1);
    expect(same[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(same[0]?.reason).toBe('B');
    const flipped = setConditions(
      same,
      [{ type: 'Ready', status: 'True', reason: 'Running', message: '' }],
      2,
      t1,
    );
    expect(flipped[0]?.lastTransitionTime).toBe('2026-01-01T00:05:00Z');
  });

  it('keeps other types and their order', () => {
    const start = setConditions(
      undefined,
      [
        { type: 'Ready', status: 'False', reason: 'A', message: '' },
        { type: 'Other', status: 'True', reason: 'B', message: '' },
      ],
      1,
      t0,
    );
    const next = setConditions(start, [{ type: 'Ready', status: 'True', reason: 'C', message: '' }], 1, t1);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'Other']);
  });
});

describe('transitions', () => {
  it('names each condition whose status moved, absent counting as Unknown', () => {
    const before = setConditions(
      undefined,
      [{ type: 'Ready', status: 'False', reason: 'A', message: '' }],
      1,
      t0,
    );
    const after = setConditions(
      before,
      [
        { type: 'Ready', status: 'True', reason: 'Running', message: '' },
        { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' },
      ],
      1,
      t1,
    );
    expect(transitions(before, after).map((t) => [t.type, t.from, t.to.status])).toEqual([
      ['Ready', 'False', 'True'],
      ['Degraded', 'Unknown', 'False'],
    ]);
    expect(transitions(after, after)).toEqual([]);
  });
});
