// Runtime reports: the latest one per bot, and a trigger that folds them into
// status at a bounded rate (at most one reconcile per bot per interval,
// however fast the executor publishes). A report that repeats the last one
// (apart from its time) only refreshes it in memory; it wakes the controller
// again after `refreshMs`, so lastUpdateTime moves on without a reconcile
// per report.
import {
  describeContractErrors,
  parseStatusSubject,
  type RuntimeReport,
  validateRuntimeReport,
} from '../crds/runtime-config/index.ts';
import { canonicalJson } from './render/hash.ts';
import type { Clock, Logger, TimerHandle } from './runtime/index.ts';

export interface ReceivedReport {
  readonly report: RuntimeReport;
  /** Operator clock when it arrived. */
  readonly receivedAt: number;
}

export class ReportStore {
  readonly #latest = new Map<string, ReceivedReport>();
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #onReport: (key: string) => void;
  readonly #counted: ((result: 'accepted' | 'invalid') => void) | undefined;
  readonly #refreshMs: number;
  /**
   * The latest breach each bot reported, kept when later reports omit it: a
   * report every few hundred ms would otherwise replace a breach before the
   * policy's reconcile gets to read it.
   */
  readonly #breaches = new Map<string, NonNullable<RuntimeReport['lastBreach']>>();
  /** What the last report that woke the controller said (without its time), and when. */
  readonly #woke = new Map<string, { content: string; at: number }>();

  constructor(options: {
    clock: Clock;
    logger: Logger;
    onReport: (key: string) => void;
    counted?: (result: 'accepted' | 'invalid') => void;
    /** A repeated report wakes the controller at most this often (default 30 s). */
    refreshMs?: number;
  }) {
    this.#refreshMs = options.refreshMs ?? 30_000;
    this.#counted = options.counted;
    this.#clock = options.clock;
    this.#log = options.logger.child({ component: 'reports' });
    this.#onReport = options.onReport;
  }

  /** A message from `botcore.<namespace>.<bot>.status`. */
  receive(subject: string, body: unknown): void {
    const bot = parseStatusSubject(subject);
    if (bot === undefined) return;
    const result = validateRuntimeReport(body);
    this.#counted?.(result.valid ? 'accepted' : 'invalid');
    if (!result.valid) {
      this.#log.warn(
        { subject, errors: describeContractErrors(result.errors) },
        'dropped an invalid runtime report',
      );
      return;
    }
    const key = `${bot.namespace}/${bot.name}`;
    const now = this.#clock.now();
    this.#latest.set(key, { report: result.value, receivedAt: now });
    const breach = result.value.lastBreach;
    const kept = this.#breaches.get(key);
    if (breach !== undefined && (kept === undefined || Date.parse(breach.time) >= Date.parse(kept.time))) {
      this.#breaches.set(key, breach);
    }
    const content = canonicalJson({ ...result.value, time: undefined });
    const woke = this.#woke.get(key);
    if (woke !== undefined && woke.content === content && now - woke.at < this.#refreshMs) return;
    this.#woke.set(key, { content, at: now });
    this.#onReport(key);
  }

  get(key: string): ReceivedReport | undefined {
    return this.#latest.get(key);
  }

  /** The newest breach the bot has reported, whether or not its latest report repeats it. */
  lastBreach(key: string): RuntimeReport['lastBreach'] {
    return this.#breaches.get(key);
  }

  delete(key: string): void {
    this.#latest.delete(key);
    this.#breaches.delete(key);
    this.#woke.delete(key);
  }
}

/** Calls `fire(key)` at most once per `intervalMs` per key; a call inside the interval is delayed, not lost. */
export class BoundedTrigger {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #fire: (key: string) => void;
  readonly #last = new Map<string, number>();
  readonly #scheduled = new Map<string, TimerHandle>();

  constructor(intervalMs: number, clock: Clock, fire: (key: string) => void) {
    this.#intervalMs = intervalMs;
    this.#clock = clock;
    this.#fire = fire;
  }

  trigger(key: string): void {
    if (this.#scheduled.has(key)) return;
    const now = this.#clock.now();
    const last = this.#last.get(key);
    const wait = last === undefined ? 0 : last + this.#intervalMs - now;
    if (wait <= 0) {
      this.#last.set(key, now);
      this.#fire(key);
      return;
    }
    this.#scheduled.set(
      key,
      this.#clock.setTimer(wait, () => {
        this.#scheduled.delete(key);
        this.#last.set(key, this.#clock.now());
        this.#fire(key);
      }),
    );
  }

  stop(): void {
    for (const timer of this.#scheduled.values()) timer.cancel();
    this.#scheduled.clear();
  }
}
