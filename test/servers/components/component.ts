// What every test server declares: how to start it, how to tell it is healthy,
// and which ports it binds, so that `env:up`, `env:status` and `env:down` can
// treat all of them alike.

import type { Pki } from '../pki.ts';
import type { Ports } from '../ports.ts';
import type { ProbeResult } from '../probes.ts';

export interface ServerContext {
  readonly ports: Ports;
  readonly stateDir: string;
  readonly pki: Pki;
  /** Absolute path of a built or installed binary, by name (kube-apiserver, nats-server, ...). */
  readonly binary: (name: string) => string;
  /** Kubeconfig path for a control-plane identity. */
  readonly kubeconfig: (identity: 'admin' | 'controllerManager' | 'scheduler' | 'kwok') => string;
}

export interface Component {
  readonly name: string;
  /** Components in an earlier wave are healthy before a later wave starts. */
  readonly wave: 1 | 2 | 3;
  readonly binaryName: string;
  readonly ports: (ports: Ports) => number[];
  readonly args: (ctx: ServerContext) => string[];
  /** Environment variables added to the inherited ones (e.g. the Go runtime's GOGC). */
  readonly env?: Readonly<Record<string, string>>;
  /** Data folders, made before start and removed by `env:down`. */
  readonly dataDirs?: (ctx: ServerContext) => string[];
  readonly probe: (ctx: ServerContext) => Promise<ProbeResult>;
  /** Runs once the component is healthy after a fresh start. */
  readonly afterStart?: (ctx: ServerContext) => Promise<void>;
  readonly startTimeoutMs: number;
}
