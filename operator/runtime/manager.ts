// Runs a set of controllers as one process, the way controller-runtime's
// manager does:
// - informers run on every replica, so a standby has warm caches and is
//   ready (readiness = every informer synced);
// - with leader election, only the leader's workers reconcile; without it,
//   workers start once the caches have synced;
// - `stop()` (wired to SIGTERM/SIGINT by `installSignalHandlers`) goes:
//   stop leading (workers finish in-flight reconciles, then the lease is
//   released so the other replica takes over at once), stop informers, drain
//   the queues, close the health server.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type Clock, realClock } from './clock.ts';
import type { Controller } from './controller.ts';
import { HealthServer } from './health-server.ts';
import { LeaderElector } from './leader-election.ts';
import type { LeaseStore } from './lease-store.ts';
import { type Logger, silentLogger } from './logger.ts';
import { type RuntimeMetrics, runtimeMetrics } from './metrics.ts';
import { installShutdown, type ShutdownHandle, type ShutdownOptions, type ShutdownStep } from './shutdown.ts';

export interface LeaderElectionSettings {
  readonly store: LeaseStore;
  /** Default: hostname plus a random suffix, so a restarted pod is a new candidate. */
  readonly identity?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface ManagerOptions {
  readonly logger?: Logger;
  readonly registry?: Registry;
  readonly clock?: Clock;
  /** Health and metrics server; `false` for none (tests, `botcore run`). */
  readonly health?: { readonly port?: number; readonly host?: string } | false;
  /** Lease-based leader election; `false` when a single replica runs. */
  readonly leaderElection?: LeaderElectionSettings | false;
  /**
   * prom-client's process and Node.js metrics (memory, CPU, event loop lag),
   * on the registry the manager creates (default true; a registry passed in is left as it is).
   */
  readonly processMetrics?: boolean;
}

export class Manager {
  readonly registry: Registry;
  readonly metrics: RuntimeMetrics;
  readonly #log: Logger;
  readonly #controllers: Controller[] = [];
  readonly #health: HealthServer | undefined;
  readonly #elector: LeaderElector | undefined;
  readonly #clock: Clock;
  #synced: Promise<void> | undefined;
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.metrics = runtimeMetrics(this.registry);
    if (options.processMetrics !== false && options.registry === undefined) {
      collectDefaultMetrics({ register: this.registry });
    }
    this.#log = options.logger ?? silentLogger();
    this.#clock = options.clock ?? realClock;
    if (options.health !== false) {
      this.#health = new HealthServer({
        registry: this.registry,
        logger: this.#log,
        ...(options.health?.port === undefined ? {} : { port: options.health.port }),
        ...(options.health?.host === undefined ? {} : { host: options.health.host }),
      });
      this.#health.addLivenessCheck('process', () => true);
      this.#health.addReadinessCheck('informers', () => this.#informersReady());
    }
    if (options.leaderElection) {
      const le = options.leaderElection;
      this.#elector = new LeaderElector({
        store: le.store,
        identity: le.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`,
        clock: this.#clock,
        logger: this.#log,
        metrics: this.metrics,
        ...(le.leaseDurationMs === undefined ? {} : { leaseDurationMs: le.leaseDurationMs }),
        ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
        ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
        onStartedLeading: () => this.#startWorkers(),
        onStoppedLeading: () => this.#pauseWorkers(),
      });
    }
  }

  add(controller: Controller): void {
    if (this.#started) throw new Error('add controllers before start()');
    this.#controllers.push(controller);
  }

  get controllers(): ReadonlyArray<Controller> {
    return this.#controllers;
  }

  /** Leading (always true without leader election once started). */
  get isLeader(): boolean {
    return this.#elector === undefined
      ? this.#started && this.#stopping === undefined
      : this.#elector.isLeader;
  }

  get leaderElector(): LeaderElector | undefined {
    return this.#elector;
  }

  /** Starts the health server, the informers and leader election (or the workers); resolves once listening. */
  async start(): Promise<{ healthPort: number | undefined }> {
    if (this.#started) throw new Error('manager already started');
    this.#started = true;
    const healthPort = await this.#health?.listen();
    // Unique informers: several controllers may share one.
    const informers = new Set(this.#controllers.flatMap((c) => c.informers));
    this.#synced = Promise.all([...informers].map((i) => i.start().then(() => i.waitForSync()))).then(
      () => {},
    );
    if (this.#elector !== undefined) {
      this.#elector.start();
    } else {
      void this.#startWorkers();
    }
    return { healthPort };
  }

  /** Resolves when every informer has synced once. */
  async waitForSync(): Promise<void> {
    await this.#synced;
  }

  /** The ordered shutdown; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const step of this.shutdownSteps()) {
        try {
          this.#log.info({ step: step.name }, 'manager stopping');
          await step.run();
        } catch (error) {
          this.#log.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
    })();
    return this.#stopping;
  }

  /** The shutdown steps, in order; `installSignalHandlers` runs them on SIGTERM/SIGINT. */
  shutdownSteps(): ShutdownStep[] {
    const informers = new Set(this.#controllers.flatMap((c) => c.informers));
    return [
      {
        name: 'stop leading',
        // The elector pauses the workers (in-flight reconciles finish) before it releases the lease.
        run: () => (this.#elector !== undefined ? this.#elector.stop() : this.#pauseWorkers()),
      },
      {
        name: 'stop informers',
        run: async () => void (await Promise.all([...informers].map((i) => i.stop()))),
      },
      {
        name: 'drain queues',
        run: async () => void (await Promise.all(this.#controllers.map((c) => c.drainQueue()))),
      },
      { name: 'close server', run: () => this.#health?.close() },
    ];
  }

  /** Wires SIGTERM/SIGINT to `stop()` and then exits the process. */
  installSignalHandlers(options: Omit<ShutdownOptions, 'steps' | 'logger' | 'clock'> = {}): ShutdownHandle {
    return installShutdown({
      ...options,
      logger: this.#log,
      clock: this.#clock,
      steps: [{ name: 'manager', run: () => this.stop() }],
    });
  }

  async #startWorkers(): Promise<void> {
    await this.#synced;
    // Leadership may have been lost, or shutdown begun, while the caches synced.
    if (this.#stopping !== undefined) return;
    if (this.#elector !== undefined && !this.#elector.isLeader) return;
    for (const controller of this.#controllers) {
      if (!controller.queue.isShutDown) controller.runWorkers();
    }
  }

  async #pauseWorkers(): Promise<void> {
    await Promise.all(this.#controllers.map((c) => c.pauseWorkers()));
  }

  #informersReady(): true | string {
    const waiting = this.#controllers.flatMap((c) =>
      c.informers.filter((i) => !i.hasSynced).map((i) => i.name),
    );
    return waiting.length === 0 ? true : `not synced: ${[...new Set(waiting)].join(', ')}`;
  }
}
