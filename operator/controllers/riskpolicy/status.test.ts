import { describe, expect, it } from 'vitest';
import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import { testPolicy } from '../../testing/fixtures.ts';
import { boundBot, policyHarness } from '../../testing/policy-deps.ts';
import { computePolicyStatus, latestBreach } from './status.ts';

describe('RiskPolicy status', () => {
  it('says Halted when spec.halt is set, with an event, and Resumed when lifted', async () => {
    const h = policyHarness();
    const policy = h.cluster.put(testPolicy('guard', { halt: true, haltReason: 'incident' }));
    h.cluster.put(boundBot('a'));
    await h.reconcile('guard');
    const halted = h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard');
    expect(halted?.status?.halted).toBe(true);
    expect(halted?.status?.conditions?.find((c) => c.type === 'Halted')).toMatchObject({
      status: 'True',
      reason: 'HaltRequested',
      message: 'incident',
    });
    expect(h.events.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'Halted' }));
    const current = h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard') as RiskPolicy;
    const { haltReason: _r, ...spec } = current.spec;
    h.cluster.put({
      ...current,
      metadata: { ...current.metadata, generation: 5 },
      spec: { ...spec, halt: false },
    });
    await h.reconcile('guard');
    expect(h.events.reasons()).toContain('Resumed');
    expect(policy.metadata.name).toBe('guard');
  });

  it('reports halted when a bound bot reports a breach', () => {
    const policy = testPolicy('guard');
    const bot = boundBot('a');
    const breached: TradingBot = {
      ...bot,
      status: {
        conditions: [
          {
            type: 'RiskHalted',
            status: 'True',
            reason: 'RiskLimitBreached',
            message: 'max daily loss',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    const s = computePolicyStatus(policy, [breached], Date.parse('2026-01-01T00:00:00Z'));
    expect(s.halted).toBe(true);
    expect(s.conditions?.find((c) => c.type === 'Halted')).toMatchObject({
      status: 'True',
      reason: 'RiskLimitBreached',
    });
  });
  it('keeps the newest of the stored breach and the reported ones', async () => {
    const stored = { bot: 'a', rule: 'cooldown' as const, time: '2026-01-01T10:00:00Z' };
    expect(latestBreach(stored, [])).toBe(stored);
    expect(
      latestBreach(stored, [{ bot: 'b', breach: { rule: 'maxDailyLoss', time: '2026-01-01T09:00:00Z' } }]),
    ).toBe(stored);
    expect(
      latestBreach(stored, [
        { bot: 'b', breach: { rule: 'maxDailyLoss', time: '2026-01-01T11:00:00Z', message: 'lost 5.2 %' } },
        { bot: 'c', breach: { rule: 'pairLock', time: '2026-01-01T10:30:00Z' } },
      ]),
    ).toEqual({ bot: 'b', rule: 'maxDailyLoss', time: '2026-01-01T11:00:00Z', message: 'lost 5.2 %' });
  });

  it("lands in the policy status from the bound bots' reports, with a RiskBreach event", async () => {
    const h = policyHarness();
    h.cluster.put(testPolicy('guard'));
    h.cluster.put(boundBot('a'));
    const reports = new Map([
      [
        'trading/a',
        {
          receivedAt: 0,
          report: {
            time: '2026-01-01T11:00:00Z',
            healthy: true,
            lastBreach: {
              rule: 'maxDrawdown' as const,
              time: '2026-01-01T10:59:00Z',
              message: 'drawdown 12 %',
            },
          },
        },
      ],
    ]);
    await h.reconcile('guard', { reports: { get: (k: string) => reports.get(k) } });
    expect(h.cluster.get<RiskPolicy>('RiskPolicy', 'trading', 'guard')?.status?.lastBreach).toEqual({
      bot: 'a',
      rule: 'maxDrawdown',
      time: '2026-01-01T10:59:00Z',
      message: 'drawdown 12 %',
    });
    expect(h.events.events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'RiskBreach',
        message: 'a hit maxDrawdown: drawdown 12 %',
      }),
    );
  });
});
