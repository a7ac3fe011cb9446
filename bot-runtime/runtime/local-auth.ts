// Authentication for a bot on a laptop: `botcore run` keeps its own signing
// key in the state directory (created on first run, readable by the owner
// only) and signs a trader token scoped to the bot, so the status endpoint
// checks tokens exactly as it does in a cluster and the page opens with a
// ready-made link. The key survives restarts, so an earlier link keeps working
// until its token expires.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT } from 'jose';
import type { VerificationKey } from '../http/keys.ts';
import type { BotRef } from '../http/status-source.ts';

export const LOCAL_AUDIENCE = 'botcore-status';
export const LOCAL_ISSUER = 'botcore-local';
const KID = 'botcore-local';
/** Under the endpoint's default maxTokenLifetimeSeconds (a day). */
const TOKEN_LIFETIME_SECONDS = 12 * 3600;

export interface LocalIssuer {
  readonly verificationKey: VerificationKey;
  sign(bot: BotRef, now?: number): Promise<string>;
}

export function localIssuer(keyPath: string): LocalIssuer {
  let privateKey: KeyObject;
  if (existsSync(keyPath)) {
    privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
  } else {
    mkdirSync(dirname(keyPath), { recursive: true });
    privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const publicKey = createPublicKey(privateKey);
  return {
    verificationKey: { kid: KID, key: publicKey, origin: keyPath },
    async sign(bot, now = Date.now()) {
      const iat = Math.floor(now / 1000);
      return new SignJWT({ bots: [`${bot.namespace}/${bot.name}`] })
        .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
        .setSubject('local-trader')
        .setAudience(LOCAL_AUDIENCE)
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
        .sign(privateKey);
    },
  };
}
