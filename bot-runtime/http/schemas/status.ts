// GET /api/v1/status: the bot's figures, the fields of TradingBot.status that
// a trader watches (see docs/api.md), plus the bot it is and its mode.
import { type Static, Type } from 'typebox';
import { BotRefSchema, DateTime, DecimalString, SignedDecimalString, StringEnum } from './common.ts';

export const RiskSchema = Type.Object(
  {
    state: StringEnum(['Active', 'Reducing', 'CoolingDown', 'Halted'], {
      description: '`Active` trades, `Reducing` only closes, `CoolingDown` waits, `Halted` stops.',
    }),
    reason: Type.Optional(Type.String({ description: 'Why the state is not `Active`.' })),
    until: Type.Optional(DateTime('When the state ends by itself, if it does.')),
    dailyLossPercent: Type.Optional(DecimalString("Today's loss in percent of the day's starting equity.")),
  },
  { additionalProperties: false },
);

export const StrategySchema = Type.Object(
  {
    name: Type.String(),
    type: Type.Optional(StringEnum(['rsi', 'macd', 'bollinger', 'volume', 'stochastic', 'onnx'])),
    ready: Type.Boolean(),
    lastSignal: Type.Optional(StringEnum(['buy', 'sell', 'hold'])),
    lastSignalTime: Type.Optional(DateTime('When it emitted the last signal.')),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const BotStatusSchema = Type.Object(
  {
    bot: BotRefSchema,
    mode: StringEnum(['paper', 'live']),
    phase: StringEnum(['Pending', 'Starting', 'Running', 'Suspended', 'Halted', 'Degraded', 'Failed']),
    currency: Type.String({ description: 'Currency of the money figures.' }),
    equity: SignedDecimalString('Cash plus the marked value of open positions.'),
    pnlToday: SignedDecimalString('Profit and loss since 00:00 UTC.'),
    pnlTotal: SignedDecimalString('Profit and loss since the bot started.'),
    openPositions: Type.Integer({ minimum: 0 }),
    tradesToday: Type.Integer({ minimum: 0, description: 'Fills since 00:00 UTC.' }),
    risk: RiskSchema,
    strategies: Type.Array(StrategySchema),
    lastUpdateTime: DateTime('When the figures last changed.'),
  },
  { additionalProperties: false, description: 'The status of one bot.' },
);
export type BotStatusBody = Static<typeof BotStatusSchema>;
