// JSON schemas of the runtime contract, built from the same pieces as the CRDs
// so a strategy or an execution model means the same thing in both.
import { arr, bool, int, obj, oneOf, patterns, str } from '../schema/builders.ts';
import type { JSONSchemaProps } from '../schema/json-schema.ts';
import { riskPolicySpec, riskRules } from '../schema/riskpolicy.ts';
import { tradingBotSpec } from '../schema/tradingbot.ts';
import { runtimeConfigVersion, runtimeRoles } from './types.ts';

function specField(name: string): JSONSchemaProps {
  const field = tradingBotSpec.properties?.[name];
  if (field === undefined) throw new Error(`TradingBot spec has no field ${name}`);
  return field;
}

const url = (description: string) =>
  str(description, { minLength: 1, maxLength: 2048, pattern: '^[a-z][a-z0-9+.-]*://' });
const exchangeName = specField('exchange').properties?.name ?? str('Exchange identifier.');
const advisor = specField('ai').properties?.advisor;

export const runtimeConfigSchema: JSONSchemaProps = obj(
  'The runtime configuration of one bot, rendered by the operator into `config.json`.',
  {
    version: oneOf('Version of this contract.', [runtimeConfigVersion]),
    bot: obj(
      'The TradingBot this runtime belongs to.',
      {
        name: str('Name of the TradingBot.', { minLength: 1, maxLength: 253 }),
        namespace: str('Namespace of the TradingBot.', { minLength: 1, maxLength: 63 }),
        uid: str('UID of the TradingBot.', { maxLength: 64 }),
      },
      { required: ['name', 'namespace', 'uid'] },
    ),
    mode: specField('mode'),
    exchange: obj(
      'The exchange, without credentials (they come as environment variables from the Secret).',
      { name: exchangeName, testnet: bool('Testnet endpoints.') },
      { required: ['name', 'testnet'] },
    ),
    symbols: specField('symbols'),
    timeframe: specField('timeframe'),
    marketData: specField('marketData'),
    capital: specField('capital'),
    strategies: specField('strategies'),
    ensemble: specField('combine'),
    execution: specField('execution'),
    ...(advisor === undefined
      ? {}
      : {
          advisor: obj(
            'The language-model advisor, without its key (an environment variable).',
            {
              endpoint: advisor.properties?.endpoint ?? str('Endpoint.'),
              model: advisor.properties?.model ?? str('Model.'),
              role: advisor.properties?.role ?? str('Role.'),
              timeoutMs: advisor.properties?.timeoutMs ?? int('Timeout.'),
              budget: advisor.properties?.budget ?? obj('Budget.', {}),
            },
            { required: ['endpoint', 'model', 'role', 'timeoutMs', 'budget'] },
          ),
        }),
    riskPolicy: obj(
      'The RiskPolicy the bot refers to; its spec is in `risk-policy.json`.',
      {
        name: str('Name of the RiskPolicy.', {
          minLength: 1,
          maxLength: 253,
          pattern: patterns.dnsSubdomain,
        }),
      },
      { required: ['name'] },
    ),
    connections: obj(
      'Where the shared services are (from the operator flags).',
      {
        nats: obj('NATS.', { url: url('NATS URL.') }, { required: ['url'] }),
        redis: obj('Redis.', { url: url('Redis URL.') }, { required: ['url'] }),
        mongodb: obj('MongoDB.', { url: url('MongoDB URL.') }, { required: ['url'] }),
      },
      { required: ['nats'] },
    ),
    subjects: obj(
      'NATS subjects of this bot.',
      {
        control: str('Request/reply control subject of the executor.', { minLength: 1, maxLength: 512 }),
        status: str('Subject the executor publishes reports on.', { minLength: 1, maxLength: 512 }),
      },
      { required: ['control', 'status'] },
    ),
    health: obj(
      'Health probes.',
      { port: int('Port of /healthz, /readyz and /metrics.', { minimum: 1024, maximum: 65535 }) },
      { required: ['port'] },
    ),
    statusEndpoint: obj(
      "The executor's status endpoint.",
      {
        port: int('Container port.', { minimum: 1024, maximum: 65535 }),
        auth: oneOf('Authentication.', ['bearerToken', 'none']),
      },
      { required: ['port', 'auth'] },
    ),
    logLevel: oneOf('Log level.', ['debug', 'info', 'warn', 'error']),
  },
  {
    required: [
      'version',
      'bot',
      'mode',
      'exchange',
      'symbols',
      'timeframe',
      'marketData',
      'capital',
      'strategies',
      'ensemble',
      'execution',
      'connections',
      'subjects',
      'health',
      'logLevel',
    ],
  },
);

export const riskPolicyDocumentSchema: JSONSchemaProps = obj(
  'The current spec of the RiskPolicy a bot refers to (`risk-policy.json`).',
  {
    name: str('Name of the RiskPolicy.', { minLength: 1, maxLength: 253 }),
    generation: int('metadata.generation it was taken from.', { minimum: 0 }),
    spec: riskPolicySpec,
  },
  { required: ['name', 'generation', 'spec'] },
);

const decimal = (description: string) => str(description, { maxLength: 41, pattern: patterns.signedDecimal });

export const runtimeReportSchema: JSONSchemaProps = obj(
  'What the executor reports on `botcore.<namespace>.<bot>.status`.',
  {
    time: str('When (RFC 3339).', { format: 'date-time' }),
    healthy: bool('Whether every role runs, is connected and warm.'),
    message: str('Why not healthy.', { maxLength: 1024 }),
    currency: str('Currency of the money figures.', { pattern: patterns.currency }),
    equity: decimal('Equity.'),
    pnlToday: decimal('PnL since 00:00 UTC.'),
    pnlTotal: decimal('PnL since start.'),
    openPositions: int('Open positions.', { minimum: 0 }),
    tradesToday: int('Fills since 00:00 UTC.', { minimum: 0 }),
    positions: arr(
      'Open positions.',
      obj(
        'A position.',
        {
          symbol: str('Pair.', { pattern: patterns.symbol }),
          side: oneOf('Side.', ['long', 'short']),
          quantity: str('Quantity.', { pattern: patterns.decimal }),
          entryPrice: str('Entry price.', { pattern: patterns.decimal }),
          unrealizedPnl: decimal('Unrealised PnL.'),
        },
        { required: ['symbol', 'side', 'quantity', 'entryPrice'] },
      ),
      { maxItems: 20 },
    ),
    risk: obj('Risk engine state.', {
      state: oneOf('State.', ['Active', 'Reducing', 'CoolingDown', 'Halted']),
      reason: str('Reason.', { maxLength: 1024 }),
      until: str('Until (RFC 3339).', { format: 'date-time' }),
      dailyLossPercent: str('Daily loss %.', { pattern: patterns.decimal }),
    }),
    lastBreach: obj(
      'The most recent time the risk engine hit a limit.',
      {
        rule: oneOf('The limit.', riskRules),
        time: str('When (RFC 3339).', { format: 'date-time' }),
        message: str('What happened, with the figures.', { maxLength: 1024 }),
      },
      { required: ['rule', 'time'] },
    ),
    policy: obj(
      'The RiskPolicy the executor applies now.',
      {
        name: str('Name of the RiskPolicy.', { minLength: 1, maxLength: 253 }),
        generation: int('Its metadata.generation.', { minimum: 0 }),
      },
      { required: ['name', 'generation'] },
    ),
    strategies: arr(
      'Per strategy.',
      obj(
        'One strategy.',
        {
          name: str('Name.', { maxLength: 22 }),
          ready: bool('Ready.'),
          lastSignal: oneOf('Last signal.', ['buy', 'sell', 'hold']),
          lastSignalTime: str('When (RFC 3339).', { format: 'date-time' }),
          message: str('Why not ready.', { maxLength: 1024 }),
        },
        { required: ['name', 'ready'] },
      ),
      { maxItems: 16 },
    ),
  },
  { required: ['time', 'healthy'] },
);

export const roleSchema: JSONSchemaProps = oneOf('Runtime role.', runtimeRoles);
