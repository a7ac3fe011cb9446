// Which bots a token covers. A token's `bots` claim lists `namespace/name`
// entries; `namespace/*` covers every bot of a namespace. Nothing else widens
// it: no global wildcard, no prefix match.
import type { BotRef } from './status-source.ts';

/** True when one of the scopes names this bot or its whole namespace. */
export function scopesCoverBot(scopes: readonly string[], bot: BotRef): boolean {
  const exact = `${bot.namespace}/${bot.name}`;
  const namespace = `${bot.namespace}/*`;
  for (const s of scopes) if (s === exact || s === namespace) return true;
  return false;
}

/** `namespace/name` of a bot, as scopes and logs write it. */
export function botKey(bot: BotRef): string {
  return `${bot.namespace}/${bot.name}`;
}
