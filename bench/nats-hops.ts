// Per-hop timestamps of the NATS path (BENCH_LATENCY_HOPS=1): where a
// candle's `candleToDecision` goes between the feed, the strategy process and
// the executor process. Each child process wraps the bus its role is given and
// stamps, per candle open time, the moments its role touches the message; it
// prints them when it stops and the bench reports each hop's percentiles. The
// clocks are the bench's (epoch ms from performance.timeOrigin + now()). Off
// by default: the wrapper is not in the measured path unless asked for.
import { readdirSync, readFileSync } from 'node:fs';
import type { Bus, Delivery, MarketDataMessage, PublishOptions } from '../bot-runtime/bus/bus.ts';

/** The hops, in the order a candle's messages take them. */
export const HOPS = [
  'sent', // the feed publishes the candle (the bench's clock start)
  'candleAtStrategy', // the strategy process's handler gets the candle
  'signalPublished', // the strategy publishes its signal (JetStream)
  'pubAck', // the stream has the signal
  'candleAtExecutor', // the executor process's handler gets the candle
  'signalAtExecutor', // the executor's consumer has fetched the signal
  'decided', // the executor starts the candle's step
] as const;
export type Hop = (typeof HOPS)[number];

/** Per hop, per candle open time, an epoch-ms stamp. */
export type HopStamps = Partial<Record<Hop, Record<number, number>>>;

const epochMs = (): number => performance.timeOrigin + performance.now();

export function hopsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BENCH_LATENCY_HOPS === '1';
}

export class HopRecorder {
  readonly stamps: HopStamps = {};

  stamp(hop: Hop, t: number, at = epochMs()): void {
    this.stamps[hop] ??= {};
    const byCandle = this.stamps[hop];
    // The first time counts: a redelivered signal is not the one that was waited for.
    byCandle[t] ??= at;
  }

  /**
   * The bus, with the candle publisher's and handler's and the signal
   * publisher's and consumer's moments stamped. Methods run on the real bus (its private
   * fields need it as `this`).
   */
  wrap(bus: Bus): Bus {
    const recorder = this;
    return new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'subscribeMarketData') {
          const role = recorder.#candleHop;
          return (filter: object, handler: (m: MarketDataMessage, c: unknown) => void) =>
            target.subscribeMarketData(filter, (m, c) => {
              recorder.stamp(role, m.candle.t);
              handler(m, c as never);
            });
        }
        if (key === 'publishMarketData') {
          // Only the feed publishes candles: the bench's clock start.
          return (message: MarketDataMessage, options?: PublishOptions) => {
            recorder.stamp('sent', message.candle.t);
            target.publishMarketData(message, options);
          };
        }
        if (key === 'publishEvent') {
          return async (kind: never, id: string, payload: { t?: number }, options?: never) => {
            const t = payload?.t;
            if (t !== undefined) recorder.stamp('signalPublished', t);
            const ack = await target.publishEvent(kind, id, payload, options);
            if (t !== undefined) recorder.stamp('pubAck', t);
            return ack;
          };
        }
        if (key === 'fetchEvents') {
          return async (...args: Parameters<Bus['fetchEvents']>) => {
            const got: Delivery<{ t?: number }>[] = await target.fetchEvents(...args);
            const at = epochMs();
            for (const d of got)
              if (d.payload?.t !== undefined) recorder.stamp('signalAtExecutor', d.payload.t, at);
            return got;
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  #candleHop: Hop = 'candleAtStrategy';

  /** Which hop this process's candle handler stamps. */
  forRole(role: 'strategy' | 'executor'): this {
    this.#candleHop = role === 'strategy' ? 'candleAtStrategy' : 'candleAtExecutor';
    return this;
  }
}

/** Each hop's delay from the one before it (and from `sent`), in ms, over the candles measured. */
export function hopDelays(stamps: HopStamps, candles: readonly number[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const pairs: [Hop, Hop][] = [
    ['sent', 'candleAtStrategy'],
    ['candleAtStrategy', 'signalPublished'],
    ['signalPublished', 'pubAck'],
    ['signalPublished', 'signalAtExecutor'],
    ['sent', 'candleAtExecutor'],
    ['signalAtExecutor', 'decided'],
    ['sent', 'decided'],
  ];
  for (const [from, to] of pairs) {
    const name = `${from}->${to}`;
    out[name] = [];
    for (const t of candles) {
      const a = stamps[from]?.[t];
      const b = stamps[to]?.[t];
      if (a !== undefined && b !== undefined) out[name].push(b - a);
    }
  }
  return out;
}

/** Scheduler counters of a process's main thread (the event loop) and of all its threads, from /proc. */
export interface SchedCounters {
  /** Nanoseconds on a CPU. */
  readonly cpuNs: number;
  /** Nanoseconds runnable but waiting for a CPU (a wake-up's delay included). */
  readonly waitNs: number;
  /** Times it was given a CPU (about one per wake-up). */
  readonly slices: number;
  readonly allThreadsCpuNs: number;
}

function readSched(path: string): [number, number, number] {
  const [cpu, wait, slices] = readFileSync(path, 'utf8').trim().split(' ').map(Number);
  return [cpu!, wait!, slices!];
}

/** This process's counters now (Linux; zeros elsewhere). */
export function schedCounters(pid: number = process.pid): SchedCounters {
  try {
    const [cpuNs, waitNs, slices] = readSched(`/proc/${pid}/task/${pid}/schedstat`);
    let allThreadsCpuNs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      allThreadsCpuNs += readSched(`/proc/${pid}/task/${tid}/schedstat`)[0];
    }
    return { cpuNs, waitNs, slices, allThreadsCpuNs };
  } catch {
    return { cpuNs: 0, waitNs: 0, slices: 0, allThreadsCpuNs: 0 };
  }
}

/** Per candle and per wake-up, what a process spent between two readings. */
export function schedSummary(role: string, before: SchedCounters, after: SchedCounters, candles: number) {
  const slices = after.slices - before.slices;
  const us = (ns: number) => Math.round(ns / 100) / 10;
  return {
    name: `latency.nats.sched.${role}`,
    mainThreadCpuPerCandleUs: us((after.cpuNs - before.cpuNs) / candles),
    allThreadsCpuPerCandleUs: us((after.allThreadsCpuNs - before.allThreadsCpuNs) / candles),
    wakeUpsPerCandle: Math.round((slices / candles) * 100) / 100,
    waitPerWakeUpUs: us((after.waitNs - before.waitNs) / Math.max(1, slices)),
    cpuPerWakeUpUs: us((after.cpuNs - before.cpuNs) / Math.max(1, slices)),
  };
}
