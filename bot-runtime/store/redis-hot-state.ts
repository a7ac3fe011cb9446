// Hot state in Redis. Keys (docs/state.md):
//   botcore:<ns>:<bot>:price:<symbol>   JSON PriceRecord, PX = price TTL
//   botcore:<ns>:<bot>:positions        hash symbol -> JSON PositionSnapshot
//   botcore:<ns>:<bot>:risk             JSON RiskStateRecord
// Several prices go in one pipeline; a position moves only to a newer fill
// seq, checked inside Redis by a script so two writers cannot go backwards.
import { Redis, type RedisOptions } from 'ioredis';
import type { BotAddress } from '../bus/subjects.ts';
import {
  DEFAULT_PRICE_TTL_MS,
  DEFAULT_STATE_TTL_MS,
  type HotState,
  type HotStateOptions,
  type PriceRecord,
  type RiskStateRecord,
} from './hot-state.ts';
import type { PositionSnapshot } from './records.ts';

// KEYS[1] positions hash; ARGV[1] TTL ms; ARGV[2..] symbol, fillSeq, json triples.
const SET_POSITIONS = `
for i = 2, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if (not current) or (cjson.decode(current).fillSeq < tonumber(ARGV[i + 1])) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

export interface RedisHotStateOptions extends HotStateOptions {
  readonly url: string;
  readonly address: BotAddress;
  readonly redis?: RedisOptions;
}

export class RedisHotState implements HotState {
  readonly redis: Redis;
  readonly #prefix: string;
  readonly #priceTtlMs: number;
  readonly #stateTtlMs: number;

  constructor(options: RedisHotStateOptions) {
    this.redis = new Redis(options.url, {
      // Fail fast while Redis is away instead of queueing writes for later: hot
      // state is rebuilt from the ledger, and the monitor reports the outage.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      ...options.redis,
    });
    // Errors surface on the commands; the connection event would otherwise crash the process.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('botcoreSetPositions', { numberOfKeys: 1, lua: SET_POSITIONS });
    this.#prefix = `botcore:${options.address.namespace}:${options.address.bot}`;
    this.#priceTtlMs = options.priceTtlMs ?? DEFAULT_PRICE_TTL_MS;
    this.#stateTtlMs = options.stateTtlMs ?? DEFAULT_STATE_TTL_MS;
  }

  #priceKey(symbol: string): string {
    return `${this.#prefix}:price:${symbol}`;
  }

  get #positionsKey(): string {
    return `${this.#prefix}:positions`;
  }

  get #riskKey(): string {
    return `${this.#prefix}:risk`;
  }

  /** Resolves once connected (the client also connects by itself). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Redis did not become ready in 10 s')), 10_000);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async setPrices(prices: readonly PriceRecord[]): Promise<void> {
    if (prices.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const p of prices) pipeline.set(this.#priceKey(p.symbol), JSON.stringify(p), 'PX', this.#priceTtlMs);
    throwFirst(await pipeline.exec());
  }

  async prices(symbols: readonly string[]): Promise<Map<string, PriceRecord>> {
    const out = new Map<string, PriceRecord>();
    if (symbols.length === 0) return out;
    const values = await this.redis.mget(...symbols.map((s) => this.#priceKey(s)));
    values.forEach((value, i) => {
      if (value !== null) out.set(symbols[i]!, JSON.parse(value) as PriceRecord);
    });
    return out;
  }

  async setPositions(positions: readonly PositionSnapshot[]): Promise<void> {
    if (positions.length === 0) return;
    const args = positions.flatMap((p) => [p.symbol, String(p.fillSeq), JSON.stringify(p)]);
    await (
      this.redis as unknown as {
        botcoreSetPositions(key: string, ...args: string[]): Promise<number>;
      }
    ).botcoreSetPositions(this.#positionsKey, String(this.#stateTtlMs), ...args);
  }

  async replacePositions(positions: readonly PositionSnapshot[]): Promise<void> {
    const multi = this.redis.multi().del(this.#positionsKey);
    if (positions.length > 0) {
      multi.hset(this.#positionsKey, Object.fromEntries(positions.map((p) => [p.symbol, JSON.stringify(p)])));
      multi.pexpire(this.#positionsKey, this.#stateTtlMs);
    }
    throwFirst(await multi.exec());
  }

  async positions(): Promise<PositionSnapshot[]> {
    const all = await this.redis.hgetall(this.#positionsKey);
    return Object.values(all)
      .map((v) => JSON.parse(v) as PositionSnapshot)
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  async setRiskState(state: RiskStateRecord): Promise<void> {
    await this.redis.set(this.#riskKey, JSON.stringify(state), 'PX', this.#stateTtlMs);
  }

  async riskState(): Promise<RiskStateRecord | undefined> {
    const value = await this.redis.get(this.#riskKey);
    return value === null ? undefined : (JSON.parse(value) as RiskStateRecord);
  }

  async ping(): Promise<void> {
    const reply = await this.redis.ping();
    if (reply !== 'PONG') throw new Error(`Redis answered ${reply}`);
  }

  /** Every key of this bot (tests and `botcore` clean-up). */
  async clear(): Promise<void> {
    const keys = await this.redis.keys(`${this.#prefix}:*`);
    if (keys.length > 0) await this.redis.del(...keys);
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function throwFirst(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('Redis discarded the transaction');
  for (const [error] of results) if (error) throw error;
}
