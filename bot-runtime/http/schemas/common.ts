// Shapes shared by the routes: decimal strings and the coded error body.
import { type Static, Type } from 'typebox';

/**
 * A string from a fixed list. Written as `enum` rather than a union of
 * literals so that the response serializer writes it directly instead of
 * trying each branch.
 */
export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** Money, prices and quantities travel as decimal strings, never floats. */
export const DecimalString = (description: string) =>
  Type.String({ description: `${description} A decimal string such as "1000" or "0.25" (no exponent).` });

export const SignedDecimalString = (description: string) =>
  Type.String({
    description: `${description} A decimal string that may be negative, such as "-12.5" (no exponent).`,
  });

export const DateTime = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} RFC 3339.` });

/** Every error the endpoint answers: the code is public API (see errors.ts). */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    code: Type.String({ description: 'A stable code, e.g. BOTCORE_HTTP_TOKEN_EXPIRED.' }),
    error: Type.String({ description: 'The HTTP reason phrase.' }),
    message: Type.String({ description: 'What went wrong, for people; never internals for 5xx.' }),
  },
  { additionalProperties: false, description: 'An error.' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The error answers every authenticated route declares. */
export const authenticatedErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  429: ErrorResponse,
  500: ErrorResponse,
  503: ErrorResponse,
} as const;

/** The error answers every public route declares. */
export const publicErrors = {
  429: ErrorResponse,
  500: ErrorResponse,
} as const;

export const BotRefSchema = Type.Object(
  {
    namespace: Type.String({ description: 'Namespace of the TradingBot.' }),
    name: Type.String({ description: 'Name of the TradingBot.' }),
  },
  { additionalProperties: false },
);
