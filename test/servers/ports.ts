// Loopback ports of the test servers. Fixed, so that a user's shell keeps
// working across `env:up`s; BOTCORE_PORT_OFFSET shifts them all, for a second
// checkout on the same machine.

const BASE_PORTS = {
  etcdClient: 32379,
  etcdPeer: 32380,
  kubeApiserver: 36443,
  kubeControllerManager: 31257,
  kubeScheduler: 31259,
  kwok: 31247,
  nats: 34222,
  natsMonitor: 38222,
  redis: 36379,
  ferretdb: 37017,
} as const;

export type PortName = keyof typeof BASE_PORTS;
export type Ports = Readonly<Record<PortName, number>>;

export function ports(env: NodeJS.ProcessEnv = process.env): Ports {
  const raw = env.BOTCORE_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < -30000 || offset > 30000) {
    throw new Error(`BOTCORE_PORT_OFFSET must be an integer between -30000 and 30000, got "${raw}"`);
  }
  const shifted = Object.entries(BASE_PORTS).map(([name, port]) => [name, port + offset]);
  return Object.fromEntries(shifted) as Ports;
}
