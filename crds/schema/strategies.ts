import { arr, int, num, obj, oneOf, patterns, positiveDecimal, rule, str } from './builders.ts';
import type { JSONSchemaProps, ValidationRule } from './json-schema.ts';

// A strategy is a Kubernetes-style union: `type` names the kind and the member
// of the same name holds its parameters. Each member has its own defaults and
// bounds, so the API server itself rejects an RSI period of 0 or 10,000.

export const strategyTypes = ['rsi', 'macd', 'bollinger', 'volume', 'stochastic', 'onnx'] as const;
export type StrategyType = (typeof strategyTypes)[number];

const rsi = obj(
  'Parameters of the Relative Strength Index strategy: buy when RSI crosses up through `oversold`, sell when it crosses down through `overbought`.',
  {
    period: int('Look-back period in candles.', { minimum: 2, maximum: 500, default: 14 }),
    overbought: num(
      'RSI level (0-100) above which the market is overbought; a cross down through it is a sell signal.',
      {
        minimum: 50,
        maximum: 100,
        default: 70,
      },
    ),
    oversold: num(
      'RSI level (0-100) below which the market is oversold; a cross up through it is a buy signal.',
      {
        minimum: 0,
        maximum: 50,
        default: 30,
      },
    ),
  },
  {
    'x-botcore-type-name': 'RsiParams',
    'x-kubernetes-validations': [
      rule('self.oversold < self.overbought', 'oversold must be lower than overbought', {
        fieldPath: '.oversold',
      }),
    ],
    'x-botcore-example': { period: 14, overbought: 70, oversold: 30 },
  },
);

const macd = obj(
  'Parameters of the Moving Average Convergence Divergence strategy: buy when the MACD line crosses above its signal line, sell when it crosses below.',
  {
    fastPeriod: int('Period of the fast exponential moving average, in candles.', {
      minimum: 2,
      maximum: 200,
      default: 12,
    }),
    slowPeriod: int('Period of the slow exponential moving average, in candles.', {
      minimum: 3,
      maximum: 500,
      default: 26,
    }),
    signalPeriod: int('Period of the signal line (an EMA of the MACD line), in candles.', {
      minimum: 2,
      maximum: 200,
      default: 9,
    }),
  },
  {
    'x-botcore-type-name': 'MacdParams',
    'x-kubernetes-validations': [
      rule('self.fastPeriod < self.slowPeriod', 'fastPeriod must be lower than slowPeriod', {
        fieldPath: '.fastPeriod',
      }),
    ],
    'x-botcore-example': { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 },
  },
);

const bollinger = obj(
  'Parameters of the Bollinger Bands strategy.',
  {
    period: int('Period of the middle band (a simple moving average), in candles.', {
      minimum: 2,
      maximum: 500,
      default: 20,
    }),
    stdDev: num('Width of the bands in standard deviations, greater than 0 and at most 5.', {
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 5,
      default: 2,
    }),
    mode: oneOf(
      '`meanReversion` buys at the lower band and sells at the upper band; `breakout` buys a close above the upper band and sells a close below the lower band.',
      ['meanReversion', 'breakout'] as const,
      { default: 'meanReversion' },
    ),
  },
  {
    'x-botcore-type-name': 'BollingerParams',
    'x-botcore-example': { period: 20, stdDev: 2, mode: 'meanReversion' },
  },
);

const volume = obj(
  'Parameters of the volume strategy: a candle whose volume exceeds `spikeMultiplier` times the average volume signals in the direction of the candle.',
  {
    period: int('Period of the average volume, in candles.', { minimum: 2, maximum: 500, default: 20 }),
    spikeMultiplier: num('How many times the average volume a candle needs to count as a spike.', {
      minimum: 1,
      exclusiveMinimum: true,
      maximum: 50,
      default: 2,
    }),
    minPriceChangePercent: num(
      'Smallest body of the spike candle, as a percentage of its open, for it to signal (0 signals on any spike).',
      { minimum: 0, maximum: 50, default: 0.5 },
    ),
  },
  {
    'x-botcore-type-name': 'VolumeParams',
    'x-botcore-example': { period: 20, spikeMultiplier: 2.5, minPriceChangePercent: 0.5 },
  },
);

const stochastic = obj(
  'Parameters of the stochastic oscillator strategy: buy when %K crosses above %D below `oversold`, sell when it crosses below %D above `overbought`.',
  {
    kPeriod: int('Look-back period of %K, in candles.', { minimum: 2, maximum: 200, default: 14 }),
    dPeriod: int('Smoothing period of %D (a moving average of %K), in candles.', {
      minimum: 1,
      maximum: 50,
      default: 3,
    }),
    overbought: num('Level (0-100) above which the market is overbought.', {
      minimum: 50,
      maximum: 100,
      default: 80,
    }),
    oversold: num('Level (0-100) below which the market is oversold.', {
      minimum: 0,
      maximum: 50,
      default: 20,
    }),
  },
  {
    'x-botcore-type-name': 'StochasticParams',
    'x-kubernetes-validations': [
      rule('self.oversold < self.overbought', 'oversold must be lower than overbought', {
        fieldPath: '.oversold',
      }),
    ],
    'x-botcore-example': { kPeriod: 14, dPeriod: 3, overbought: 80, oversold: 20 },
  },
);

const onnxFeatures = ['open', 'high', 'low', 'close', 'volume', 'returns', 'logReturns'] as const;

const onnx = obj(
  'Parameters of a strategy that runs an ONNX model. The model takes a window of candle features and outputs the probability that the price goes up.',
  {
    model: obj(
      'Where the ONNX model file comes from: exactly one of `configMapRef` and `path`.',
      {
        configMapRef: obj(
          'A key of a ConfigMap (in `binaryData`) in the bot namespace that holds the model.',
          {
            name: str('Name of the ConfigMap.', { pattern: patterns.dnsSubdomain, maxLength: 253 }),
            key: str('Key of the model in the ConfigMap.', {
              pattern: patterns.configKey,
              maxLength: 253,
              default: 'model.onnx',
            }),
          },
          { required: ['name'], 'x-botcore-type-name': 'ConfigMapKeyRef' },
        ),
        path: str('Absolute path of the model file inside the runtime container or on the local machine.', {
          pattern: '^/.*\\.onnx$',
          maxLength: 1024,
        }),
      },
      {
        'x-botcore-type-name': 'OnnxModelSource',
        'x-kubernetes-validations': [
          rule(
            'has(self.configMapRef) != has(self.path)',
            'exactly one of model.configMapRef and model.path must be set',
          ),
        ],
      },
    ),
    inputWindow: int('Number of most recent candles fed to the model.', {
      minimum: 1,
      maximum: 4096,
      default: 64,
    }),
    features: arr(
      'Candle features fed to the model, in this order.',
      oneOf('A candle feature.', onnxFeatures),
      { minItems: 1, maxItems: 7, 'x-kubernetes-list-type': 'set', default: ['close'] },
    ),
    buyThreshold: num('Probability (0-1) at or above which the model signals buy.', {
      minimum: 0,
      maximum: 1,
      default: 0.6,
    }),
    sellThreshold: num('Probability (0-1) at or below which the model signals sell.', {
      minimum: 0,
      maximum: 1,
      default: 0.4,
    }),
  },
  {
    'x-botcore-type-name': 'OnnxParams',
    required: ['model'],
    'x-kubernetes-validations': [
      rule('self.sellThreshold < self.buyThreshold', 'sellThreshold must be lower than buyThreshold', {
        fieldPath: '.sellThreshold',
      }),
    ],
    'x-botcore-example': {
      model: { configMapRef: { name: 'btc-direction-model', key: 'model.onnx' } },
      inputWindow: 64,
      features: ['close', 'volume'],
      buyThreshold: 0.6,
      sellThreshold: 0.4,
    },
  },
);

export const strategyParams: Record<StrategyType, JSONSchemaProps> = {
  rsi,
  macd,
  bollinger,
  volume,
  stochastic,
  onnx,
};

/** The member named by `type` is required, and no other member may be set. */
function unionRules(): ValidationRule[] {
  const rules: ValidationRule[] = [];
  for (const t of strategyTypes) {
    rules.push(
      rule(
        `self.type != '${t}' || has(self.${t})`,
        `type ${t} requires the ${t} parameters (use {} for the defaults)`,
        {
          fieldPath: `.${t}`,
          reason: 'FieldValueRequired',
        },
      ),
      rule(`self.type == '${t}' || !has(self.${t})`, `${t} parameters are only allowed when type is ${t}`, {
        fieldPath: `.${t}`,
        reason: 'FieldValueForbidden',
      }),
    );
  }
  return rules;
}

export const maxStrategies = 16;
export const maxSymbols = 20;

export const strategy = obj(
  'One strategy of the bot. It runs in its own runtime pod and emits buy, sell or hold signals that `spec.combine` merges into orders.',
  {
    name: str(
      'Unique name of the strategy in this bot: a DNS-1035 label (lower case, starts with a letter) of at most 22 characters, so that `<bot>-<strategy>` names its workload and Service.',
      { pattern: patterns.dns1035Label, maxLength: 22 },
    ),
    type: oneOf('The kind of strategy; the member of the same name holds its parameters.', strategyTypes),
    weight: positiveDecimal('Weight of this strategy in a `weightedVote` combination, e.g. "2" or "0.5".', {
      default: '1',
    }),
    symbols: arr(
      'Symbols this strategy trades, a subset of `spec.symbols`. Omitted means all of them.',
      str('A symbol from `spec.symbols`.', { pattern: patterns.symbol, maxLength: 25 }),
      { minItems: 1, maxItems: maxSymbols, 'x-kubernetes-list-type': 'set' },
    ),
    ...Object.fromEntries(
      strategyTypes.map((t) => [
        t,
        {
          ...strategyParams[t],
          description: `${strategyParams[t].description} Required with \`type: ${t}\` and allowed with no other type; \`{}\` selects the defaults.`,
        },
      ]),
    ),
  },
  {
    'x-botcore-type-name': 'Strategy',
    required: ['name', 'type'],
    'x-kubernetes-validations': unionRules(),
  },
);
