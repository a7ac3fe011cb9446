import {
  arr,
  bool,
  conditions,
  decimal,
  int,
  localRef,
  mapOf,
  num,
  obj,
  oneOf,
  patterns,
  percent,
  positiveDecimal,
  rule,
  signedDecimal,
  str,
} from './builders.ts';
import type { JSONSchemaProps, KindDefinition } from './json-schema.ts';
import { maxStrategies, maxSymbols, strategy, strategyTypes } from './strategies.ts';

export const exchanges = ['binance', 'bybit', 'coinbase', 'kraken', 'okx', 'kucoin'] as const;
/** Candle timeframes the runtime supports. */
export const timeframes = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d'] as const;
export const botPhases = [
  'Pending',
  'Starting',
  'Running',
  'Suspended',
  'Halted',
  'Degraded',
  'Failed',
] as const;

const feePercent = (description: string, dflt: string): JSONSchemaProps =>
  str(`${description} A percentage as a decimal string in [0, 10] with at most 4 decimals, e.g. "0.1".`, {
    pattern: '^(10(\\.0{1,4})?|[0-9](\\.[0-9]{1,4})?)$',
    maxLength: 7,
    'x-botcore-format': 'percentage string in [0, 10]',
    default: dflt,
  });

const quantity = (description: string): JSONSchemaProps =>
  str(`${description} A Kubernetes quantity such as "500m", "1", "256Mi" or "2Gi".`, {
    pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$',
    maxLength: 20,
    'x-botcore-format': 'Kubernetes quantity',
  });

const exchange = obj(
  'The exchange the bot trades on (live) or takes market data from and simulates fills against (paper).',
  {
    name: oneOf('Exchange identifier. Immutable: a running bot cannot move to another exchange.', exchanges, {
      'x-kubernetes-validations': [
        rule(
          'self == oldSelf',
          'exchange.name is immutable; create a new TradingBot to trade on another exchange',
          {
            messageExpression:
              "'exchange.name is immutable (it is ' + oldSelf + '); create a new TradingBot to trade on another exchange'",
          },
        ),
      ],
    }),
    testnet: bool("Use the exchange's testnet (sandbox) endpoints instead of production.", {
      default: false,
    }),
    credentialsSecretRef: obj(
      'Secret in the bot namespace holding the API credentials. Credentials are never written inline. Required in live mode.',
      {
        name: str('Name of the Secret.', { pattern: patterns.dnsSubdomain, maxLength: 253 }),
        apiKeyKey: str('Key of the API key in the Secret.', {
          pattern: patterns.configKey,
          maxLength: 253,
          default: 'apiKey',
        }),
        apiSecretKey: str('Key of the API secret in the Secret.', {
          pattern: patterns.configKey,
          maxLength: 253,
          default: 'apiSecret',
        }),
        passphraseKey: str(
          'Key of the API passphrase in the Secret, for exchanges that use one (OKX, KuCoin).',
          {
            pattern: patterns.configKey,
            maxLength: 253,
          },
        ),
      },
      {
        required: ['name'],
        'x-botcore-type-name': 'CredentialsSecretRef',
        'x-kubernetes-validations': [
          rule(
            '!has(self.apiKeyKey) || !has(self.apiSecretKey) || self.apiKeyKey != self.apiSecretKey',
            'apiKeyKey and apiSecretKey must name different keys of the Secret',
            { fieldPath: '.apiSecretKey' },
          ),
        ],
      },
    ),
  },
  {
    required: ['name'],
    'x-botcore-type-name': 'ExchangeSpec',
    'x-botcore-example': {
      name: 'binance',
      testnet: true,
      credentialsSecretRef: { name: 'binance-testnet-credentials' },
    },
  },
);

const marketData = obj(
  "Where the bot's candles come from.",
  {
    source: oneOf(
      "`exchange`: closed candles from the exchange's public API; `replay`: candle files replayed as a live feed (paper mode only, for demos and tests).",
      ['exchange', 'replay'] as const,
      { default: 'exchange' },
    ),
    replay: obj(
      'The candle files to replay when `source` is `replay`.',
      {
        files: arr(
          'One candle file per symbol of `spec.symbols` (CSV or JSON, see docs/market-data.md).',
          obj(
            'A candle file.',
            {
              symbol: str('The symbol whose candles the file holds, e.g. `ETH/BTC`.', {
                pattern: patterns.symbol,
                maxLength: 25,
              }),
              path: str(
                'Path of the file, inside the runtime container or on the local machine; relative paths resolve from the working directory.',
                { pattern: '\\.(csv|json)$', minLength: 5, maxLength: 1024 },
              ),
            },
            { required: ['symbol', 'path'], 'x-botcore-type-name': 'ReplayFile' },
          ),
          {
            minItems: 1,
            maxItems: maxSymbols,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['symbol'],
          },
        ),
        speed: num(
          'Times real time: 1 is real time, 60 plays an hour of candles per minute; 0 is as fast as possible.',
          {
            minimum: 0,
            maximum: 1000000,
            default: 1,
          },
        ),
        loop: bool('Start again from the first candle after the last one.', { default: false }),
      },
      { required: ['files'], 'x-botcore-type-name': 'ReplaySpec' },
    ),
  },
  {
    default: {},
    'x-botcore-type-name': 'MarketDataSpec',
    'x-kubernetes-validations': [
      rule(
        "!has(self.source) || self.source != 'replay' || has(self.replay)",
        'source replay requires marketData.replay',
        { fieldPath: '.replay', reason: 'FieldValueRequired' },
      ),
      rule(
        "!has(self.replay) || (has(self.source) && self.source == 'replay')",
        'marketData.replay is only allowed when source is replay',
        { fieldPath: '.replay', reason: 'FieldValueForbidden' },
      ),
    ],
    'x-botcore-example': {
      source: 'replay',
      replay: { files: [{ symbol: 'ETH/BTC', path: 'candles/ETH-BTC_5m.csv' }], speed: 60, loop: true },
    },
  },
);

const capital = obj(
  'The capital the bot trades with: the paper account balance, or in live mode the most it may commit.',
  {
    amount: positiveDecimal('Starting (paper) or allotted (live) capital in `currency`.'),
    currency: str(
      'Quote currency of the capital, e.g. `USDT`. Every symbol must be quoted in it. Immutable.',
      {
        pattern: patterns.currency,
        maxLength: 12,
        default: 'USDT',
        'x-kubernetes-validations': [
          rule('self == oldSelf', 'capital.currency is immutable; create a new TradingBot to change it', {
            messageExpression:
              "'capital.currency is immutable (it is ' + oldSelf + '); create a new TradingBot to change it'",
          }),
        ],
      },
    ),
    maxAllocationPercent: percent('Largest share of the capital committed to one symbol.', {
      default: '100',
    }),
  },
  {
    required: ['amount'],
    'x-botcore-type-name': 'CapitalSpec',
    'x-botcore-example': { amount: '10000', currency: 'USDT', maxAllocationPercent: '50' },
  },
);

const combine = obj(
  'How the signals of several strategies combine into one decision per symbol and candle.',
  {
    method: oneOf(
      '`weightedVote`: buy (sell) when the weights of buy (sell) signals reach `threshold` of the total weight; `majority`: more than half of the strategies agree; `unanimous`: all agree; `any`: the first signal wins.',
      ['weightedVote', 'majority', 'unanimous', 'any'] as const,
      { default: 'weightedVote' },
    ),
    threshold: num('For `weightedVote`: share of the total weight (0-1, exclusive of 0) that must agree.', {
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      default: 0.5,
    }),
  },
  {
    'x-botcore-type-name': 'CombineSpec',
    default: {},
    'x-botcore-example': { method: 'weightedVote', threshold: 0.6 },
  },
);

const execution = obj(
  'Execution model: order type, and the fees, slippage and latency that the paper venue and backtests apply.',
  {
    orderType: oneOf(
      'Order type: `market`, or `limit` at `limitOffsetBps` from the last price.',
      ['market', 'limit'] as const,
      {
        default: 'market',
      },
    ),
    limitOffsetBps: int('For limit orders: distance from the last price in basis points (1 bp = 0.01 %).', {
      minimum: 0,
      maximum: 1000,
      default: 0,
    }),
    makerFeePercent: feePercent('Maker fee.', '0.1'),
    takerFeePercent: feePercent('Taker fee.', '0.1'),
    slippageBps: int('Simulated slippage on market orders, in basis points.', {
      minimum: 0,
      maximum: 1000,
      default: 5,
    }),
    latencyMs: int('Simulated delay between a signal and its order reaching the venue, in milliseconds.', {
      minimum: 0,
      maximum: 60000,
      default: 50,
    }),
    partialFills: bool('Whether the paper venue fills large orders in parts against candle volume.', {
      default: true,
    }),
  },
  {
    'x-botcore-type-name': 'ExecutionSpec',
    default: {},
    'x-kubernetes-validations': [
      rule(
        "!has(self.limitOffsetBps) || self.limitOffsetBps == 0 || (has(self.orderType) && self.orderType == 'limit')",
        'limitOffsetBps applies to limit orders only; set orderType to limit or remove it',
        { fieldPath: '.limitOffsetBps' },
      ),
    ],
    'x-botcore-example': {
      orderType: 'limit',
      limitOffsetBps: 5,
      makerFeePercent: '0.02',
      takerFeePercent: '0.04',
      slippageBps: 3,
      latencyMs: 100,
      partialFills: true,
    },
  },
);

const advisor = obj(
  'An OpenAI-compatible language model that reviews each decision before it becomes an order, within a budget.',
  {
    endpoint: str('Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1`.', {
      pattern: '^https?://[^\\s]+$',
      maxLength: 2048,
    }),
    model: str('Model name passed to the API.', { minLength: 1, maxLength: 128 }),
    apiKeySecretRef: obj(
      'Secret key holding the API key.',
      {
        name: str('Name of the Secret.', { pattern: patterns.dnsSubdomain, maxLength: 253 }),
        key: str('Key in the Secret.', { pattern: patterns.configKey, maxLength: 253, default: 'apiKey' }),
      },
      { required: ['name'], 'x-botcore-type-name': 'SecretKeyRef' },
    ),
    role: oneOf(
      '`veto`: the advisor may cancel a decision; `confirm`: a decision needs its approval; `observe`: it is only logged.',
      ['veto', 'confirm', 'observe'] as const,
      { default: 'veto' },
    ),
    timeoutMs: int(
      'How long to wait for an answer; on time-out the decision stands (`veto`, `observe`) or is dropped (`confirm`).',
      {
        minimum: 100,
        maximum: 60000,
        default: 5000,
      },
    ),
    budget: obj(
      'Spending limits; the advisor is skipped for the rest of the UTC day once one is reached.',
      {
        maxRequestsPerDay: int('Most requests per UTC day.', { minimum: 1, maximum: 100000, default: 1000 }),
        maxCostPerDay: positiveDecimal('Most spend per UTC day, in US dollars.', { default: '5' }),
      },
      { default: {}, 'x-botcore-type-name': 'AdvisorBudget' },
    ),
  },
  {
    required: ['endpoint', 'model'],
    'x-botcore-type-name': 'AdvisorSpec',
  },
);

const ai = obj(
  'Optional AI assistance. ONNX models are a strategy type (`spec.strategies[].onnx`); this holds the language-model advisor.',
  { advisor },
  {
    'x-botcore-type-name': 'AiSpec',
    'x-botcore-example': {
      advisor: {
        endpoint: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini',
        apiKeySecretRef: { name: 'openai', key: 'apiKey' },
        role: 'veto',
        budget: { maxRequestsPerDay: 500, maxCostPerDay: '2.50' },
      },
    },
  },
);

const runtime = obj(
  'Overrides for the runtime pods the operator creates for this bot.',
  {
    image: str('Runtime container image; defaults to the image of the operator release.', {
      minLength: 1,
      maxLength: 512,
    }),
    imagePullPolicy: oneOf('Image pull policy of the runtime containers.', [
      'Always',
      'IfNotPresent',
      'Never',
    ] as const),
    logLevel: oneOf('Log level of the runtime.', ['debug', 'info', 'warn', 'error'] as const, {
      default: 'info',
    }),
    resources: obj(
      'Resources of each strategy pod.',
      { cpu: quantity('CPU request and limit.'), memory: quantity('Memory request and limit.') },
      { 'x-botcore-type-name': 'RuntimeResources' },
    ),
    nodeSelector: mapOf(
      'Node labels the runtime pods must be scheduled on.',
      str('A node label value.', { maxLength: 63 }),
      { maxProperties: 16 },
    ),
  },
  {
    'x-botcore-type-name': 'RuntimeSpec',
    default: {},
    'x-botcore-example': {
      logLevel: 'debug',
      resources: { cpu: '250m', memory: '256Mi' },
      nodeSelector: { 'botcore.dev/pool': 'trading' },
    },
  },
);

const statusEndpoint = obj(
  "The bot's status endpoint: JSON API, WebSocket stream and web page for traders.",
  {
    enabled: bool('Serve the status endpoint.', { default: true }),
    port: int('Container port of the endpoint.', { minimum: 1024, maximum: 65535, default: 8080 }),
    auth: oneOf(
      'How clients authenticate: `bearerToken` (a token the operator stores in a Secret) or `none`.',
      ['bearerToken', 'none'] as const,
      { default: 'bearerToken' },
    ),
    host: str('Host name of the gateway route for this bot; none means no route outside the cluster.', {
      pattern: patterns.dnsSubdomain,
      maxLength: 253,
    }),
  },
  {
    'x-botcore-type-name': 'StatusEndpointSpec',
    default: {},
    'x-botcore-example': { enabled: true, port: 8080, auth: 'bearerToken', host: 'rsi-btc.bots.example.com' },
  },
);

export const tradingBotSpec = obj(
  'Desired state of a trading bot.',
  {
    exchange,
    mode: oneOf(
      '`paper` simulates fills on live market data; `live` sends real orders and needs `acknowledgeLiveTrading`, a `riskPolicyRef` and `exchange.credentialsSecretRef`.',
      ['paper', 'live'] as const,
      { default: 'paper', 'x-botcore-example': 'live' },
    ),
    acknowledgeLiveTrading: bool(
      'Must be true for `mode: live`: the explicit acknowledgement that this bot places real orders with real funds.',
      { 'x-botcore-example': true },
    ),
    riskPolicyRef: {
      ...localRef('The RiskPolicy that bounds this bot. Required in live mode.', 'RiskPolicy'),
      'x-botcore-type-name': 'RiskPolicyRef',
      'x-botcore-example': { name: 'conservative' },
    },
    symbols: arr(
      'Trading pairs, `BASE/QUOTE` in upper case (e.g. `BTC/USDT`), each quoted in `capital.currency`. Non-empty and unique.',
      str('A trading pair such as `BTC/USDT`.', { pattern: patterns.symbol, maxLength: 25 }),
      {
        minItems: 1,
        maxItems: maxSymbols,
        'x-kubernetes-list-type': 'set',
        'x-botcore-example': ['BTC/USDT', 'ETH/USDT'],
      },
    ),
    timeframe: oneOf('Candle timeframe the strategies run on.', timeframes, { default: '1m' }),
    marketData,
    capital,
    strategies: arr('The strategies, each in its own runtime pod. Names are unique.', strategy, {
      minItems: 1,
      maxItems: maxStrategies,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-botcore-example': [
        { name: 'rsi-fast', type: 'rsi', weight: '2', rsi: { period: 7, overbought: 75, oversold: 25 } },
        { name: 'trend', type: 'macd', macd: {} },
      ],
    }),
    combine,
    execution,
    ai,
    suspend: bool(
      'Stop trading and scale the runtime to zero while keeping the status; resume by setting false.',
      {
        default: false,
      },
    ),
    runtime,
    statusEndpoint,
  },
  {
    required: ['exchange', 'symbols', 'capital', 'strategies'],
    'x-botcore-type-name': 'TradingBotSpec',
    'x-kubernetes-validations': [
      rule(
        "self.mode != 'live' || (has(self.acknowledgeLiveTrading) && self.acknowledgeLiveTrading)",
        'mode live requires acknowledgeLiveTrading: true',
        { fieldPath: '.acknowledgeLiveTrading', reason: 'FieldValueRequired' },
      ),
      rule("self.mode != 'live' || has(self.riskPolicyRef)", 'mode live requires a riskPolicyRef', {
        fieldPath: '.riskPolicyRef',
        reason: 'FieldValueRequired',
      }),
      rule(
        "self.mode != 'live' || has(self.exchange.credentialsSecretRef)",
        'mode live requires exchange.credentialsSecretRef (a Secret with the API credentials)',
        { fieldPath: '.exchange.credentialsSecretRef', reason: 'FieldValueRequired' },
      ),
      rule(
        "self.mode != 'live' || !has(self.marketData) || !has(self.marketData.source) || self.marketData.source == 'exchange'",
        'mode live trades on exchange market data only; marketData.source must be exchange',
        { fieldPath: '.marketData.source' },
      ),
      rule(
        '!has(self.marketData) || !has(self.marketData.replay) || self.symbols.all(s, self.marketData.replay.files.exists(f, f.symbol == s))',
        'marketData.replay.files needs a file for every symbol of spec.symbols',
        { fieldPath: '.marketData.replay.files' },
      ),
      rule(
        '!has(self.marketData) || !has(self.marketData.replay) || self.marketData.replay.files.all(f, f.symbol in self.symbols)',
        'every marketData.replay.files[].symbol must be one of spec.symbols',
        { fieldPath: '.marketData.replay.files' },
      ),
      rule(
        "self.symbols.all(s, s.endsWith('/' + self.capital.currency))",
        'every symbol must be quoted in capital.currency',
        {
          fieldPath: '.symbols',
          messageExpression:
            "'every symbol must be quoted in capital.currency ' + self.capital.currency + ', e.g. BTC/' + self.capital.currency",
        },
      ),
      rule(
        'self.strategies.all(s, !has(s.symbols) || s.symbols.all(x, x in self.symbols))',
        'strategies[].symbols must be a subset of spec.symbols',
        { fieldPath: '.strategies' },
      ),
    ],
  },
);

export const tradingBotStatus = obj(
  'Observed state of the bot, written by the operator and the runtime through the status subresource.',
  {
    observedGeneration: int('The `.metadata.generation` this status was computed from.', {
      format: 'int64',
      minimum: 0,
    }),
    phase: oneOf('Summary of the lifecycle.', botPhases),
    conditions: conditions(
      'Conditions: `Ready`, `RiskPolicyBound`, `MarketDataLive`, `StrategiesReady` and others.',
    ),
    endpoint: str('URL of the status endpoint.', { maxLength: 2048 }),
    currency: str('Currency of the money figures below.', { pattern: patterns.currency, maxLength: 12 }),
    equity: signedDecimal('Current equity: cash plus the marked value of open positions.'),
    pnlToday: signedDecimal('Realised and unrealised profit and loss since 00:00 UTC.'),
    pnlTotal: signedDecimal('Profit and loss since the bot started.'),
    openPositions: int('Number of open positions.', { minimum: 0, format: 'int32' }),
    tradesToday: int('Number of fills since 00:00 UTC.', { minimum: 0, format: 'int32' }),
    positions: arr(
      'Open positions, one per symbol.',
      obj(
        'An open position.',
        {
          symbol: str('Trading pair.', { pattern: patterns.symbol, maxLength: 25 }),
          side: oneOf('Direction of the position.', ['long', 'short'] as const),
          quantity: decimal('Size in the base asset.'),
          entryPrice: decimal('Average entry price in the quote currency.'),
          unrealizedPnl: signedDecimal('Unrealised profit and loss at the last price.'),
        },
        { required: ['symbol', 'side', 'quantity', 'entryPrice'], 'x-botcore-type-name': 'PositionStatus' },
      ),
      { maxItems: maxSymbols, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['symbol'] },
    ),
    risk: obj(
      'State of the risk engine for this bot.',
      {
        state: oneOf(
          '`Active` trades normally, `Reducing` only closes positions, `CoolingDown` waits after consecutive losses, `Halted` stops trading.',
          ['Active', 'Reducing', 'CoolingDown', 'Halted'] as const,
        ),
        reason: str('Why the state is not `Active`.', { maxLength: 1024 }),
        until: str('When the state ends by itself, if it does (RFC 3339).', { format: 'date-time' }),
        dailyLossPercent: decimal("Today's loss as a percentage of the day's starting equity."),
      },
      { 'x-botcore-type-name': 'RiskStatus' },
    ),
    strategies: arr(
      'Readiness of each strategy.',
      obj(
        'Readiness of one strategy.',
        {
          name: str('Name of the strategy in `spec.strategies`.', { maxLength: 22 }),
          type: oneOf('Type of the strategy.', strategyTypes),
          ready: bool('Whether its runtime pod runs and its indicators are warm.'),
          lastSignal: oneOf('The last signal it emitted.', ['buy', 'sell', 'hold'] as const),
          lastSignalTime: str('When it emitted the last signal (RFC 3339).', { format: 'date-time' }),
          message: str('Why it is not ready, if it is not.', { maxLength: 1024 }),
        },
        { required: ['name', 'ready'], 'x-botcore-type-name': 'StrategyStatus' },
      ),
      { maxItems: maxStrategies, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
    ),
    lastUpdateTime: str('When the runtime last reported figures (RFC 3339).', { format: 'date-time' }),
  },
  { 'x-botcore-type-name': 'TradingBotStatus' },
);

export const tradingBot: KindDefinition = {
  group: 'trading.botcore.dev',
  version: 'v1alpha1',
  kind: 'TradingBot',
  plural: 'tradingbots',
  singular: 'tradingbot',
  listKind: 'TradingBotList',
  shortNames: ['tb'],
  categories: ['trading', 'botcore'],
  description:
    'TradingBot runs one crypto trading bot: its exchange, symbols, strategies and how they combine, in paper or live mode, bounded by a RiskPolicy.',
  spec: tradingBotSpec,
  status: tradingBotStatus,
  // The name is a DNS-1035 label of at most 40 characters: it names the Service of the
  // status endpoint, and `<bot>-<strategy>` (at most 63 characters) the workloads.
  name: { type: 'string', maxLength: 40, pattern: patterns.dns1035Label },
  printerColumns: [
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'paper or live' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase' },
    { name: 'Equity', type: 'string', jsonPath: '.status.equity', description: 'Current equity' },
    {
      name: 'PnL-Today',
      type: 'string',
      jsonPath: '.status.pnlToday',
      description: 'Profit and loss since 00:00 UTC',
    },
    {
      name: 'Trades-Today',
      type: 'integer',
      jsonPath: '.status.tradesToday',
      description: 'Fills today',
    },
    {
      name: 'Ready',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
      description: 'Ready condition',
    },
    {
      name: 'Exchange',
      type: 'string',
      jsonPath: '.spec.exchange.name',
      description: 'Exchange',
      priority: 1,
    },
    {
      name: 'Timeframe',
      type: 'string',
      jsonPath: '.spec.timeframe',
      description: 'Candle timeframe',
      priority: 1,
    },
    {
      name: 'Positions',
      type: 'integer',
      jsonPath: '.status.openPositions',
      description: 'Open positions',
      priority: 1,
    },
    {
      name: 'Risk',
      type: 'string',
      jsonPath: '.status.risk.state',
      description: 'Risk engine state',
      priority: 1,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age' },
  ],
};
