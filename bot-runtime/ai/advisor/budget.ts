// The advisor's daily allowance (spec.ai.advisor.budget): at most N requests
// and at most so many US dollars per UTC day of the wall clock (it is real
// spending, whatever candles are being traded). Once either is reached the
// advisor is skipped until the next UTC day.
import { type Decimal, dec } from '../../domain/index.ts';

const DAY_MS = 86_400_000;

export interface BudgetLimits {
  readonly maxRequestsPerDay: number;
  /** US dollars, a decimal string. */
  readonly maxCostPerDay: string;
}

export class AdvisorBudget {
  readonly #maxRequests: number;
  readonly #maxCost: Decimal;
  #day = Number.NaN;
  #requests = 0;
  #cost = dec(0);

  constructor(limits: BudgetLimits) {
    this.#maxRequests = limits.maxRequestsPerDay;
    this.#maxCost = dec(limits.maxCostPerDay);
  }

  /** Why no request may be made at `now` (epoch ms), or undefined when one may. */
  exhausted(now: number): string | undefined {
    this.#roll(now);
    if (this.#requests >= this.#maxRequests)
      return `${this.#requests} requests today (maxRequestsPerDay ${this.#maxRequests})`;
    if (this.#cost.gte(this.#maxCost))
      return `$${this.#cost.toFixed()} spent today (maxCostPerDay $${this.#maxCost.toFixed()})`;
    return undefined;
  }

  /** Counts a request as it is sent, so a request that never answers still counts. */
  recordRequest(now: number): void {
    this.#roll(now);
    this.#requests++;
  }

  /** Adds what an answered request cost. */
  recordCost(now: number, usd: Decimal): void {
    this.#roll(now);
    this.#cost = this.#cost.plus(usd);
  }

  today(now: number): { readonly requests: number; readonly costUsd: string } {
    this.#roll(now);
    return { requests: this.#requests, costUsd: this.#cost.toFixed() };
  }

  #roll(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day === this.#day) return;
    this.#day = day;
    this.#requests = 0;
    this.#cost = dec(0);
  }
}
