import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeErrors, validateManifest } from '../../crds/index.ts';
import { startRun } from '../cli/run-command.ts';
import { loadRunManifest, RunManifestError } from './manifest.ts';

const root = join(import.meta.dirname, '..', '..');
const demo = readFileSync(join(root, 'examples', 'bots', 'demo.yaml'), 'utf8');

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'botcore-run-manifest-'));
  const path = join(dir, 'bot.yaml');
  writeFileSync(path, text);
  return path;
}

async function refusal(run: () => Promise<unknown>): Promise<RunManifestError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof RunManifestError) return e;
    throw e;
  }
  throw new Error('the manifest was accepted');
}

const live = `
apiVersion: trading.botcore.dev/v1alpha1
kind: TradingBot
metadata: { name: live-bot }
spec:
  mode: live
  acknowledgeLiveTrading: true
  riskPolicyRef: { name: guard }
  exchange: { name: binance, testnet: true, credentialsSecretRef: { name: creds } }
  symbols: [ETH/BTC]
  capital: { amount: "1", currency: BTC }
  strategies: [{ name: rsi, type: rsi, rsi: {} }]
`;
const guard = `
---
apiVersion: trading.botcore.dev/v1alpha1
kind: RiskPolicy
metadata: { name: guard }
spec: {}
`;

describe('botcore run: which manifests it runs', () => {
  it('runs the demo in paper mode with the API server defaults applied', async () => {
    const m = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
    expect(m).toMatchObject({ name: 'demo', namespace: 'default', policy: undefined });
    expect(m.bot.mode).toBe('paper');
    expect(m.bot.execution.takerFeePercent).toBe('0.1');
    expect(m.bot.marketData.replay?.files).toEqual([
      { symbol: 'ETH/BTC', path: 'examples/data/ETH-BTC_5m.csv' },
    ]);
  });

  it('refuses an invalid manifest with the API server message, word for word', async () => {
    const bad = demo
      .replace('period: 14', 'period: 0')
      .replace('name: rsi\n', 'name: rsi\n      color: blue\n');
    const doc = parse(bad);
    const verdict = validateManifest(doc);
    expect(verdict.valid).toBe(false);
    const e = await refusal(() => loadRunManifest(file(bad)));
    expect(e.message).toBe(describeErrors(doc, verdict.errors));
    expect(e.message).toMatch(/^TradingBot\.trading\.botcore\.dev "demo" is invalid: /);
    expect(e.message).toContain('spec.strategies[0].color');

    const zero = demo.replace('period: 14', 'period: 0');
    const z = await refusal(() => loadRunManifest(file(zero)));
    expect(z.message).toContain('spec.strategies[0].rsi.period: Invalid value: 0');
  });

  it('refuses a live bot unless opted in, and then only with a RiskPolicy', async () => {
    const withPolicy = file(live + guard);
    const e = await refusal(() => loadRunManifest(withPolicy));
    expect(e.message).toContain('mode: live');
    expect(e.message).toContain('--live');
    const noPolicy = live.replace('  riskPolicyRef: { name: guard }\n', '');
    // Without a riskPolicyRef the API server itself refuses a live bot.
    const invalid = await refusal(() => loadRunManifest(file(noPolicy), { allowLive: true }));
    expect(invalid.message).toMatch(
      /^TradingBot\.trading\.botcore\.dev "live-bot" is invalid: .*riskPolicyRef/,
    );
    const missing = await refusal(() => loadRunManifest(file(live), { allowLive: true }));
    expect(missing.message).toContain('RiskPolicy "guard"');
    const opted = await refusal(() => loadRunManifest(withPolicy, { allowLive: true }));
    expect(opted.message).toContain('no exchange adapter');
  });

  it('takes the RiskPolicy the bot names from the same file, or from --policy', async () => {
    const bot = demo.replace('  mode: paper\n', '  mode: paper\n  riskPolicyRef: { name: guard }\n');
    const same = await loadRunManifest(
      file(bot + guard.replace('spec: {}', 'spec: { maxOpenPositions: 2 }')),
    );
    expect(same.policyName).toBe('guard');
    expect(same.policy?.maxOpenPositions).toBe(2);
    const apart = await loadRunManifest(file(bot), { policyFile: file(guard) });
    expect(apart.policyName).toBe('guard');
    const invalidPolicy = guard.replace('spec: {}', 'spec: { maxOpenPositions: -1 }');
    const e = await refusal(() => loadRunManifest(file(bot + invalidPolicy)));
    expect(e.message).toMatch(
      /^RiskPolicy\.trading\.botcore\.dev "guard" is invalid: spec\.maxOpenPositions/,
    );
  });

  it('the command prints the refusal on stderr and exits 1, starting nothing', async () => {
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t) };
    const invalid = await startRun({ manifest: file(demo.replace('period: 14', 'period: 0')), port: 0 }, io);
    expect(invalid.code).toBe(1);
    expect(invalid.bot).toBeUndefined();
    expect(err).toMatch(
      /^error: TradingBot\.trading\.botcore\.dev "demo" is invalid: spec\.strategies\[0\]\.rsi\.period/,
    );
    err = '';
    const refused = await startRun({ manifest: file(live + guard), port: 0 }, io);
    expect(refused.code).toBe(1);
    expect(err).toContain('botcore run trades on paper unless told otherwise');
    expect(out).toBe('');
  });
});
