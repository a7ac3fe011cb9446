// The trading state that gates every order. Restrictions pile up (a cooldown
// during a daily-loss halt, say); the state is the most severe one in force.
// ACTIVE trades; REDUCING only reduces or closes positions; HALTED submits nothing.
import type { RiskStatus } from '../../crds/index.ts';
import { objectList } from '../domain/lists.ts';
import type { RiskCode } from './denial.ts';

export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface Restriction {
  readonly state: 'REDUCING' | 'HALTED';
  readonly code: RiskCode;
  readonly reason: string;
  /** Epoch ms when it lifts by itself; undefined: until lifted explicitly. */
  readonly until: number | undefined;
}

/** `filter` into a list made by objectList (filter's own result starts as small integers when it keeps nothing). */
function where(list: readonly Restriction[], keep: (r: Restriction) => boolean): Restriction[] {
  const out = objectList<Restriction>();
  for (const r of list) if (keep(r)) out.push(r);
  return out;
}

export class TradingStateMachine {
  // Every list this field holds is made by objectList or `where`: one elements kind, one shape for the optimizer.
  #restrictions: Restriction[] = objectList();
  /** Bumped on every change, so a caller can notice one without comparing lists. */
  version = 0;

  get state(): TradingState {
    let s: TradingState = 'ACTIVE';
    for (const r of this.#restrictions) {
      if (r.state === 'HALTED') return 'HALTED';
      s = 'REDUCING';
    }
    return s;
  }

  get restrictions(): readonly Restriction[] {
    return this.#restrictions;
  }

  /** The restriction that decides the state (the most severe, then the longest). */
  get current(): Restriction | undefined {
    let best: Restriction | undefined;
    for (const r of this.#restrictions) {
      if (!best) best = r;
      else if (r.state === 'HALTED' && best.state !== 'HALTED') best = r;
      else if (r.state === best.state && (r.until ?? Infinity) > (best.until ?? Infinity)) best = r;
    }
    return best;
  }

  /** Adds a restriction; one per code, the later replacing the earlier. */
  restrict(r: Restriction): void {
    this.#restrictions = where(this.#restrictions, (x) => x.code !== r.code);
    this.#restrictions.push(r);
    this.version++;
  }

  lift(code: RiskCode): void {
    const before = this.#restrictions.length;
    this.#restrictions = where(this.#restrictions, (x) => x.code !== code);
    if (this.#restrictions.length !== before) this.version++;
  }

  has(code: RiskCode): boolean {
    return this.#restrictions.some((x) => x.code === code);
  }

  /** Drops restrictions whose time is over. Cheap when there are none. */
  tick(now: number): void {
    const list = this.#restrictions;
    let expired = false;
    for (let i = 0; i < list.length; i++) {
      const until = list[i]!.until;
      if (until !== undefined && now >= until) expired = true;
    }
    // No allocation unless something ends (a halted bot ticks on every candle).
    if (!expired) return;
    this.#restrictions = where(list, (r) => r.until === undefined || now < r.until);
    this.version++;
  }

  /** The status form (`status.risk` of a TradingBot); a cooldown shows as CoolingDown. */
  status(): Pick<RiskStatus, 'state' | 'reason' | 'until'> {
    const c = this.current;
    if (!c) return { state: 'Active' };
    const state = c.state === 'HALTED' ? 'Halted' : c.code === 'COOLDOWN' ? 'CoolingDown' : 'Reducing';
    return {
      state,
      reason: c.reason,
      ...(c.until !== undefined ? { until: new Date(c.until).toISOString() } : {}),
    };
  }
}
