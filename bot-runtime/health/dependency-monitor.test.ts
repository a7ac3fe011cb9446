import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually.ts';
import { DependencyMonitor, type DependencyProbe } from './dependency-monitor.ts';

function fakeProbe(name: string, required = true) {
  let up = true;
  let report: ((up: boolean, reason?: string) => void) | undefined;
  const probe: DependencyProbe = {
    name,
    required,
    ping: async () => {
      if (!up) throw new Error(`${name} refused`);
    },
    watch: (r) => {
      report = r;
      return () => {
        report = undefined;
      };
    },
  };
  return {
    probe,
    setUp: (value: boolean) => {
      up = value;
    },
    event: (value: boolean) => report?.(value, 'event'),
  };
}

async function gauge(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('botcore_dependency_up')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.dependency), v.value]));
}

describe('DependencyMonitor', () => {
  it('opens nothing before the first check, then allows positions while all required are up', async () => {
    const registry = new Registry();
    const nats = fakeProbe('nats');
    const monitor = new DependencyMonitor([nats.probe], { registry });
    expect(monitor.canOpenPositions()).toBe(false);
    expect(await gauge(registry)).toEqual({ nats: 0 });
    await monitor.check();
    expect(monitor.canOpenPositions()).toBe(true);
    expect(monitor.message()).toBeUndefined();
    expect(await gauge(registry)).toEqual({ nats: 1 });
  });

  it('stops positions while a required dependency is down, says why, and resumes by itself', async () => {
    const registry = new Registry();
    const nats = fakeProbe('nats');
    const mongo = fakeProbe('mongodb');
    const changes: string[] = [];
    const monitor = new DependencyMonitor([nats.probe, mongo.probe], {
      registry,
      intervalMs: 5,
      onChange: (name, s) => changes.push(`${name}:${s.up}`),
    });
    await monitor.start();
    try {
      expect(monitor.canOpenPositions()).toBe(true);
      mongo.setUp(false);
      await eventually(() => (monitor.canOpenPositions() ? undefined : true), 'mongodb down');
      expect(monitor.message()).toBe('not opening positions: mongodb (mongodb refused) unavailable');
      expect(await gauge(registry)).toEqual({ nats: 1, mongodb: 0 });
      mongo.setUp(true);
      await eventually(() => (monitor.canOpenPositions() ? true : undefined), 'mongodb back');
      expect(await gauge(registry)).toEqual({ nats: 1, mongodb: 1 });
      expect(changes).toEqual(['nats:true', 'mongodb:true', 'mongodb:false', 'mongodb:true']);
    } finally {
      monitor.stop();
    }
  });

  it('turns client connection events into up and down at once', async () => {
    const redis = fakeProbe('redis');
    const monitor = new DependencyMonitor([redis.probe], { registry: new Registry(), intervalMs: 60_000 });
    await monitor.start();
    try {
      redis.event(false);
      expect(monitor.isUp('redis')).toBe(false);
      expect(monitor.states().redis?.reason).toBe('event');
      redis.event(true);
      expect(monitor.canOpenPositions()).toBe(true);
    } finally {
      monitor.stop();
    }
  });

  it('lets an optional dependency be down without stopping positions', async () => {
    const registry = new Registry();
    const redis = fakeProbe('redis', false);
    redis.setUp(false);
    const monitor = new DependencyMonitor([fakeProbe('nats').probe, redis.probe], { registry });
    await monitor.check();
    expect(monitor.canOpenPositions()).toBe(true);
    expect(monitor.isUp('redis')).toBe(false);
    expect(await gauge(registry)).toEqual({ nats: 1, redis: 0 });
  });

  it('counts a ping that never answers as down', async () => {
    const hung: DependencyProbe = {
      name: 'mongodb',
      required: true,
      ping: () => new Promise(() => undefined),
    };
    const monitor = new DependencyMonitor([hung], { registry: new Registry(), pingTimeoutMs: 10 });
    await monitor.check();
    expect(monitor.canOpenPositions()).toBe(false);
    expect(monitor.states().mongodb?.reason).toBe('no answer within 10 ms');
  });

  it('shares the gauge between monitors of one registry', async () => {
    const registry = new Registry();
    const a = new DependencyMonitor([fakeProbe('nats').probe], { registry });
    const b = new DependencyMonitor([fakeProbe('redis').probe], { registry });
    await a.check();
    await b.check();
    expect(await gauge(registry)).toEqual({ nats: 1, redis: 1 });
  });
});
