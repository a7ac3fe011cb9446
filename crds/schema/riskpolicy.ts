import {
  arr,
  bool,
  conditions,
  int,
  obj,
  oneOf,
  patterns,
  percent,
  positiveDecimal,
  rule,
  str,
} from './builders.ts';
import type { KindDefinition } from './json-schema.ts';

export const riskRules = [
  'maxDailyLoss',
  'cooldown',
  'maxPositionSize',
  'maxCorrelatedExposure',
  'maxOpenPositions',
  'maxDrawdown',
  'pairLock',
  'maxOrderRate',
  'halt',
] as const;

/**
 * CEL for `self.a <= self.b` on two percentage strings. It holds when either
 * is absent (the API server also checks rules on unmerged defaults) or not a
 * number (the field's own pattern reports that), so it never fails to evaluate.
 */
function atMost(a: string, b: string): string {
  const number = (f: string) => `self.${f}.matches('^[0-9]+(\\\\.[0-9]+)?$')`;
  return `!has(self.${a}) || !has(self.${b}) || !${number(a)} || !${number(b)} || double(self.${a}) <= double(self.${b})`;
}

export const riskPolicySpec = obj(
  'Limits that bound every TradingBot referring to this policy. Every field has a default, so `spec: {}` is the documented default policy.',
  {
    maxDailyLossPercent: percent(
      "Largest loss in a UTC day as a percentage of the day's starting equity; reaching it halts the bot until 00:00 UTC.",
      { default: '5' },
    ),
    cooldown: obj(
      'Pause after a run of losing trades.',
      {
        consecutiveLosses: int('Number of consecutive losing trades that starts a cooldown.', {
          minimum: 1,
          maximum: 100,
          default: 5,
        }),
        minutes: int('Length of the cooldown in minutes.', { minimum: 1, maximum: 10080, default: 60 }),
      },
      {
        default: {},
        'x-botcore-type-name': 'CooldownSpec',
        'x-botcore-example': { consecutiveLosses: 3, minutes: 120 },
      },
    ),
    maxPositionSizePercent: percent('Largest position in one symbol as a percentage of equity.', {
      default: '25',
    }),
    maxPositionNotional: positiveDecimal(
      'Optional absolute cap on one position, in the quote currency of the bot; applies with `maxPositionSizePercent`.',
      { 'x-botcore-example': '2500' },
    ),
    riskPerTradePercent: percent(
      'Share of equity risked per trade (entry to stop-loss), used to size positions. At most `maxDailyLossPercent`.',
      { default: '2' },
    ),
    stopLossPercent: percent('Distance of the protective stop-loss from the entry price.', { default: '2' }),
    maxCorrelatedExposurePercent: percent(
      'Largest total exposure in one direction across correlated symbols, as a percentage of equity.',
      { default: '70' },
    ),
    maxOpenPositions: int('Most positions open at once per bot.', { minimum: 1, maximum: 1000, default: 5 }),
    maxDrawdownPercent: percent(
      'Largest drop of equity from its peak; reaching it halts the bot until the policy is changed.',
      { default: '20' },
    ),
    pairLock: obj(
      'Lock a symbol after stop-losses on it.',
      {
        stopLosses: int('Number of stop-losses on one symbol within `minutes` that locks it.', {
          minimum: 1,
          maximum: 100,
          default: 2,
        }),
        minutes: int('Length of the window and of the lock, in minutes.', {
          minimum: 1,
          maximum: 10080,
          default: 60,
        }),
      },
      {
        default: {},
        'x-botcore-type-name': 'PairLockSpec',
        'x-botcore-example': { stopLosses: 1, minutes: 240 },
      },
    ),
    maxOrdersPerMinute: int('Most orders per minute per bot.', { minimum: 1, maximum: 6000, default: 60 }),
    halt: bool(
      'Emergency stop: when true every bot bound to this policy cancels its orders and stops trading within seconds.',
      { default: false, 'x-botcore-example': true },
    ),
    haltReason: str(
      'Why the policy is halted; shown in the status of the bound bots. Only while `halt` is true.',
      {
        maxLength: 1024,
        'x-botcore-example': 'Exchange incident; trading stopped by the on-call engineer.',
      },
    ),
  },
  {
    default: {},
    'x-botcore-type-name': 'RiskPolicySpec',
    'x-kubernetes-validations': [
      rule(
        atMost('riskPerTradePercent', 'maxDailyLossPercent'),
        'riskPerTradePercent must not exceed maxDailyLossPercent',
        { fieldPath: '.riskPerTradePercent' },
      ),
      rule(
        atMost('maxPositionSizePercent', 'maxCorrelatedExposurePercent'),
        'maxPositionSizePercent must not exceed maxCorrelatedExposurePercent',
        { fieldPath: '.maxPositionSizePercent' },
      ),
      rule(
        '(has(self.halt) && self.halt) || !has(self.haltReason)',
        'haltReason is only allowed while halt is true',
        {
          fieldPath: '.haltReason',
          reason: 'FieldValueForbidden',
        },
      ),
    ],
  },
);

export const riskPolicyStatus = obj(
  'Observed state of the policy, written by the operator through the status subresource.',
  {
    observedGeneration: int('The `.metadata.generation` this status was computed from.', {
      format: 'int64',
      minimum: 0,
    }),
    conditions: conditions('Conditions: `Ready`, `Halted` and others.'),
    boundBots: int('Number of TradingBots that refer to this policy.', { minimum: 0, format: 'int32' }),
    bots: arr(
      'Names of the TradingBots that refer to this policy.',
      str('A TradingBot name.', { maxLength: 253 }),
      {
        maxItems: 1000,
        'x-kubernetes-list-type': 'set',
      },
    ),
    halted: bool('Whether the bound bots are halted, by `spec.halt` or by a breach.'),
    lastBreach: obj(
      'The most recent time a bot hit one of the limits.',
      {
        bot: str('Name of the TradingBot.', { pattern: patterns.dnsSubdomain, maxLength: 253 }),
        rule: oneOf('The limit that was hit.', riskRules),
        time: str('When (RFC 3339).', { format: 'date-time' }),
        message: str('What happened, with the figures.', { maxLength: 1024 }),
      },
      { required: ['bot', 'rule', 'time'], 'x-botcore-type-name': 'RiskBreach' },
    ),
  },
  { 'x-botcore-type-name': 'RiskPolicyStatus' },
);

export const riskPolicy: KindDefinition = {
  group: 'trading.botcore.dev',
  version: 'v1alpha1',
  kind: 'RiskPolicy',
  plural: 'riskpolicies',
  singular: 'riskpolicy',
  listKind: 'RiskPolicyList',
  shortNames: ['rp'],
  categories: ['trading', 'botcore'],
  description:
    'RiskPolicy bounds what the TradingBots referring to it may do: daily loss, drawdown, position sizing, exposure, order rate, and an emergency halt.',
  spec: riskPolicySpec,
  status: riskPolicyStatus,
  printerColumns: [
    {
      name: 'Bound',
      type: 'integer',
      jsonPath: '.status.boundBots',
      description: 'Bots bound to this policy',
    },
    { name: 'Halt', type: 'boolean', jsonPath: '.spec.halt', description: 'Emergency halt requested' },
    { name: 'Halted', type: 'boolean', jsonPath: '.status.halted', description: 'Bound bots are halted' },
    {
      name: 'Max-Daily-Loss',
      type: 'string',
      jsonPath: '.spec.maxDailyLossPercent',
      description: 'Max daily loss (%)',
      priority: 1,
    },
    {
      name: 'Max-Drawdown',
      type: 'string',
      jsonPath: '.spec.maxDrawdownPercent',
      description: 'Max drawdown (%)',
      priority: 1,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age' },
  ],
};
