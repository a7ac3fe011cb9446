import { join } from 'node:path';
import { probeHttp } from '../probes.ts';
import type { Component } from './component.ts';

export const nats: Component = {
  name: 'nats',
  wave: 1,
  binaryName: 'nats-server',
  ports: (p) => [p.nats, p.natsMonitor],
  dataDirs: (ctx) => [join(ctx.stateDir, 'data', 'nats')],
  args: ({ ports, stateDir }) => [
    '-js',
    '-sd',
    join(stateDir, 'data', 'nats'),
    '-a',
    '127.0.0.1',
    '-p',
    String(ports.nats),
    '-m',
    String(ports.natsMonitor),
    '-n',
    'botcore-test',
  ],
  probe: ({ ports }) =>
    probeHttp({
      url: `http://127.0.0.1:${ports.natsMonitor}/healthz?js-enabled-only=true`,
      expect: (status) => status === 200,
    }),
  startTimeoutMs: 20_000,
};
