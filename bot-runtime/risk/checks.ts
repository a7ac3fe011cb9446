// One small pure check per RiskPolicy field. Each takes the figures it needs
// (decimals for money, epoch milliseconds for time) and returns undefined to
// allow or a Denial with the figures. No state, no clock: the engine owns both.
import { Decimal, dec } from '../domain/index.ts';
import { deny, RiskCode, type Verdict } from './denial.ts';

const HUNDRED = dec(100);
const ONE_HUNDREDTH = dec('0.01');

const fractions = new Map<string, Decimal>();

/** A percentage as a fraction: times 0.01, exact, far cheaper than a division, and parsed once per string. */
function pct(p: Decimal | string): Decimal {
  if (typeof p !== 'string') return p.times(ONE_HUNDREDTH);
  let f = fractions.get(p);
  if (f === undefined) {
    f = dec(p).times(ONE_HUNDREDTH);
    fractions.set(p, f);
  }
  return f;
}

/** spec.halt: the emergency stop denies everything. */
export function checkHalt(halt: boolean, reason?: string): Verdict {
  return halt ? deny(RiskCode.HALT, reason ? { reason } : {}) : undefined;
}

/** spec.maxDailyLossPercent: the loss since the day's start reached the limit. */
export function checkDailyLoss(dayStartEquity: Decimal, equity: Decimal, maxPercent: string): Verdict {
  if (dayStartEquity.lte(0)) return undefined;
  const loss = dayStartEquity.minus(equity);
  if (loss.lte(0)) return undefined;
  const lossPercent = loss.div(dayStartEquity).times(HUNDRED);
  if (lossPercent.gte(dec(maxPercent)))
    return deny(RiskCode.DAILY_LOSS_LIMIT, {
      day_start_equity: dayStartEquity,
      equity,
      loss_percent: lossPercent.toDecimalPlaces(4),
      max_percent: maxPercent,
    });
  return undefined;
}

/** spec.maxDrawdownPercent: equity fell that far from its peak. */
export function checkDrawdown(peakEquity: Decimal, equity: Decimal, maxPercent: string): Verdict {
  if (peakEquity.lte(0) || equity.gte(peakEquity)) return undefined;
  const dd = peakEquity.minus(equity).div(peakEquity).times(HUNDRED);
  if (dd.gte(dec(maxPercent)))
    return deny(RiskCode.MAX_DRAWDOWN, {
      peak_equity: peakEquity,
      equity,
      drawdown_percent: dd.toDecimalPlaces(4),
      max_percent: maxPercent,
    });
  return undefined;
}

/** spec.cooldown: `consecutiveLosses` losing trades in a row pause new entries for `minutes` after the last one. */
export function checkCooldown(
  consecutiveLosses: number,
  lastLossAt: number,
  now: number,
  spec: { consecutiveLosses: number; minutes: number },
): Verdict {
  if (consecutiveLosses < spec.consecutiveLosses) return undefined;
  const until = lastLossAt + spec.minutes * 60_000;
  if (now >= until) return undefined;
  return deny(RiskCode.COOLDOWN, {
    consecutive_losses: consecutiveLosses,
    limit: spec.consecutiveLosses,
    until: new Date(until).toISOString(),
  });
}

/**
 * spec.maxPositionSizePercent and spec.maxPositionNotional (and the bot's
 * capital.maxAllocationPercent): the position after the order, valued at
 * `price`, within every cap.
 */
export function checkPositionSize(
  resultingNotional: Decimal,
  equity: Decimal,
  limits: { maxPositionSizePercent: string; maxPositionNotional?: string; maxAllocation?: Decimal },
): Verdict {
  const byPercent = equity.times(pct(limits.maxPositionSizePercent));
  let cap = byPercent;
  if (limits.maxPositionNotional !== undefined) cap = Decimal.min(cap, dec(limits.maxPositionNotional));
  if (limits.maxAllocation !== undefined) cap = Decimal.min(cap, limits.maxAllocation);
  if (resultingNotional.abs().gt(cap))
    return deny(RiskCode.POSITION_SIZE_EXCEEDED, {
      position_notional: resultingNotional.abs(),
      max_notional: cap,
      equity,
      max_percent: limits.maxPositionSizePercent,
    });
  return undefined;
}

/** spec.maxOpenPositions: opening one more position would exceed the count. */
export function checkOpenPositions(openPositions: number, opensNew: boolean, max: number): Verdict {
  if (!opensNew || openPositions + 1 <= max) return undefined;
  return deny(RiskCode.MAX_OPEN_POSITIONS, { open_positions: openPositions, max_open_positions: max });
}

/**
 * spec.maxCorrelatedExposurePercent: the exposure in the order's direction
 * across the order's symbol and every symbol whose rolling return correlation
 * with it is at least `threshold`, after the order, within the cap.
 */
export function checkCorrelatedExposure(
  symbol: string,
  direction: 1 | -1,
  resultingNotional: Decimal,
  others: readonly { symbol: string; notional: Decimal; correlation: number }[],
  equity: Decimal,
  maxPercent: string,
  threshold: number,
): Verdict {
  let total = resultingNotional.abs();
  const group: string[] = [symbol];
  for (const o of others) {
    if (o.symbol === symbol || !(o.correlation >= threshold)) continue;
    if (o.notional.isZero() || (o.notional.isPositive() ? 1 : -1) !== direction) continue;
    total = total.plus(o.notional.abs());
    group.push(o.symbol);
  }
  const cap = equity.times(pct(maxPercent));
  if (total.gt(cap))
    return deny(RiskCode.CORRELATED_EXPOSURE_EXCEEDED, {
      direction: direction > 0 ? 'long' : 'short',
      symbols: group.join(' '),
      exposure: total,
      max_exposure: cap,
      max_percent: maxPercent,
      correlation_threshold: threshold,
    });
  return undefined;
}

/** spec.pairLock: `stopLosses` stop-losses on the symbol within `minutes` lock it for `minutes` after the last. */
export function checkPairLock(
  symbol: string,
  stopLossTimes: readonly number[],
  now: number,
  spec: { stopLosses: number; minutes: number },
): Verdict {
  const window = spec.minutes * 60_000;
  // Find the latest run of `stopLosses` stops that fit in one window.
  for (let i = stopLossTimes.length - 1; i >= spec.stopLosses - 1; i--) {
    const last = stopLossTimes[i]!;
    const first = stopLossTimes[i - spec.stopLosses + 1]!;
    if (last - first <= window && now < last + window) {
      return deny(RiskCode.PAIR_LOCKED, {
        symbol,
        stop_losses: spec.stopLosses,
        minutes: spec.minutes,
        until: new Date(last + window).toISOString(),
      });
    }
  }
  return undefined;
}

/** spec.maxOrdersPerMinute: orders submitted in the 60 s before `now`, plus this one. */
export function checkOrderRate(orderTimes: readonly number[], now: number, maxPerMinute: number): Verdict {
  let recent = 0;
  for (let i = orderTimes.length - 1; i >= 0 && orderTimes[i]! > now - 60_000; i--) recent++;
  if (recent + 1 <= maxPerMinute) return undefined;
  return deny(RiskCode.ORDER_RATE_EXCEEDED, { orders_last_minute: recent, max_per_minute: maxPerMinute });
}
