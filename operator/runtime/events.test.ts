import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type EventSink, KubernetesEventRecorder } from './events.ts';
import { FakeClock } from './fake-clock.ts';

/** Stores events like the API server would, with resource versions and 404 for unknown names. */
class MemorySink implements EventSink {
  readonly events = new Map<string, CoreV1Event>();
  readonly writes: string[] = [];
  failNext: Error | undefined;
  #version = 0;

  async create(namespace: string, event: CoreV1Event): Promise<CoreV1Event> {
    this.#maybeFail();
    this.writes.push(`create ${event.metadata.name}`);
    const stored = {
      ...event,
      metadata: { ...event.metadata, namespace, resourceVersion: String(++this.#version) },
    };
    this.events.set(`${namespace}/${event.metadata.name}`, stored);
    return stored;
  }

  async replace(namespace: string, name: string, event: CoreV1Event): Promise<CoreV1Event> {
    this.#maybeFail();
    this.writes.push(`replace ${name}`);
    if (!this.events.has(`${namespace}/${name}`)) throw Object.assign(new Error('not found'), { code: 404 });
    const stored = { ...event, metadata: { ...event.metadata, resourceVersion: String(++this.#version) } };
    this.events.set(`${namespace}/${name}`, stored);
    return stored;
  }

  #maybeFail(): void {
    if (this.failNext === undefined) return;
    const error = this.failNext;
    this.failNext = undefined;
    throw error;
  }

  list(): CoreV1Event[] {
    return [...this.events.values()];
  }
}

const bot: KubernetesObject = {
  apiVersion: 'trading.botcore.dev/v1alpha1',
  kind: 'TradingBot',
  metadata: { namespace: 'bots', name: 'btc-rsi', uid: 'uid-1', resourceVersion: '7' },
};

function setup(options: { qps?: number; burst?: number } = {}) {
  const clock = new FakeClock();
  const sink = new MemorySink();
  const recorder = new KubernetesEventRecorder({
    sink,
    clock,
    component: 'botcore-operator',
    instance: 'operator-0',
    rateLimit: { qps: options.qps ?? 100, burst: options.burst ?? 100 },
  });
  return { clock, sink, recorder };
}

describe('KubernetesEventRecorder', () => {
  it('writes an Event that points at the object and names the operator', async () => {
    const { sink, recorder } = setup();
    recorder.event(bot, 'Normal', 'Reconciled', 'pods ready');
    await recorder.flush();
    const [event] = sink.list();
    expect(event).toMatchObject({
      type: 'Normal',
      reason: 'Reconciled',
      message: 'pods ready',
      count: 1,
      involvedObject: {
        apiVersion: 'trading.botcore.dev/v1alpha1',
        kind: 'TradingBot',
        name: 'btc-rsi',
        namespace: 'bots',
        uid: 'uid-1',
      },
      source: { component: 'botcore-operator' },
      reportingComponent: 'botcore-operator',
      reportingInstance: 'operator-0',
    });
    expect(event?.metadata.namespace).toBe('bots');
    expect(event?.metadata.name).toMatch(/^btc-rsi\./);
  });

  it('aggregates repeats into one Event with a count, and starts a new one for a different message', async () => {
    const { clock, sink, recorder } = setup();
    recorder.event(bot, 'Warning', 'ExchangeDown', 'binance unreachable');
    await clock.advance(1000);
    recorder.event(bot, 'Warning', 'ExchangeDown', 'binance unreachable');
    recorder.event(bot, 'Warning', 'ExchangeDown', 'binance unreachable');
    recorder.event(bot, 'Warning', 'ExchangeDown', 'kraken unreachable');
    await recorder.flush();
    const events = sink.list();
    expect(events).toHaveLength(2);
    const binance = events.find((e) => e.message === 'binance unreachable');
    expect(binance?.count).toBe(3);
    expect(binance?.lastTimestamp?.getTime()).toBe(clock.now());
    expect(binance?.firstTimestamp?.getTime()).toBe(clock.now() - 1000);
    expect(sink.writes.filter((w) => w.startsWith('create'))).toHaveLength(2);
  });

  it('starts a new Event after the aggregation window', async () => {
    const { clock, sink, recorder } = setup();
    recorder.event(bot, 'Normal', 'Scaled', 'x');
    await clock.advance(11 * 60_000);
    recorder.event(bot, 'Normal', 'Scaled', 'x');
    await recorder.flush();
    expect(sink.list().map((e) => e.count)).toEqual([1, 1]);
  });

  it('re-creates an aggregated Event that expired on the server, keeping the count', async () => {
    const { sink, recorder } = setup();
    recorder.event(bot, 'Normal', 'Synced', 'ok');
    await recorder.flush();
    sink.events.clear();
    recorder.event(bot, 'Normal', 'Synced', 'ok');
    await recorder.flush();
    expect(sink.list().map((e) => e.count)).toEqual([2]);
  });

  it('never throws and keeps going when a write fails', async () => {
    const { sink, recorder } = setup();
    sink.failNext = new Error('500');
    expect(() => recorder.event(bot, 'Normal', 'A', 'first')).not.toThrow();
    recorder.event(bot, 'Normal', 'B', 'second');
    await recorder.flush();
    expect(sink.list().map((e) => e.reason)).toEqual(['B']);
  });

  it('creates the aggregated Event later if its first write failed', async () => {
    const { sink, recorder } = setup();
    sink.failNext = new Error('503');
    recorder.event(bot, 'Warning', 'Flaky', 'again');
    recorder.event(bot, 'Warning', 'Flaky', 'again');
    await recorder.flush();
    expect(sink.list().map((e) => e.count)).toEqual([2]);
  });

  it('drops events over the rate limit', async () => {
    const { sink, recorder } = setup({ qps: 1, burst: 2 });
    for (let i = 0; i < 5; i++) recorder.event(bot, 'Normal', 'Tick', `n=${i}`);
    await recorder.flush();
    expect(sink.list()).toHaveLength(2);
    expect(recorder.dropped).toBe(3);
  });

  it('keeps secrets out of event messages and truncates long ones', async () => {
    const { sink, recorder } = setup();
    recorder.event(bot, 'Warning', 'AuthFailed', 'exchange said: invalid api_key=AKIA1234567890 for user');
    recorder.event(bot, 'Warning', 'Long', 'x'.repeat(5000));
    await recorder.flush();
    const messages = sink.list().map((e) => e.message ?? '');
    expect(messages[0]).not.toContain('AKIA1234567890');
    expect(messages[0]).toContain('invalid api_key=');
    expect(messages[1]?.length).toBe(1024);
  });

  it('files events of cluster-scoped objects in the default namespace', async () => {
    const { sink, recorder } = setup();
    recorder.event({ kind: 'Node', metadata: { name: 'n1' } }, 'Normal', 'Seen', 'hello');
    await recorder.flush();
    expect(sink.list()[0]?.metadata.namespace).toBe('default');
  });
});
