import { describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';

describe('FakeClock', () => {
  it('fires timers in due order, including ones scheduled by timers, only when time advances', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c@30'));
    clock.setTimer(10, () => {
      fired.push('a@10');
      clock.setTimer(5, () => fired.push('b@15'));
    });
    const cancelled = clock.setTimer(20, () => fired.push('never'));
    cancelled.cancel();
    expect(fired).toEqual([]);
    await clock.advance(29);
    expect(fired).toEqual(['a@10', 'b@15']);
    expect(clock.now()).toBe(29);
    expect(await clock.runNext()).toBe(true);
    expect(fired).toEqual(['a@10', 'b@15', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(await clock.runNext()).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sleep resolves after its time and rejects when aborted first', async () => {
    const clock = new FakeClock(0);
    let slept = false;
    const sleeping = clock.sleep(100).then(() => {
      slept = true;
    });
    await clock.advance(99);
    expect(slept).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect(slept).toBe(true);

    const controller = new AbortController();
    const aborted = clock.sleep(100, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toThrow('stop');
    await flushMicrotasks();
  });
});
