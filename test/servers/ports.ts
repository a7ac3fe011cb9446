// Loopback ports of the test servers. Fixed, so that a user's shell keeps
// working across `env:up`s; BOTCORE_PORT_OFFSET shifts them all, for a second
// checkout on the same machine.
//
// They sit below the kernel's ephemeral range (Linux: 32768-60999), where the
// local end of any outgoing connection on the machine may land: a server port
// inside it can be held by someone else's connection for minutes, and the
// server then fails to start at random. They also stay clear of the usual
// ports of the real services (27017, 6379, 4222, 6443, 2379), which a
// developer may have running.
import { readFileSync } from 'node:fs';

const BASE_PORTS = {
  etcdClient: 20379,
  etcdPeer: 20380,
  kubeApiserver: 24443,
  kubeControllerManager: 19257,
  kubeScheduler: 19259,
  kwok: 19247,
  nats: 22222,
  natsMonitor: 26222,
  redis: 24379,
  ferretdb: 25017,
} as const;

export type PortName = keyof typeof BASE_PORTS;
export type Ports = Readonly<Record<PortName, number>>;

/** A range of ports, both ends included. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

export function ports(
  env: NodeJS.ProcessEnv = process.env,
  ephemeral: PortRange | undefined = ephemeralPortRange(),
): Ports {
  const raw = env.BOTCORE_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < -18000 || offset > 30000) {
    throw new Error(`BOTCORE_PORT_OFFSET must be an integer between -18000 and 30000, got "${raw}"`);
  }
  const shifted = Object.entries(BASE_PORTS).map(([name, port]) => [name, port + offset] as const);
  const inRange = ephemeral && shifted.find(([, port]) => port >= ephemeral.low && port <= ephemeral.high);
  if (inRange) {
    throw new Error(
      `BOTCORE_PORT_OFFSET=${raw} puts the ${inRange[0]} port (${inRange[1]}) in the kernel's ephemeral ` +
        `range ${ephemeral.low}-${ephemeral.high}, where outgoing connections can hold it; ` +
        `choose an offset that keeps every port below ${ephemeral.low} (for example 1000)`,
    );
  }
  return Object.fromEntries(shifted) as Ports;
}

/** The kernel's range for the local end of outgoing connections, where it says (Linux). */
export function ephemeralPortRange(path = '/proc/sys/net/ipv4/ip_local_port_range'): PortRange | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return Number.isInteger(low) && Number.isInteger(high) ? { low: low!, high: high! } : undefined;
}
