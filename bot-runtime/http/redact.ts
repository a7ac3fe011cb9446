// Secrets that must never reach a log line: bearer tokens (a JWT is the
// trader's credential), passwords inside connection URLs (which drivers'
// error messages like to quote) and values named like secrets. Applied to
// every error the endpoint logs; the logger also censors the request headers
// that carry tokens.
import { stdSerializers } from 'pino';

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/-]+=*/gi;
/** `apiSecret=...`, `password: ...`, `"passphrase":"..."`: a value named like a secret. */
const NAMED =
  /\b([A-Za-z_-]*(?:secret|password|passwd|passphrase|api[_-]?key|token)[A-Za-z_-]*)("?\s*[=:]\s*"?)[^\s",;)}]+/gi;

export function scrubSecrets(text: string): string {
  return text
    .replace(URL_CREDENTIALS, '$1$2:[redacted]@')
    .replace(JWT, '[redacted jwt]')
    .replace(BEARER, '$1 [redacted]')
    .replace(NAMED, '$1$2[redacted]');
}

/** pino's error serializer, with the message and stack scrubbed. */
export function scrubbedError(err: Error): Record<string, unknown> {
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'] as const) {
    const v = out[key];
    if (typeof v === 'string') out[key] = scrubSecrets(v);
  }
  return out;
}
