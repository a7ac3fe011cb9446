// Which of the bot's services (NATS, Redis, MongoDB) are reachable right now.
// The clients' own connection events flip a dependency at once; a periodic
// ping catches what events miss (a server that hangs without closing) and
// confirms recovery, so trading resumes by itself. While a required
// dependency is down, `canOpenPositions()` is false: the executor may still
// reduce or close positions, but it opens none, says why in its status
// report, and exports `botcore_dependency_up{dependency}` = 0.
import { register as defaultRegistry, Gauge, type Registry } from 'prom-client';

export interface DependencyProbe {
  readonly name: string;
  /** A required dependency being down stops new positions; an optional one only shows. */
  readonly required: boolean;
  /** Resolves when the dependency answers. */
  ping(): Promise<void>;
  /** Connection events of the client: report(false) when it drops, report(true) when it is back. Returns an unsubscribe. */
  watch?(report: (up: boolean, reason?: string) => void): () => void;
}

export interface DependencyState {
  readonly up: boolean;
  /** When the current state began (epoch ms); 0 before the first check. */
  readonly since: number;
  readonly reason: string | undefined;
}

export interface DependencyMonitorOptions {
  readonly intervalMs?: number;
  readonly pingTimeoutMs?: number;
  readonly registry?: Registry;
  readonly now?: () => number;
  readonly onChange?: (name: string, state: DependencyState) => void;
}

export const DEPENDENCY_UP_METRIC = 'botcore_dependency_up';

export class DependencyMonitor {
  readonly #probes: readonly DependencyProbe[];
  readonly #states = new Map<string, DependencyState>();
  readonly #gauge: Gauge<'dependency'>;
  readonly #intervalMs: number;
  readonly #pingTimeoutMs: number;
  readonly #now: () => number;
  readonly #onChange: DependencyMonitorOptions['onChange'];
  readonly #unwatch: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;

  constructor(probes: readonly DependencyProbe[], options: DependencyMonitorOptions = {}) {
    const names = new Set(probes.map((p) => p.name));
    if (names.size !== probes.length) throw new Error('dependency names must be unique');
    this.#probes = probes;
    this.#intervalMs = options.intervalMs ?? 2000;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 1500;
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onChange;
    const registry = options.registry ?? defaultRegistry;
    const existing = registry.getSingleMetric(DEPENDENCY_UP_METRIC);
    this.#gauge =
      (existing as Gauge<'dependency'> | undefined) ??
      new Gauge({
        name: DEPENDENCY_UP_METRIC,
        help: 'Whether the runtime reaches a service it depends on (1 up, 0 down).',
        labelNames: ['dependency'],
        registers: [registry],
      });
    // Unknown counts as down: nothing opens before the first successful check.
    for (const p of probes) {
      this.#states.set(p.name, { up: false, since: 0, reason: 'not checked yet' });
      this.#gauge.set({ dependency: p.name }, 0);
    }
  }

  /** Starts watching and pinging; resolves after the first round of pings. */
  async start(): Promise<void> {
    if (this.#timer) return;
    for (const probe of this.#probes) {
      const unwatch = probe.watch?.((up, reason) => this.#set(probe.name, up, reason));
      if (unwatch) this.#unwatch.push(unwatch);
    }
    await this.check();
    this.#timer = setInterval(() => {
      void this.check();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
  }

  /** Pings every dependency once (concurrent calls share one round). */
  check(): Promise<void> {
    this.#checking ??= Promise.all(this.#probes.map((p) => this.#ping(p)))
      .then(() => undefined)
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  async #ping(probe: DependencyProbe): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#pingTimeoutMs} ms`)),
            this.#pingTimeoutMs,
          );
        }),
      ]);
      this.#set(probe.name, true, undefined);
    } catch (error) {
      this.#set(probe.name, false, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  #set(name: string, up: boolean, reason: string | undefined): void {
    const current = this.#states.get(name);
    if (!current) return;
    if (current.up === up && current.since !== 0) return;
    const state: DependencyState = { up, since: this.#now(), reason: up ? undefined : reason };
    this.#states.set(name, state);
    this.#gauge.set({ dependency: name }, up ? 1 : 0);
    this.#onChange?.(name, state);
  }

  /** False while any required dependency is down. */
  canOpenPositions(): boolean {
    return this.#probes.every((p) => !p.required || this.#states.get(p.name)?.up === true);
  }

  isUp(name: string): boolean {
    return this.#states.get(name)?.up === true;
  }

  states(): Record<string, DependencyState> {
    return Object.fromEntries(this.#states);
  }

  /** For the status report: why positions cannot open, or undefined when they can. */
  message(): string | undefined {
    const down = this.#probes.filter((p) => p.required && !this.isUp(p.name));
    if (down.length === 0) return undefined;
    const parts = down.map((p) => `${p.name} (${this.#states.get(p.name)?.reason ?? 'down'})`);
    return `not opening positions: ${parts.join(', ')} unavailable`;
  }
}
