import { describe, expect, it } from 'vitest';
import type { HotState, RiskStateRecord } from './hot-state.ts';
import { MemoryHotState } from './memory-hot-state.ts';
import { RiskStateWriter } from './risk-state-writer.ts';

/** A hot state whose risk-state writes are counted, fail while `failing`, and wait while `held` is set. */
function recordingHot() {
  const hot = new MemoryHotState();
  const writes: RiskStateRecord[] = [];
  const control = { failing: false, held: undefined as Promise<void> | undefined };
  const spy = {
    setRiskState: async (state: RiskStateRecord) => {
      await control.held;
      if (control.failing) throw new Error('redis away');
      writes.push(state);
      await hot.setRiskState(state);
    },
  } as unknown as HotState;
  return { hot, spy, writes, control };
}

const active = (ts: number): RiskStateRecord => ({ state: 'Active', ts });
const halted = (ts: number): RiskStateRecord => ({ state: 'Halted', reason: 'emergency', ts });

describe('RiskStateWriter', () => {
  it('writes a version once, however often it is offered', async () => {
    const { hot, spy, writes } = recordingHot();
    const writer = new RiskStateWriter(spy);
    writer.offer(1, () => active(1));
    writer.offer(1, () => active(2));
    await writer.flush();
    writer.offer(1, () => active(3));
    await writer.flush();
    expect(writes).toEqual([active(1)]);
    writer.offer(2, () => halted(4));
    await writer.flush();
    expect(writes).toEqual([active(1), halted(4)]);
    expect(await hot.riskState()).toEqual(halted(4));
  });

  it('writes the latest state after a write in flight, reading it when it writes', async () => {
    const { spy, writes, control } = recordingHot();
    const writer = new RiskStateWriter(spy);
    let release = () => {};
    control.held = new Promise((resolve) => {
      release = resolve;
    });
    writer.offer(1, () => active(1));
    writer.offer(2, () => halted(2));
    writer.offer(3, () => active(3));
    release();
    await writer.flush();
    expect(writes).toEqual([active(1), active(3)]);
  });

  it('tries a failed write again at the next offer and reports only the first failure of an outage', async () => {
    const { hot, spy, control } = recordingHot();
    const errors: unknown[] = [];
    const writer = new RiskStateWriter(spy, { onError: (e) => errors.push(e) });
    control.failing = true;
    writer.offer(1, () => halted(1));
    await writer.flush();
    writer.offer(1, () => halted(2));
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(await hot.riskState()).toBeUndefined();
    control.failing = false;
    writer.offer(1, () => halted(3));
    await writer.flush();
    expect(await hot.riskState()).toEqual(halted(3));
    control.failing = true;
    writer.offer(2, () => active(4));
    await writer.flush();
    expect(errors).toHaveLength(2);
  });
});
