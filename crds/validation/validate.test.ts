import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baseBot,
  baseFor,
  basePolicy,
  invalidCorpus,
  type Loose,
  manifestFor,
} from '../testdata/invalid-corpus.ts';
import { formatFieldError } from './field-error.ts';
import { loadManifests } from './manifests.ts';
import {
  assertValid,
  celSkippedDetail,
  InvalidManifestError,
  kindOf,
  tradingBotSpec,
  validateManifest,
  validateRiskPolicy,
  validateTradingBot,
} from './validate.ts';

const examplesDir = join(import.meta.dirname, '..', '..', 'examples');

async function exampleManifests(): Promise<{ file: string; manifest: unknown }[]> {
  const out: { file: string; manifest: unknown }[] = [];
  for (const dir of ['bots', 'policies']) {
    for (const file of readdirSync(join(examplesDir, dir))) {
      for (const manifest of await loadManifests(join(examplesDir, dir, file))) {
        if (kindOf(manifest)) out.push({ file: `${dir}/${file}`, manifest });
      }
    }
  }
  return out;
}

describe('examples', () => {
  it('has a bot for every strategy type, an ensemble, a multi-symbol and a live-on-testnet bot, and three policies', async () => {
    const examples = await exampleManifests();
    const bots = examples.filter((e) => (e.manifest as { kind: string }).kind === 'TradingBot');
    const types = new Set(
      bots.flatMap((b) =>
        (b.manifest as { spec: { strategies: { type: string }[] } }).spec.strategies.map((s) => s.type),
      ),
    );
    expect([...types].sort()).toEqual(['bollinger', 'macd', 'onnx', 'rsi', 'stochastic', 'volume']);
    expect(examples.map((e) => e.file)).toEqual(
      expect.arrayContaining([
        'bots/ensemble.yaml',
        'bots/multi-symbol.yaml',
        'bots/live-testnet.yaml',
        'policies/conservative.yaml',
        'policies/defaults.yaml',
        'policies/emergency-halt.yaml',
      ]),
    );
  });

  it('every example validates', async () => {
    for (const { file, manifest } of await exampleManifests()) {
      const result = validateManifest(manifest);
      expect({ file, errors: result.errors.map(formatFieldError) }).toEqual({ file, errors: [] });
    }
  });

  it('the live example references a Secret that the same file defines, with placeholder keys only', async () => {
    const docs = (await loadManifests(join(examplesDir, 'bots', 'live-testnet.yaml'))) as Loose[];
    const secret = docs.find((d) => d.kind === 'Secret');
    const bot = docs.find((d) => d.kind === 'TradingBot');
    expect(bot?.spec.mode).toBe('live');
    expect(bot?.spec.exchange.testnet).toBe(true);
    expect(secret?.metadata.name).toBe(bot?.spec.exchange.credentialsSecretRef.name);
    for (const value of Object.values(secret?.stringData as Record<string, string>)) {
      expect(value).toMatch(/^REPLACE_WITH_/);
    }
  });
});

describe('defaults', () => {
  it('fills a minimal bot as documented', () => {
    const result = validateTradingBot(baseBot());
    expect(result.errors).toEqual([]);
    const spec = result.object.spec;
    expect(spec.mode).toBe('paper');
    expect(spec.timeframe).toBe('1m');
    expect(spec.suspend).toBe(false);
    expect(spec.exchange.testnet).toBe(false);
    expect(spec.capital.maxAllocationPercent).toBe('100');
    expect(spec.strategies[0]).toEqual({
      name: 'rsi',
      type: 'rsi',
      weight: '1',
      rsi: { period: 14, overbought: 70, oversold: 30 },
    });
    expect(spec.strategies[1]?.macd).toEqual({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 });
    expect(spec.combine).toEqual({ method: 'weightedVote', threshold: 0.5 });
    expect(spec.execution).toEqual({
      orderType: 'market',
      limitOffsetBps: 0,
      makerFeePercent: '0.1',
      takerFeePercent: '0.1',
      slippageBps: 5,
      latencyMs: 50,
      partialFills: true,
    });
    expect(spec.statusEndpoint).toEqual({ enabled: true, port: 8080, auth: 'bearerToken' });
    expect(spec.runtime).toEqual({ logLevel: 'info' });
  });

  it('fills an empty policy with the product defaults', () => {
    const result = validateRiskPolicy({ ...basePolicy(), spec: {} });
    expect(result.errors).toEqual([]);
    expect(result.object.spec).toEqual({
      maxDailyLossPercent: '5',
      cooldown: { consecutiveLosses: 5, minutes: 60 },
      maxPositionSizePercent: '25',
      riskPerTradePercent: '2',
      stopLossPercent: '2',
      maxCorrelatedExposurePercent: '70',
      maxOpenPositions: 5,
      maxDrawdownPercent: '20',
      pairLock: { stopLosses: 2, minutes: 60 },
      maxOrdersPerMinute: 60,
      halt: false,
    });
  });

  it('defaults a missing policy spec and drops nulls before defaulting', () => {
    const { spec: _spec, ...withoutSpec } = basePolicy();
    expect(validateRiskPolicy(withoutSpec).object.spec.maxDailyLossPercent).toBe('5');
    const bot = baseBot();
    bot.spec.timeframe = null;
    expect(validateTradingBot(bot).object.spec.timeframe).toBe('1m');
  });

  it('does not change the input', () => {
    const bot = baseBot();
    const copy = structuredClone(bot);
    validateTradingBot(bot);
    expect(bot).toEqual(copy);
  });

  it('tradingBotSpec gives a spec with its defaults, or throws naming the bad field', () => {
    const { spec } = baseBot();
    expect(tradingBotSpec({ ...spec, timeframe: undefined }).timeframe).toBe('1m');
    expect(() => tradingBotSpec({ ...spec, timeframe: '7m' }, 'seven')).toThrow(InvalidManifestError);
    expect(() => tradingBotSpec({ ...spec, timeframe: '7m' }, 'seven')).toThrow(
      /TradingBot\.trading\.botcore\.dev "seven" is invalid: \[spec\.timeframe: Unsupported value: "7m"/,
    );
  });
});

describe('invalid corpus', () => {
  it('has at least 40 cases with unique names', () => {
    expect(invalidCorpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(invalidCorpus.map((c) => c.name)).size).toBe(invalidCorpus.length);
  });

  it('starts every case from a valid base', () => {
    expect(validateTradingBot(baseBot()).errors).toEqual([]);
    expect(validateRiskPolicy(basePolicy()).errors).toEqual([]);
    for (const c of invalidCorpus.filter((x) => x.field !== 'metadata.name')) {
      expect({ case: c.name, errors: validateManifest(baseFor(c)).errors }).toEqual({
        case: c.name,
        errors: [],
      });
    }
  });

  for (const c of invalidCorpus) {
    it(`rejects ${c.name} at ${c.field}`, () => {
      const manifest = manifestFor(c);
      const result = c.update
        ? validateManifest(manifest, { oldObject: baseFor(c) })
        : validateManifest(manifest);
      expect(result.valid).toBe(false);
      expect(result.errors.map((e) => e.field)).toContain(c.field);
      const messages = result.errors.filter((e) => e.field === c.field).map(formatFieldError);
      expect(messages.every((m) => m.startsWith(`${c.field}: `))).toBe(true);
      // Rules are written so that they never fail to evaluate, even on malformed input.
      expect(result.errors.filter((e) => e.detail.includes('evaluating rule'))).toEqual([]);
      if (c.update) expect(validateManifest(manifest).errors).toEqual([]);
    });
  }
});

describe('messages', () => {
  it('renders errors like the API server', () => {
    const bot = baseBot();
    (bot.spec.strategies as Loose[])[0]!.rsi.period = 0;
    expect(validateTradingBot(bot).errors.map(formatFieldError)).toEqual([
      'spec.strategies[0].rsi.period: Invalid value: 0: spec.strategies[0].rsi.period in body should be greater than or equal to 2',
    ]);
  });

  it('reports CEL rules with their message and reason', () => {
    const bot = baseBot();
    bot.spec.mode = 'live';
    bot.spec.acknowledgeLiveTrading = true;
    bot.spec.riskPolicyRef = { name: 'conservative' };
    expect(validateTradingBot(bot).errors.map(formatFieldError)).toEqual([
      'spec.exchange.credentialsSecretRef: Required value: mode live requires exchange.credentialsSecretRef (a Secret with the API credentials)',
    ]);
  });

  it('reports an unsupported enum value with the supported ones', () => {
    const bot = baseBot();
    bot.spec.timeframe = '7m';
    expect(formatFieldError(validateTradingBot(bot).errors[0]!)).toBe(
      'spec.timeframe: Unsupported value: "7m": supported values: "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d"',
    );
  });

  it('skips CEL rules after a blocking schema error, as the API server does', () => {
    const bot = baseBot();
    bot.spec.mode = 'live';
    bot.spec.timeframe = '7m';
    const errors = validateTradingBot(bot).errors;
    expect(errors.map((e) => e.field)).toEqual(['spec.timeframe', '']);
    expect(errors[1]?.detail).toBe(celSkippedDetail);
  });

  it('assertValid throws one error naming every field', () => {
    const bot = baseBot('broken');
    bot.spec.symbols = [];
    bot.spec.capital = { amount: '0' };
    expect(() => assertValid(bot)).toThrow(InvalidManifestError);
    expect(() => assertValid(bot)).toThrow(
      /^TradingBot\.trading\.botcore\.dev "broken" is invalid: \[spec\.symbols: .*, spec\.capital\.amount: /,
    );
  });
});

describe('unknown fields and kinds', () => {
  it('prunes unknown fields silently when asked', () => {
    const bot = baseBot();
    bot.spec.leverage = 10;
    const result = validateTradingBot(bot, { unknownFields: 'prune' });
    expect(result.errors).toEqual([]);
    expect(result.object.spec).not.toHaveProperty('leverage');
  });

  it('rejects a manifest of another kind or version', () => {
    const result = validateManifest({ ...baseBot(), apiVersion: 'trading.botcore.dev/v1' });
    expect(result.errors.map((e) => e.field)).toEqual(['kind']);
  });

  it('requires a name', () => {
    const result = validateTradingBot({ ...baseBot(), metadata: {} });
    expect(result.errors.map((e) => e.field)).toEqual(['metadata.name']);
  });
});

describe('transition rules', () => {
  it('allow an update that keeps immutable fields', () => {
    const old = baseBot();
    const next = baseBot();
    next.spec.symbols = ['BTC/USDT'];
    next.spec.mode = 'paper';
    expect(validateTradingBot(next, { oldObject: old }).errors).toEqual([]);
  });

  it('say that the exchange is immutable', () => {
    const next = baseBot();
    (next.spec.exchange as { name: string }).name = 'okx';
    expect(validateTradingBot(next, { oldObject: baseBot() }).errors.map(formatFieldError)).toEqual([
      'spec.exchange.name: Invalid value: "okx": exchange.name is immutable (it is binance); create a new TradingBot to trade on another exchange',
    ]);
  });
});
