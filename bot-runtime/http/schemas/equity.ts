// GET /api/v1/equity: the equity curve, optionally over a window and in buckets.
import { type Static, Type } from 'typebox';
import { SignedDecimalString } from './common.ts';

export const EQUITY_MAX_POINTS = 10_000;

export const EquityQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (RFC 3339), inclusive.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (RFC 3339), inclusive.' })),
    step: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 30 * 86_400,
        description: 'Bucket width in seconds; the last point of each bucket is kept.',
      }),
    ),
    limit: Type.Integer({
      minimum: 2,
      maximum: EQUITY_MAX_POINTS,
      default: 1000,
      description: 'Most points; the step widens to stay under it.',
    }),
  },
  { additionalProperties: false },
);
export type EquityQuery = Static<typeof EquityQuery>;

export const EquityPointSchema = Type.Object(
  {
    t: Type.Integer({ description: 'Epoch milliseconds.' }),
    equity: SignedDecimalString('Equity at that time.'),
  },
  { additionalProperties: false },
);

export const EquityResponse = Type.Object(
  {
    currency: Type.String(),
    step: Type.Number({ minimum: 0, description: 'Bucket width used, in seconds; 0: every point.' }),
    points: Type.Array(EquityPointSchema),
  },
  { additionalProperties: false, description: 'The equity curve, oldest first.' },
);
export type EquityResponse = Static<typeof EquityResponse>;
