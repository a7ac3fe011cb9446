// GET /api/v1/positions: the open positions, one per symbol.
import { type Static, Type } from 'typebox';
import { DecimalString, SignedDecimalString, StringEnum } from './common.ts';

export const PositionSchema = Type.Object(
  {
    symbol: Type.String({ description: 'Trading pair.' }),
    side: StringEnum(['long', 'short']),
    quantity: DecimalString('Size in the base asset.'),
    entryPrice: DecimalString('Average entry price in the quote currency.'),
    markPrice: Type.Optional(DecimalString('The price the position is marked at.')),
    unrealizedPnl: Type.Optional(SignedDecimalString('Unrealised profit and loss at the mark.')),
    realizedPnl: Type.Optional(SignedDecimalString('Realised profit and loss of this position.')),
  },
  { additionalProperties: false },
);

export const PositionsResponse = Type.Object(
  { items: Type.Array(PositionSchema) },
  { additionalProperties: false, description: 'Open positions.' },
);
export type PositionsResponse = Static<typeof PositionsResponse>;
