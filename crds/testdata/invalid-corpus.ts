// The invalid corpus: manifests that the API server and crds/validation must
// both reject, each with the field the error must name. Each case starts from
// a valid base object and breaks one thing. Cases with `update` are valid on
// create and invalid as an update of the base (transition rules).
//
// Used by crds/validation/validate.test.ts (our validator) and
// test/api/crds.int.test.ts (the real API server, with fieldValidation=Strict).

/** Manifests under test are untyped on purpose: the corpus breaks them in every way. */
// biome-ignore lint/suspicious/noExplicitAny: the corpus writes deep into untyped manifests
export type Loose = Record<string, any>;

type Manifest = Record<string, unknown> & { metadata: { name: string }; spec: Record<string, unknown> };

export interface InvalidCase {
  /** Unique; `bad-<name>` is the object's name unless `objectName` is set. */
  name: string;
  kind: 'TradingBot' | 'RiskPolicy';
  /** The path the error must name, e.g. `spec.strategies[0].rsi.period`. */
  field: string;
  /** Breaks the (cloned) base object. */
  mutate: (spec: Loose) => void;
  /** When true, the base is created first and the mutated object is an update of it. */
  update?: boolean;
  /** The object's name, when the name is what the case breaks. */
  objectName?: string;
}

export function baseBot(name = 'corpus-bot'): Manifest {
  return {
    apiVersion: 'trading.botcore.dev/v1alpha1',
    kind: 'TradingBot',
    metadata: { name },
    spec: {
      exchange: { name: 'binance' },
      symbols: ['BTC/USDT', 'ETH/USDT'],
      capital: { amount: '10000', currency: 'USDT' },
      strategies: [
        { name: 'rsi', type: 'rsi', rsi: { period: 14 } },
        { name: 'trend', type: 'macd', weight: '1.5', macd: {} },
      ],
    },
  };
}

export function basePolicy(name = 'corpus-policy'): Manifest {
  return {
    apiVersion: 'trading.botcore.dev/v1alpha1',
    kind: 'RiskPolicy',
    metadata: { name },
    spec: { maxDailyLossPercent: '5', riskPerTradePercent: '1' },
  };
}

const live = (s: Loose): void => {
  s.mode = 'live';
  s.acknowledgeLiveTrading = true;
  s.riskPolicyRef = { name: 'conservative' };
  s.exchange.credentialsSecretRef = { name: 'binance-credentials' };
};

const bot = (name: string, field: string, mutate: InvalidCase['mutate'], update = false): InvalidCase => ({
  name,
  kind: 'TradingBot',
  field,
  mutate,
  ...(update ? { update } : {}),
});

const policy = (name: string, field: string, mutate: InvalidCase['mutate']): InvalidCase => ({
  name,
  kind: 'RiskPolicy',
  field,
  mutate,
});

export const invalidCorpus: readonly InvalidCase[] = [
  // the object's name
  { ...bot('name-starts-with-digit', 'metadata.name', () => {}), objectName: '1st-bot' },
  { ...bot('name-with-dots', 'metadata.name', () => {}), objectName: 'rsi.btc' },
  { ...bot('name-ending-with-dash', 'metadata.name', () => {}), objectName: 'rsi-' },
  { ...bot('name-over-40-characters', 'metadata.name', () => {}), objectName: `bot-${'x'.repeat(40)}` },
  // mode and live trading
  bot('mode-unknown', 'spec.mode', (s) => {
    s.mode = 'simulated';
  }),
  bot('live-without-acknowledgement', 'spec.acknowledgeLiveTrading', (s) => {
    live(s);
    delete s.acknowledgeLiveTrading;
  }),
  bot('live-acknowledgement-false', 'spec.acknowledgeLiveTrading', (s) => {
    live(s);
    s.acknowledgeLiveTrading = false;
  }),
  bot('live-without-risk-policy', 'spec.riskPolicyRef', (s) => {
    live(s);
    delete s.riskPolicyRef;
  }),
  bot('live-without-credentials', 'spec.exchange.credentialsSecretRef', (s) => {
    live(s);
    delete s.exchange.credentialsSecretRef;
  }),
  bot('risk-policy-ref-bad-name', 'spec.riskPolicyRef.name', (s) => {
    s.riskPolicyRef = { name: 'Conservative_Policy' };
  }),
  // exchange
  bot('exchange-missing', 'spec.exchange', (s) => {
    delete s.exchange;
  }),
  bot('exchange-unknown', 'spec.exchange.name', (s) => {
    s.exchange.name = 'ftx';
  }),
  bot('credentials-secret-bad-name', 'spec.exchange.credentialsSecretRef.name', (s) => {
    s.exchange.credentialsSecretRef = { name: 'My_Secret' };
  }),
  bot('credentials-same-key-twice', 'spec.exchange.credentialsSecretRef.apiSecretKey', (s) => {
    s.exchange.credentialsSecretRef = { name: 'creds', apiKeyKey: 'key', apiSecretKey: 'key' };
  }),
  bot('testnet-not-boolean', 'spec.exchange.testnet', (s) => {
    s.exchange.testnet = 'yes';
  }),
  // symbols and timeframe
  bot('symbols-empty', 'spec.symbols', (s) => {
    s.symbols = [];
  }),
  bot('symbols-duplicate', 'spec.symbols[1]', (s) => {
    s.symbols = ['BTC/USDT', 'BTC/USDT'];
  }),
  bot('symbol-without-slash', 'spec.symbols[0]', (s) => {
    s.symbols = ['BTCUSDT'];
  }),
  bot('symbol-lower-case', 'spec.symbols[1]', (s) => {
    s.symbols = ['BTC/USDT', 'eth/usdt'];
  }),
  bot('symbol-other-quote-currency', 'spec.symbols', (s) => {
    s.symbols = ['BTC/USDT', 'ETH/EUR'];
  }),
  bot('symbols-too-many', 'spec.symbols', (s) => {
    s.symbols = Array.from({ length: 21 }, (_, i) => `C${String(i).padStart(2, '0')}/USDT`);
  }),
  bot('timeframe-unsupported', 'spec.timeframe', (s) => {
    s.timeframe = '7m';
  }),
  // market data
  bot('market-data-source-unknown', 'spec.marketData.source', (s) => {
    s.marketData = { source: 'websocket' };
  }),
  bot('replay-without-files', 'spec.marketData.replay', (s) => {
    s.marketData = { source: 'replay' };
  }),
  bot('replay-files-with-exchange-source', 'spec.marketData.replay', (s) => {
    s.marketData = { replay: { files: [{ symbol: 'BTC/USDT', path: 'btc.csv' }] } };
  }),
  bot('replay-missing-a-symbol', 'spec.marketData.replay.files', (s) => {
    s.marketData = { source: 'replay', replay: { files: [{ symbol: 'BTC/USDT', path: 'btc.csv' }] } };
  }),
  bot('replay-file-not-csv-or-json', 'spec.marketData.replay.files[0].path', (s) => {
    s.symbols = ['BTC/USDT'];
    s.marketData = { source: 'replay', replay: { files: [{ symbol: 'BTC/USDT', path: 'btc.parquet' }] } };
  }),
  bot('replay-speed-negative', 'spec.marketData.replay.speed', (s) => {
    s.symbols = ['BTC/USDT'];
    s.marketData = {
      source: 'replay',
      replay: { files: [{ symbol: 'BTC/USDT', path: 'btc.csv' }], speed: -1 },
    };
  }),
  bot('live-on-replayed-candles', 'spec.marketData.source', (s) => {
    live(s);
    s.symbols = ['BTC/USDT'];
    s.marketData = { source: 'replay', replay: { files: [{ symbol: 'BTC/USDT', path: 'btc.csv' }] } };
  }),
  // capital
  bot('capital-amount-missing', 'spec.capital.amount', (s) => {
    delete s.capital.amount;
  }),
  bot('capital-amount-zero', 'spec.capital.amount', (s) => {
    s.capital.amount = '0';
  }),
  bot('capital-amount-negative', 'spec.capital.amount', (s) => {
    s.capital.amount = '-100';
  }),
  bot('capital-amount-free-text', 'spec.capital.amount', (s) => {
    s.capital.amount = 'ten thousand';
  }),
  bot('capital-amount-number', 'spec.capital.amount', (s) => {
    s.capital.amount = 10000;
  }),
  bot('capital-amount-exponent', 'spec.capital.amount', (s) => {
    s.capital.amount = '1e6';
  }),
  bot('capital-allocation-over-100', 'spec.capital.maxAllocationPercent', (s) => {
    s.capital.maxAllocationPercent = '150';
  }),
  bot('capital-currency-lower-case', 'spec.capital.currency', (s) => {
    s.capital.currency = 'usdt';
  }),
  // strategies
  bot('strategies-empty', 'spec.strategies', (s) => {
    s.strategies = [];
  }),
  bot('strategy-names-duplicate', 'spec.strategies[1]', (s) => {
    s.strategies[1].name = 'rsi';
  }),
  bot('strategy-name-not-dns-label', 'spec.strategies[0].name', (s) => {
    s.strategies[0].name = 'RSI_Fast';
  }),
  bot('strategy-name-starts-with-digit', 'spec.strategies[0].name', (s) => {
    s.strategies[0].name = '1st';
  }),
  bot('strategy-name-too-long', 'spec.strategies[0].name', (s) => {
    s.strategies[0].name = 'a-very-long-strategy-name';
  }),
  bot('strategy-type-unknown', 'spec.strategies[0].type', (s) => {
    s.strategies[0].type = 'ichimoku';
  }),
  bot('strategy-weight-zero', 'spec.strategies[0].weight', (s) => {
    s.strategies[0].weight = '0';
  }),
  bot('strategy-weight-negative', 'spec.strategies[1].weight', (s) => {
    s.strategies[1].weight = '-1';
  }),
  bot('strategy-params-of-other-type', 'spec.strategies[0].macd', (s) => {
    s.strategies[0].macd = { fastPeriod: 12 };
  }),
  bot('strategy-params-missing', 'spec.strategies[1].macd', (s) => {
    delete s.strategies[1].macd;
  }),
  bot('strategy-param-unknown', 'spec.strategies[0].rsi.length', (s) => {
    s.strategies[0].rsi.length = 14;
  }),
  bot('strategy-symbols-not-subset', 'spec.strategies', (s) => {
    s.strategies[0].symbols = ['SOL/USDT'];
  }),
  bot('rsi-period-zero', 'spec.strategies[0].rsi.period', (s) => {
    s.strategies[0].rsi.period = 0;
  }),
  bot('rsi-period-ten-thousand', 'spec.strategies[0].rsi.period', (s) => {
    s.strategies[0].rsi.period = 10000;
  }),
  bot('rsi-period-fractional', 'spec.strategies[0].rsi.period', (s) => {
    s.strategies[0].rsi.period = 14.5;
  }),
  bot('rsi-oversold-not-below-overbought', 'spec.strategies[0].rsi.oversold', (s) => {
    s.strategies[0].rsi = { overbought: 50, oversold: 50 };
  }),
  bot('macd-fast-not-below-slow', 'spec.strategies[1].macd.fastPeriod', (s) => {
    s.strategies[1].macd = { fastPeriod: 30, slowPeriod: 26 };
  }),
  bot('bollinger-stddev-zero', 'spec.strategies[0].bollinger.stdDev', (s) => {
    s.strategies[0] = { name: 'bands', type: 'bollinger', bollinger: { stdDev: 0 } };
  }),
  bot('bollinger-mode-unknown', 'spec.strategies[0].bollinger.mode', (s) => {
    s.strategies[0] = { name: 'bands', type: 'bollinger', bollinger: { mode: 'momentum' } };
  }),
  bot('volume-spike-multiplier-one', 'spec.strategies[0].volume.spikeMultiplier', (s) => {
    s.strategies[0] = { name: 'spikes', type: 'volume', volume: { spikeMultiplier: 1 } };
  }),
  bot('stochastic-d-period-zero', 'spec.strategies[0].stochastic.dPeriod', (s) => {
    s.strategies[0] = { name: 'stoch', type: 'stochastic', stochastic: { dPeriod: 0 } };
  }),
  bot('stochastic-oversold-above-overbought', 'spec.strategies[0].stochastic.oversold', (s) => {
    s.strategies[0] = { name: 'stoch', type: 'stochastic', stochastic: { overbought: 50, oversold: 50 } };
  }),
  bot('onnx-model-missing', 'spec.strategies[0].onnx.model', (s) => {
    s.strategies[0] = { name: 'model', type: 'onnx', onnx: {} };
  }),
  bot('onnx-model-two-sources', 'spec.strategies[0].onnx.model', (s) => {
    s.strategies[0] = {
      name: 'model',
      type: 'onnx',
      onnx: { model: { configMapRef: { name: 'm' }, path: '/models/m.onnx' } },
    };
  }),
  bot('onnx-model-path-relative', 'spec.strategies[0].onnx.model.path', (s) => {
    s.strategies[0] = { name: 'model', type: 'onnx', onnx: { model: { path: 'models/m.onnx' } } };
  }),
  bot('onnx-features-empty', 'spec.strategies[0].onnx.features', (s) => {
    s.strategies[0] = { name: 'model', type: 'onnx', onnx: { model: { path: '/m.onnx' }, features: [] } };
  }),
  bot('onnx-buy-threshold-above-one', 'spec.strategies[0].onnx.buyThreshold', (s) => {
    s.strategies[0] = {
      name: 'model',
      type: 'onnx',
      onnx: { model: { path: '/m.onnx' }, buyThreshold: 1.5 },
    };
  }),
  bot('onnx-thresholds-crossed', 'spec.strategies[0].onnx.sellThreshold', (s) => {
    s.strategies[0] = {
      name: 'model',
      type: 'onnx',
      onnx: { model: { path: '/m.onnx' }, buyThreshold: 0.4, sellThreshold: 0.6 },
    };
  }),
  // combination and execution
  bot('combine-method-unknown', 'spec.combine.method', (s) => {
    s.combine = { method: 'average' };
  }),
  bot('combine-threshold-zero', 'spec.combine.threshold', (s) => {
    s.combine = { threshold: 0 };
  }),
  bot('order-type-unknown', 'spec.execution.orderType', (s) => {
    s.execution = { orderType: 'stop' };
  }),
  bot('limit-offset-on-market-orders', 'spec.execution.limitOffsetBps', (s) => {
    s.execution = { orderType: 'market', limitOffsetBps: 10 };
  }),
  bot('slippage-negative', 'spec.execution.slippageBps', (s) => {
    s.execution = { slippageBps: -1 };
  }),
  bot('taker-fee-over-10-percent', 'spec.execution.takerFeePercent', (s) => {
    s.execution = { takerFeePercent: '15' };
  }),
  bot('latency-over-a-minute', 'spec.execution.latencyMs', (s) => {
    s.execution = { latencyMs: 120000 };
  }),
  // AI, runtime, endpoint, unknown fields
  bot('advisor-model-missing', 'spec.ai.advisor.model', (s) => {
    s.ai = { advisor: { endpoint: 'https://api.openai.com/v1' } };
  }),
  bot('advisor-endpoint-not-http', 'spec.ai.advisor.endpoint', (s) => {
    s.ai = { advisor: { endpoint: 'ftp://models.example.com', model: 'm' } };
  }),
  bot('advisor-budget-zero', 'spec.ai.advisor.budget.maxCostPerDay', (s) => {
    s.ai = { advisor: { endpoint: 'https://x.example.com/v1', model: 'm', budget: { maxCostPerDay: '0' } } };
  }),
  bot('status-port-privileged', 'spec.statusEndpoint.port', (s) => {
    s.statusEndpoint = { port: 80 };
  }),
  bot('runtime-cpu-free-text', 'spec.runtime.resources.cpu', (s) => {
    s.runtime = { resources: { cpu: 'two cores' } };
  }),
  bot('runtime-log-level-unknown', 'spec.runtime.logLevel', (s) => {
    s.runtime = { logLevel: 'verbose' };
  }),
  bot('spec-field-unknown', 'spec.leverage', (s) => {
    s.leverage = 10;
  }),
  bot('suspend-not-boolean', 'spec.suspend', (s) => {
    s.suspend = 'yes';
  }),
  // immutability (updates of the base)
  bot(
    'exchange-changed',
    'spec.exchange.name',
    (s) => {
      s.exchange.name = 'kraken';
    },
    true,
  ),
  bot(
    'capital-currency-changed',
    'spec.capital.currency',
    (s) => {
      s.capital.currency = 'USDC';
      s.symbols = ['BTC/USDC'];
      s.strategies = [{ name: 'rsi', type: 'rsi', rsi: {} }];
    },
    true,
  ),
  // RiskPolicy
  policy('daily-loss-over-100', 'spec.maxDailyLossPercent', (s) => {
    s.maxDailyLossPercent = '150';
  }),
  policy('daily-loss-zero', 'spec.maxDailyLossPercent', (s) => {
    s.maxDailyLossPercent = '0';
  }),
  policy('daily-loss-number', 'spec.maxDailyLossPercent', (s) => {
    s.maxDailyLossPercent = 5;
  }),
  policy('daily-loss-with-percent-sign', 'spec.maxDailyLossPercent', (s) => {
    s.maxDailyLossPercent = '5%';
  }),
  policy('risk-per-trade-above-daily-loss', 'spec.riskPerTradePercent', (s) => {
    s.riskPerTradePercent = '6';
  }),
  policy('position-size-above-correlated-exposure', 'spec.maxPositionSizePercent', (s) => {
    s.maxPositionSizePercent = '80';
  }),
  policy('cooldown-losses-zero', 'spec.cooldown.consecutiveLosses', (s) => {
    s.cooldown = { consecutiveLosses: 0 };
  }),
  policy('cooldown-over-a-week', 'spec.cooldown.minutes', (s) => {
    s.cooldown = { minutes: 20000 };
  }),
  policy('max-open-positions-zero', 'spec.maxOpenPositions', (s) => {
    s.maxOpenPositions = 0;
  }),
  policy('order-rate-too-high', 'spec.maxOrdersPerMinute', (s) => {
    s.maxOrdersPerMinute = 100000;
  }),
  policy('pair-lock-minutes-zero', 'spec.pairLock.minutes', (s) => {
    s.pairLock = { minutes: 0 };
  }),
  policy('position-notional-zero', 'spec.maxPositionNotional', (s) => {
    s.maxPositionNotional = '0';
  }),
  policy('halt-reason-without-halt', 'spec.haltReason', (s) => {
    s.haltReason = 'maintenance';
  }),
  policy('halt-not-boolean', 'spec.halt', (s) => {
    s.halt = 'now';
  }),
  policy('policy-field-unknown', 'spec.maxLeverage', (s) => {
    s.maxLeverage = 3;
  }),
];

/** The base object for a case's kind, named after the case. */
export function baseFor(c: InvalidCase, name = `bad-${c.name}`): Manifest {
  const objectName = c.objectName ?? name;
  return c.kind === 'TradingBot' ? baseBot(objectName) : basePolicy(objectName);
}

/** The invalid manifest of a case (for updates: the new version of the base). */
export function manifestFor(c: InvalidCase, name = `bad-${c.name}`): Manifest {
  const m = baseFor(c, name);
  c.mutate(m.spec);
  return m;
}
