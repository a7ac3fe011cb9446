// Messages of the WebSocket stream /api/v1/stream, one JSON object per frame.
// The first is `hello` (the bot and its status); then one per change.
import { Type } from 'typebox';
import { BotRefSchema } from './common.ts';
import { EquityPointSchema } from './equity.ts';
import { PositionSchema } from './positions.ts';
import { BotStatusSchema } from './status.ts';
import { TradeSchema } from './trades.ts';

/** The subprotocol the server speaks; a browser passes its token as a second one, `bearer.<token>`. */
export const STREAM_PROTOCOL = 'botcore.v1';
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

export const StreamHello = Type.Object(
  { type: Type.Literal('hello'), bot: BotRefSchema, status: BotStatusSchema },
  { additionalProperties: false },
);
export const StreamStatus = Type.Object(
  { type: Type.Literal('status'), status: BotStatusSchema },
  { additionalProperties: false },
);
export const StreamPositions = Type.Object(
  { type: Type.Literal('positions'), positions: Type.Array(PositionSchema) },
  { additionalProperties: false },
);
export const StreamTrade = Type.Object(
  { type: Type.Literal('trade'), trade: TradeSchema },
  { additionalProperties: false },
);
export const StreamEquity = Type.Object(
  { type: Type.Literal('equity'), point: EquityPointSchema },
  { additionalProperties: false },
);
