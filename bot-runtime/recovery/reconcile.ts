// The ledger check the fault tests end with: every fill exactly once, and each
// stored position equal to its fills, both as the domain's fold and as a plain
// signed sum of quantities computed here independently of that fold.
import { applyFillToPosition, dec, flatPosition, type Position, ZERO } from '../domain/index.ts';
import type { HotState } from '../store/hot-state.ts';
import type { Ledger } from '../store/ledger.ts';
import { fillFromRecord, type PositionSnapshot } from '../store/records.ts';

export interface PositionMismatch {
  readonly symbol: string;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  readonly where: 'ledger' | 'hot-state';
}

export interface LedgerCheck {
  readonly ok: boolean;
  readonly fillCount: number;
  /** Fill ids present more than once. */
  readonly duplicates: readonly string[];
  /** Expected fill ids the ledger lacks. */
  readonly missing: readonly string[];
  /** Fill ids in the ledger that were not expected (only when `expectedFillIds` is given). */
  readonly unexpected: readonly string[];
  readonly mismatches: readonly PositionMismatch[];
}

export interface ReconcileOptions {
  /** Every fill id that was produced; each must be in the ledger exactly once. */
  readonly expectedFillIds?: Iterable<string>;
  /** Also compare the hot state's positions. */
  readonly hot?: HotState;
}

export async function reconcileLedger(ledger: Ledger, options: ReconcileOptions = {}): Promise<LedgerCheck> {
  const fills = await ledger.fills();
  const counts = new Map<string, number>();
  for (const f of fills) counts.set(f.fillId, (counts.get(f.fillId) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const seqs = new Set(fills.map((f) => f.seq));
  if (seqs.size !== fills.length) duplicates.push('(a seq is used twice)');

  let missing: string[] = [];
  let unexpected: string[] = [];
  if (options.expectedFillIds) {
    const expected = new Set(options.expectedFillIds);
    missing = [...expected].filter((id) => !counts.has(id));
    unexpected = [...counts.keys()].filter((id) => !expected.has(id));
  }

  const folded = new Map<string, { position: Position; fillSeq: number; signed: ReturnType<typeof dec> }>();
  for (const f of [...fills].sort((a, b) => a.seq - b.seq)) {
    const held = folded.get(f.symbol) ?? {
      position: flatPosition(f.symbol, f.quote),
      fillSeq: 0,
      signed: ZERO,
    };
    const quantity = dec(f.quantity);
    folded.set(f.symbol, {
      position: applyFillToPosition(held.position, fillFromRecord(f)),
      fillSeq: f.seq,
      signed: f.side === 'BUY' ? held.signed.plus(quantity) : held.signed.minus(quantity),
    });
  }

  const mismatches: PositionMismatch[] = [];
  const compare = (stored: readonly PositionSnapshot[], where: PositionMismatch['where']) => {
    const bySymbol = new Map(stored.map((s) => [s.symbol, s]));
    const symbols = new Set([...bySymbol.keys(), ...folded.keys()]);
    for (const symbol of symbols) {
      const expected = folded.get(symbol);
      const actual = bySymbol.get(symbol);
      const diff = (field: string, e: string, a: string | undefined) => {
        if (a === undefined || e !== a)
          mismatches.push({ symbol, field, expected: e, actual: a ?? '(none)', where });
      };
      if (!expected) {
        if (actual && !dec(actual.quantity).isZero()) diff('quantity', '0', actual.quantity);
        continue;
      }
      if (!expected.signed.eq(expected.position.quantity)) {
        diff('quantity (fold vs sum)', expected.signed.toFixed(), expected.position.quantity.toFixed());
      }
      const q = actual === undefined ? undefined : dec(actual.quantity);
      diff(
        'quantity',
        expected.signed.toFixed(),
        q?.eq(expected.signed) ? expected.signed.toFixed() : actual?.quantity,
      );
      diff('fillCount', String(expected.position.fillCount), actual?.fillCount.toString());
      diff('fillSeq', String(expected.fillSeq), actual?.fillSeq.toString());
      diff('averagePrice', expected.position.averagePrice.toFixed(), actual?.averagePrice);
      diff('realizedPnl', expected.position.realizedPnl.amount.toFixed(), actual?.realizedPnl);
    }
  };
  compare(await ledger.positions(), 'ledger');
  if (options.hot) compare(await options.hot.positions(), 'hot-state');

  return {
    ok: duplicates.length === 0 && missing.length === 0 && unexpected.length === 0 && mismatches.length === 0,
    fillCount: fills.length,
    duplicates,
    missing,
    unexpected,
    mismatches,
  };
}
