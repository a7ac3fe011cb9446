// Leader election on a Lease, following client-go's leaderelection package:
// - A candidate takes the lease when it does not exist, is released (no
//   holder), or has not been renewed for its duration. "Not renewed" is
//   measured on OUR clock from when we last saw the lease change, never by
//   comparing the holder's renewTime with our clock, so clock skew between
//   replicas cannot make two of them lead.
// - Every write names the resourceVersion it read; when two candidates race,
//   the API server accepts one write and answers 409 to the other.
// - The leader renews every retry period. If it cannot renew for the renew
//   deadline (shorter than the lease duration) it stops leading before any
//   other replica may take over; if it sees another holder it stops at once.
// - `stop()` stops leading first (the callback drains in-flight work), then
//   releases the lease so the other replica takes over in one retry period
//   instead of waiting out the lease.
import { type Clock, realClock, type TimerHandle } from './clock.ts';
import type { LeaseRecord, LeaseStore, StoredLease } from './lease-store.ts';
import { type Logger, silentLogger } from './logger.ts';
import type { RuntimeMetrics } from './metrics.ts';

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  /** Unique per replica, e.g. the pod name plus a random suffix. */
  readonly identity: string;
  /** How long a lease is valid without renewal (default 15 s). */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it stops leading (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /** Called when this replica becomes leader. */
  readonly onStartedLeading?: () => void | Promise<void>;
  /** Called when this replica stops leading; it should stop acting and may wait for in-flight work. */
  readonly onStoppedLeading?: () => void | Promise<void>;
  /** Called when the observed holder changes (including to this replica). */
  readonly onNewLeader?: (identity: string) => void;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: RuntimeMetrics;
}

export type AttemptOutcome = 'acquired' | 'renewed' | 'held-by-other' | 'failed';

export class LeaderElector {
  readonly identity: string;
  readonly #store: LeaseStore;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #options: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #log: Logger;

  #leading = false;
  #running = false;
  #timer: TimerHandle | undefined;
  #step: Promise<void> = Promise.resolve();
  #lastRenewAt = 0;
  /** The lease as we last saw it, and when (our clock) it last changed. */
  #observed: StoredLease | undefined;
  #observedAt = 0;
  #observedHolder = '';

  constructor(options: LeaderElectorOptions) {
    this.identity = options.identity;
    this.#store = options.store;
    this.#leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (options.identity === '') throw new RangeError('leader election needs a non-empty identity');
    if (!(this.#retryPeriodMs > 0 && this.#retryPeriodMs < this.#renewDeadlineMs)) {
      throw new RangeError('retryPeriodMs must be positive and shorter than renewDeadlineMs');
    }
    if (!(this.#renewDeadlineMs < this.#leaseDurationMs)) {
      throw new RangeError('renewDeadlineMs must be shorter than leaseDurationMs');
    }
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#log = (options.logger ?? silentLogger()).child({
      lease: this.#store.description,
      identity: this.identity,
    });
    this.#setLeaderGauge(false);
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** The holder of the lease as last observed ('' when none). */
  get observedLeader(): string {
    return this.#observedHolder;
  }

  /** Starts trying to acquire the lease, then renewing it, in the background. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /**
   * Stops competing. A leader first stops leading (awaiting
   * `onStoppedLeading`, which drains in-flight work), then releases the lease.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#step;
    if (this.#leading) await this.#stopLeading('shutting down');
    await this.#release();
  }

  /** One acquire-or-renew round against the store. */
  async tryAcquireOrRenew(): Promise<AttemptOutcome> {
    const now = this.#clock.now();
    let current: StoredLease | undefined;
    try {
      current = await this.#store.get();
    } catch (error) {
      this.#log.warn({ err: error }, 'reading the lease failed');
      return 'failed';
    }

    const mine: LeaseRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000),
      acquireTime: new Date(now),
      renewTime: new Date(now),
      leaseTransitions: 0,
    };

    if (current === undefined) {
      try {
        this.#observe(await this.#store.create(mine));
        return 'acquired';
      } catch (error) {
        this.#log.debug({ err: error }, 'creating the lease failed');
        return 'failed';
      }
    }

    this.#observe(current);
    const { record } = current;
    const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== this.identity;
    if (heldByOther && this.#isObservedLeaseValid(now, record)) return 'held-by-other';

    const renewing = record.holderIdentity === this.identity;
    const next: LeaseRecord = renewing
      ? {
          ...mine,
          acquireTime: record.acquireTime ?? new Date(now),
          leaseTransitions: record.leaseTransitions,
        }
      : { ...mine, leaseTransitions: record.leaseTransitions + 1 };
    try {
      this.#observe(await this.#store.update(next, current.resourceVersion));
      return renewing && this.#leading ? 'renewed' : 'acquired';
    } catch (error) {
      this.#log.debug({ err: error }, 'writing the lease failed');
      return 'failed';
    }
  }

  #isObservedLeaseValid(now: number, record: LeaseRecord): boolean {
    const durationMs =
      record.leaseDurationSeconds > 0 ? record.leaseDurationSeconds * 1000 : this.#leaseDurationMs;
    return this.#observedAt + durationMs > now;
  }

  #observe(lease: StoredLease): void {
    if (this.#observed?.resourceVersion !== lease.resourceVersion) {
      this.#observed = lease;
      this.#observedAt = this.#clock.now();
    }
    const holder = lease.record.holderIdentity;
    if (holder !== this.#observedHolder) {
      this.#observedHolder = holder;
      if (holder !== '') {
        this.#log.info({ leader: holder }, 'new leader observed');
        try {
          this.#options.onNewLeader?.(holder);
        } catch (error) {
          this.#log.error({ err: error }, 'onNewLeader failed');
        }
      }
    }
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = this.#clock.setTimer(delayMs, () => {
      this.#timer = undefined;
      this.#step = this.#round();
    });
  }

  async #round(): Promise<void> {
    if (!this.#running) return;
    const startedAt = this.#clock.now();
    // A request may hang (a network partition drops packets rather than
    // refusing them): bound each attempt, for a leader by its renew deadline,
    // so it steps down in time even when the API server never answers.
    const limitMs = this.#leading
      ? this.#lastRenewAt + this.#renewDeadlineMs - startedAt
      : this.#renewDeadlineMs;
    const outcome = await this.#withTimeout(
      this.tryAcquireOrRenew(),
      Math.max(0, limitMs),
      'failed' as const,
    );
    const now = this.#clock.now();
    // stop() was called during the round; it steps down and releases what we hold.
    if (!this.#running) return;
    if (outcome === 'acquired' || outcome === 'renewed') {
      // Measured from before the write, so our deadline never ends after others' expiry.
      this.#lastRenewAt = startedAt;
      if (!this.#leading) this.#startLeading();
    } else if (this.#leading) {
      if (outcome === 'held-by-other') {
        await this.#stopLeading(`lease taken by ${this.#observedHolder}`);
      } else if (now - this.#lastRenewAt >= this.#renewDeadlineMs) {
        await this.#stopLeading('could not renew the lease before the renew deadline');
      }
    }
    this.#schedule(this.#retryPeriodMs);
  }

  /** The promise's value, or `fallback` once `ms` have passed without one. */
  #withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimer(ms, () => {
        this.#log.warn({ timeoutMs: ms }, 'lease request timed out');
        resolve(fallback);
      });
      const settle = (value: T): void => {
        timer.cancel();
        resolve(value);
      };
      void promise.then(settle, (error: unknown) => {
        this.#log.error({ err: error }, 'lease request failed unexpectedly');
        settle(fallback);
      });
    });
  }

  #startLeading(): void {
    this.#leading = true;
    this.#setLeaderGauge(true);
    this.#options.metrics?.leaderTransitions.inc({ lease: this.#store.description });
    this.#log.info('started leading');
    // Not awaited (client-go runs it in its own goroutine): starting work may
    // wait for caches to sync, and renewals must go on meanwhile.
    void (async () => {
      try {
        await this.#options.onStartedLeading?.();
      } catch (error) {
        this.#log.error({ err: error }, 'onStartedLeading failed');
      }
    })();
  }

  async #stopLeading(reason: string): Promise<void> {
    this.#leading = false;
    this.#setLeaderGauge(false);
    this.#options.metrics?.leaderTransitions.inc({ lease: this.#store.description });
    this.#log.warn({ reason }, 'stopped leading');
    try {
      await this.#options.onStoppedLeading?.();
    } catch (error) {
      this.#log.error({ err: error }, 'onStoppedLeading failed');
    }
  }

  /** Gives the lease up so another replica need not wait for it to expire. */
  async #release(): Promise<void> {
    const observed = this.#observed;
    if (observed === undefined || observed.record.holderIdentity !== this.identity) return;
    const now = new Date(this.#clock.now());
    const released = this.#store
      .update(
        {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: observed.record.leaseTransitions,
        },
        observed.resourceVersion,
      )
      .then(
        (lease) => {
          this.#observe(lease);
          this.#log.info('released the lease');
          return true;
        },
        (error: unknown) => {
          // Someone else wrote it meanwhile, or the server is away: it expires by itself.
          this.#log.warn({ err: error }, 'releasing the lease failed');
          return false;
        },
      );
    await this.#withTimeout(released, this.#renewDeadlineMs, false);
  }

  #setLeaderGauge(leading: boolean): void {
    this.#options.metrics?.isLeader.set({ lease: this.#store.description }, leading ? 1 : 0);
  }
}
