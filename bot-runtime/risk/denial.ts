// Risk denials: a stable code (public API: logs, reports, tests and the
// RiskPolicy status match on it), the RiskPolicy rule it enforces, and the
// figures that decided it, as decimal strings.
import type { RiskBreach } from '../../crds/index.ts';

export const RiskCode = {
  HALT: 'HALT',
  TRADING_HALTED: 'TRADING_HALTED',
  REDUCE_ONLY: 'REDUCE_ONLY',
  DAILY_LOSS_LIMIT: 'DAILY_LOSS_LIMIT',
  COOLDOWN: 'COOLDOWN',
  POSITION_SIZE_EXCEEDED: 'POSITION_SIZE_EXCEEDED',
  CORRELATED_EXPOSURE_EXCEEDED: 'CORRELATED_EXPOSURE_EXCEEDED',
  MAX_OPEN_POSITIONS: 'MAX_OPEN_POSITIONS',
  MAX_DRAWDOWN: 'MAX_DRAWDOWN',
  PAIR_LOCKED: 'PAIR_LOCKED',
  ORDER_RATE_EXCEEDED: 'ORDER_RATE_EXCEEDED',
  SIZE_BELOW_MINIMUM: 'SIZE_BELOW_MINIMUM',
} as const;
export type RiskCode = (typeof RiskCode)[keyof typeof RiskCode];

export type RiskRule = RiskBreach['rule'] | 'tradingState' | 'sizing';

export const RULE_OF: Readonly<Record<RiskCode, RiskRule>> = {
  HALT: 'halt',
  TRADING_HALTED: 'tradingState',
  REDUCE_ONLY: 'tradingState',
  DAILY_LOSS_LIMIT: 'maxDailyLoss',
  COOLDOWN: 'cooldown',
  POSITION_SIZE_EXCEEDED: 'maxPositionSize',
  CORRELATED_EXPOSURE_EXCEEDED: 'maxCorrelatedExposure',
  MAX_OPEN_POSITIONS: 'maxOpenPositions',
  MAX_DRAWDOWN: 'maxDrawdown',
  PAIR_LOCKED: 'pairLock',
  ORDER_RATE_EXCEEDED: 'maxOrderRate',
  SIZE_BELOW_MINIMUM: 'sizing',
};

export interface Denial {
  readonly code: RiskCode;
  readonly rule: RiskRule;
  readonly figures: Readonly<Record<string, string>>;
}

/** A check's answer: undefined allows, a Denial denies. */
export type Verdict = Denial | undefined;

export function deny(code: RiskCode, figures: Record<string, unknown>): Denial {
  const f: Record<string, string> = {};
  for (const [k, v] of Object.entries(figures))
    f[k] =
      typeof v === 'object' && v !== null && 'toFixed' in v
        ? (v as { toFixed(): string }).toFixed()
        : String(v);
  return { code, rule: RULE_OF[code], figures: f };
}

/** `DAILY_LOSS_LIMIT: loss_percent=5.2, max_percent=5`, as NautilusTrader prints denials. */
export function formatDenial(d: Denial): string {
  const pairs = Object.entries(d.figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return pairs ? `${d.code}: ${pairs}` : d.code;
}
