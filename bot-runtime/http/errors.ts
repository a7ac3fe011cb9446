// The status endpoint's error catalogue. Each code is public API: clients
// (the page among them) and tests match on it, so a code never changes
// meaning. Bodies are `{ statusCode, code, error, message }`.
import createError from '@fastify/error';

export const HttpErrorCode = {
  BAD_REQUEST: 'BOTCORE_HTTP_BAD_REQUEST',
  BAD_CURSOR: 'BOTCORE_HTTP_BAD_CURSOR',
  TOKEN_MISSING: 'BOTCORE_HTTP_TOKEN_MISSING',
  TOKEN_INVALID: 'BOTCORE_HTTP_TOKEN_INVALID',
  TOKEN_EXPIRED: 'BOTCORE_HTTP_TOKEN_EXPIRED',
  FORBIDDEN: 'BOTCORE_HTTP_FORBIDDEN',
  NOT_FOUND: 'BOTCORE_HTTP_NOT_FOUND',
  RATE_LIMITED: 'BOTCORE_HTTP_RATE_LIMITED',
  INTERNAL: 'BOTCORE_HTTP_INTERNAL',
  NOT_READY: 'BOTCORE_HTTP_NOT_READY',
  STREAM_FULL: 'BOTCORE_HTTP_STREAM_FULL',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export const BadCursorError = createError(
  HttpErrorCode.BAD_CURSOR,
  'the cursor is not one this endpoint issued; start again without a cursor',
  400,
);
export const TokenMissingError = createError(
  HttpErrorCode.TOKEN_MISSING,
  'a bearer token is required (Authorization: Bearer <token>)',
  401,
);
export const TokenInvalidError = createError(HttpErrorCode.TOKEN_INVALID, 'the token is not valid here', 401);
export const TokenExpiredError = createError(HttpErrorCode.TOKEN_EXPIRED, 'the token has expired', 401);
export const ForbiddenError = createError<typeof HttpErrorCode.FORBIDDEN, 403, [string]>(
  HttpErrorCode.FORBIDDEN,
  'the token does not grant access to bot %s',
  403,
);
export const NotFoundError = createError<typeof HttpErrorCode.NOT_FOUND, 404, [string, string]>(
  HttpErrorCode.NOT_FOUND,
  'no route %s %s',
  404,
);
export const RateLimitedError = createError<typeof HttpErrorCode.RATE_LIMITED, 429, [string]>(
  HttpErrorCode.RATE_LIMITED,
  'too many requests; retry in %s',
  429,
);
export const InternalError = createError(HttpErrorCode.INTERNAL, 'internal error', 500);
export const StreamFullError = createError(
  HttpErrorCode.STREAM_FULL,
  'the stream has as many subscribers as it serves; retry later',
  503,
);

/** The reason phrase of a status code, for the `error` field. */
export function reasonPhrase(statusCode: number): string {
  return REASONS[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
