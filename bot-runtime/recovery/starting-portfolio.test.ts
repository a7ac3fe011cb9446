import { describe, expect, it } from 'vitest';
import { dec, Instrument } from '../domain/index.ts';
import { storedFill as fill } from './fake-fills.ts';
import { portfolioFromFills } from './starting-portfolio.ts';

const instruments = ['ETH/BTC', 'LTC/BTC'].map(
  (symbol) =>
    new Instrument({
      symbol,
      base: symbol.split('/')[0]!,
      quote: 'BTC',
      tickSize: '0.000001',
      lotSize: '0.001',
    }),
);

describe('portfolioFromFills', () => {
  it('is the capital moved by every fill and its fee, with each position at its average price', () => {
    const fills = [
      fill(3, 'ETH/BTC', 'BUY', '1', '0.1', '0.0001'),
      fill(1, 'ETH/BTC', 'BUY', '2', '0.07', '0.00014'),
      fill(2, 'LTC/BTC', 'BUY', '5', '0.02', '0.0001'),
      fill(4, 'LTC/BTC', 'SELL', '5', '0.03', '0.00015'),
    ];
    const held = portfolioFromFills(fills, dec('1'), instruments);
    // 1 - 0.14 - 0.1 - 0.1 + 0.15 - fees (0.00014 + 0.0001 + 0.0001 + 0.00015)
    expect(held.cash.toFixed()).toBe('0.80951');
    expect(
      held.positions.map((p) => [
        p.symbol,
        p.quantity.toFixed(),
        p.averagePrice.toFixed(),
        p.realizedPnl?.toFixed(),
      ]),
    ).toEqual([
      ['ETH/BTC', '3', '0.08', '0'],
      ['LTC/BTC', '0', '0', '0.05'],
    ]);
    expect(held.lastFillTs).toBe(4_000);
  });

  it('is all cash without fills', () => {
    const held = portfolioFromFills([], dec('2.5'), instruments);
    expect(held).toEqual({ cash: dec('2.5'), positions: [], lastFillTs: Number.NEGATIVE_INFINITY });
  });
});
