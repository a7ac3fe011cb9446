import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { TradingBot } from '../crds/index.ts';
import { applyResult, operatorMetrics } from './metrics.ts';
import { testBot } from './testing/fixtures.ts';

describe('operator metrics', () => {
  it('counts bots by phase at scrape time', async () => {
    const registry = new Registry();
    const running: TradingBot = { ...testBot('a'), status: { phase: 'Running' } };
    const bots = [running, testBot('b')];
    operatorMetrics(registry, () => bots);
    const text = await registry.metrics();
    expect(text).toContain('botcore_operator_tradingbots{phase="Running"} 1');
    expect(text).toContain('botcore_operator_tradingbots{phase="Unknown"} 1');
    expect(text).toContain('botcore_operator_tradingbots{phase="Halted"} 0');
  });

  it('names apply outcomes', () => {
    expect(applyResult({ skipped: true, created: false, driftCorrected: false })).toBe('unchanged');
    expect(applyResult({ skipped: false, created: true, driftCorrected: false })).toBe('created');
    expect(applyResult({ skipped: false, created: false, driftCorrected: true })).toBe('drift_corrected');
    expect(applyResult({ skipped: false, created: false, driftCorrected: false })).toBe('updated');
  });
});
