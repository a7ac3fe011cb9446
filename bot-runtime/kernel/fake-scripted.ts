// What the kernel's hand-worked tests share: a strategy that signals from a
// script, and a one-strategy bot with round fees and no slippage, so every
// figure can be worked out by hand. For tests only.
import type { TradingBotSpec } from '../../crds/index.ts';
import { tradingBotSpec } from '../../crds/index.ts';
import { Instrument } from '../domain/index.ts';
import type { Signal, Strategy } from '../strategies/index.ts';

/** Signals by candle index, whatever the candle. */
export class Scripted implements Strategy {
  readonly name = 'script';
  readonly type = 'rsi' as const;
  readonly warmup = 0;
  readonly ready = true;
  readonly script: Record<number, Signal>;
  #i = 0;
  constructor(script: Record<number, Signal>) {
    this.script = script;
  }
  onStart(): void {
    this.#i = 0;
  }
  onBar(): Signal {
    return this.script[this.#i++] ?? 0;
  }
  onStop(): void {}
}

/** 100 BTC of capital on 5m candles; taker fee 0.1 %, no slippage, 50 ms latency, whole fills. */
export function scriptedBot(symbols: readonly string[] = ['ETH/BTC']): TradingBotSpec {
  return tradingBotSpec(
    {
      exchange: { name: 'binance' },
      symbols,
      timeframe: '5m',
      capital: { amount: '100', currency: 'BTC' },
      strategies: [{ name: 'script', type: 'rsi', rsi: {} }],
      execution: { takerFeePercent: '0.1', slippageBps: 0, latencyMs: 50, partialFills: false },
    },
    'k',
  );
}

/** `<base>/BTC` on a 0.01 tick and a 0.01 lot. */
export function btcInstrument(base: string): Instrument {
  return new Instrument({ symbol: `${base}/BTC`, base, quote: 'BTC', tickSize: '0.01', lotSize: '0.01' });
}
