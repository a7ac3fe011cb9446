import { join } from 'node:path';
import { probeRedis } from '../probes.ts';
import type { Component } from './component.ts';

export const redis: Component = {
  name: 'redis',
  wave: 1,
  binaryName: 'redis-server',
  ports: (p) => [p.redis],
  dataDirs: (ctx) => [join(ctx.stateDir, 'data', 'redis')],
  args: ({ ports, stateDir }) => [
    '--bind',
    '127.0.0.1',
    '--port',
    String(ports.redis),
    '--dir',
    join(stateDir, 'data', 'redis'),
    '--daemonize',
    'no',
    // Append-only persistence, so fault tests that restart Redis see what it had.
    '--appendonly',
    'yes',
    '--save',
    '',
    '--protected-mode',
    'yes',
  ],
  probe: ({ ports }) => probeRedis(ports.redis),
  startTimeoutMs: 20_000,
};
