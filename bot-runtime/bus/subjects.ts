// Subject, stream and consumer names of one bot (docs/messaging.md). The
// control and status subjects come from the operator/runtime contract in
// crds/runtime-config, so both sides spell them from one function.
import { subjectsFor } from '../../crds/runtime-config/index.ts';

/** Durable event kinds: one JetStream stream each, per bot. */
export const eventKinds = ['signals', 'orders', 'fills', 'positions'] as const;
export type EventKind = (typeof eventKinds)[number];

export interface BotAddress {
  readonly namespace: string;
  readonly bot: string;
}

export interface BotSubjects {
  /** `botcore.<ns>.<bot>` */
  readonly prefix: string;
  /** Core NATS, no persistence: `botcore.<ns>.<bot>.md.<BASE-QUOTE>.<timeframe>`. */
  marketData(symbol: string, timeframe: string): string;
  /** Every candle of the bot, for a subscriber that wants all symbols and timeframes. */
  readonly marketDataAll: string;
  /** JetStream: `botcore.<ns>.<bot>.evt.<kind>`. */
  event(kind: EventKind): string;
  /** JetStream stream name: `BOTCORE_<ns>_<bot>_<KIND>`. */
  stream(kind: EventKind): string;
  /** Request/reply to the executor (crds/runtime-config `subjectsFor`). */
  readonly control: string;
  /** The executor's `RuntimeReport`s (crds/runtime-config `subjectsFor`). */
  readonly status: string;
}

// A Kubernetes name token must not carry NATS's separators or wildcards. DNS
// labels never do; a DNS subdomain with a dot would split the subject.
const TOKEN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function botSubjects(address: BotAddress): BotSubjects {
  for (const [field, value] of Object.entries(address)) {
    if (!TOKEN.test(value)) {
      throw new Error(`${field} "${value}" cannot be a NATS subject token: it must be a DNS label (no dots)`);
    }
  }
  const prefix = `botcore.${address.namespace}.${address.bot}`;
  const { control, status } = subjectsFor(address.namespace, address.bot);
  return {
    prefix,
    marketData: (symbol, timeframe) => `${prefix}.md.${symbolToken(symbol)}.${timeframeToken(timeframe)}`,
    marketDataAll: `${prefix}.md.>`,
    event: (kind) => `${prefix}.evt.${kind}`,
    stream: (kind) => `BOTCORE_${address.namespace}_${address.bot}_${kind.toUpperCase()}`,
    control,
    status,
  };
}

const SYMBOL = /^([A-Z0-9]{2,12})\/([A-Z0-9]{2,12})$/;

/** `ETH/BTC` -> `ETH-BTC`: a slash is legal in a subject, but a dash reads the same in every tool. */
export function symbolToken(symbol: string): string {
  const m = SYMBOL.exec(symbol);
  if (!m) throw new Error(`symbol "${symbol}" is not BASE/QUOTE`);
  return `${m[1]}-${m[2]}`;
}

export function symbolFromToken(token: string): string {
  const [base, quote, ...rest] = token.split('-');
  if (!base || !quote || rest.length > 0) throw new Error(`subject token "${token}" is not BASE-QUOTE`);
  return `${base}/${quote}`;
}

function timeframeToken(timeframe: string): string {
  if (!/^[0-9]+[smhdwM]$/.test(timeframe)) throw new Error(`timeframe "${timeframe}" is not like 1m, 4h, 1d`);
  return timeframe;
}

/** A durable consumer name: `<role>-<purpose>`, e.g. `executor-ledger`. */
export function consumerName(name: string): string {
  if (!/^[a-z0-9][-a-z0-9]{0,62}$/.test(name))
    throw new Error(`consumer name "${name}" is not a lower-case token`);
  return name;
}
