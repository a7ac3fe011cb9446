import { describe, expect, it } from 'vitest';
import { BoundedTrigger, ReportStore } from './reports.ts';
import { FakeClock } from './runtime/fake-clock.ts';
import { silentLogger } from './runtime/index.ts';

describe('BoundedTrigger', () => {
  it('fires at once, then at most once per interval per key, never dropping the last call', async () => {
    const clock = new FakeClock(0);
    const fired: Array<[string, number]> = [];
    const trigger = new BoundedTrigger(1000, clock, (key) => fired.push([key, clock.now()]));
    trigger.trigger('a');
    for (let i = 0; i < 10; i++) {
      await clock.advance(50);
      trigger.trigger('a');
    }
    trigger.trigger('b');
    expect(fired).toEqual([
      ['a', 0],
      ['b', 500],
    ]);
    await clock.advance(500);
    expect(fired).toEqual([
      ['a', 0],
      ['b', 500],
      ['a', 1000],
    ]);
    await clock.advance(5000);
    expect(fired).toHaveLength(3);
  });
});

describe('ReportStore', () => {
  it('keeps the latest valid report per bot and drops invalid ones and other subjects', () => {
    const clock = new FakeClock(0);
    const seen: string[] = [];
    const store = new ReportStore({ clock, logger: silentLogger(), onReport: (k) => seen.push(k) });
    store.receive('botcore.ns.bot.status', { time: '2026-01-01T00:00:00Z', healthy: true, equity: '10.5' });
    store.receive('botcore.ns.bot.status', { time: 'x', healthy: 'yes' });
    store.receive('botcore.ns.bot.control', { time: '2026-01-01T00:00:00Z', healthy: false });
    store.receive('botcore.ns.bot.status', { healthy: true, time: '2026-01-01T00:00:00Z', password: 'x' });
    expect(seen).toEqual(['ns/bot']);
    expect(store.get('ns/bot')?.report).toMatchObject({ healthy: true, equity: '10.5' });
  });
});

describe('ReportStore wake-ups', () => {
  it('wakes the controller on a change, not on a repeat, and again after the refresh period', async () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const store = new ReportStore({
      clock,
      logger: silentLogger(),
      onReport: () => seen.push(clock.now()),
      refreshMs: 10_000,
    });
    const report = (time: string, equity: string) => ({ time, healthy: true, equity });
    store.receive('botcore.ns.bot.status', report('2026-01-01T00:00:00Z', '1'));
    await clock.advance(1000);
    store.receive('botcore.ns.bot.status', report('2026-01-01T00:00:01Z', '1'));
    expect(store.get('ns/bot')).toMatchObject({ receivedAt: 1000, report: { time: '2026-01-01T00:00:01Z' } });
    await clock.advance(1000);
    store.receive('botcore.ns.bot.status', report('2026-01-01T00:00:02Z', '2'));
    await clock.advance(10_000);
    store.receive('botcore.ns.bot.status', report('2026-01-01T00:00:12Z', '2'));
    expect(seen).toEqual([0, 2000, 12_000]);
  });
});

describe('ReportStore breaches', () => {
  it('keeps the newest breach a bot reported after later reports drop it', () => {
    const clock = new FakeClock(0);
    const store = new ReportStore({ clock, logger: silentLogger(), onReport: () => {} });
    const breach = { rule: 'maxDailyLoss', time: '2026-01-01T00:00:05Z', message: 'daily loss 5 %' };
    store.receive('botcore.ns.bot.status', {
      time: '2026-01-01T00:00:05Z',
      healthy: true,
      lastBreach: breach,
    });
    store.receive('botcore.ns.bot.status', { time: '2026-01-01T00:00:06Z', healthy: true });
    expect(store.get('ns/bot')?.report.lastBreach).toBeUndefined();
    expect(store.lastBreach('ns/bot')).toEqual(breach);
    const older = { ...breach, time: '2026-01-01T00:00:01Z' };
    store.receive('botcore.ns.bot.status', {
      time: '2026-01-01T00:00:07Z',
      healthy: true,
      lastBreach: older,
    });
    expect(store.lastBreach('ns/bot')).toEqual(breach);
    store.delete('ns/bot');
    expect(store.lastBreach('ns/bot')).toBeUndefined();
  });
});
