// GET /api/v1/trades: the bot's fills, newest first, in pages.
import { type Static, Type } from 'typebox';
import { DateTime, DecimalString, SignedDecimalString, StringEnum } from './common.ts';

export const TRADES_MAX_LIMIT = 500;

export const TradesQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: TRADES_MAX_LIMIT, default: 50, description: 'Page size.' }),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9_-]+$',
        description: "The previous page's `nextCursor`; absent: the newest trades.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type TradesQuery = Static<typeof TradesQuery>;

export const TradeSchema = Type.Object(
  {
    id: Type.String({ description: "The venue's trade id." }),
    orderId: Type.String(),
    symbol: Type.String(),
    side: StringEnum(['buy', 'sell']),
    quantity: DecimalString('Filled quantity in the base asset.'),
    price: DecimalString('Fill price in the quote currency.'),
    fee: DecimalString('Commission charged.'),
    feeCurrency: Type.String(),
    liquidity: StringEnum(['maker', 'taker']),
    time: DateTime('When it filled.'),
    realizedPnl: Type.Optional(SignedDecimalString('Profit and loss this fill realised.')),
  },
  { additionalProperties: false },
);

export const TradesResponse = Type.Object(
  {
    items: Type.Array(TradeSchema),
    nextCursor: Type.Optional(Type.String({ description: 'Present while older trades remain.' })),
  },
  { additionalProperties: false, description: 'A page of trades, newest first.' },
);
export type TradesResponse = Static<typeof TradesResponse>;
