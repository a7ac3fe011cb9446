import { describe, expect, it } from 'vitest';
import { parseStatusSubject, subjectsFor } from '../../crds/runtime-config/index.ts';
import { botSubjects, consumerName, symbolFromToken, symbolToken } from './subjects.ts';

describe('botSubjects', () => {
  const s = botSubjects({ namespace: 'trading', bot: 'eth-rsi' });

  it('names market data, events and streams under botcore.<ns>.<bot>', () => {
    expect(s.marketData('ETH/BTC', '1m')).toBe('botcore.trading.eth-rsi.md.ETH-BTC.1m');
    expect(s.marketDataAll).toBe('botcore.trading.eth-rsi.md.>');
    expect(s.event('fills')).toBe('botcore.trading.eth-rsi.evt.fills');
    expect(s.stream('positions')).toBe('BOTCORE_trading_eth-rsi_POSITIONS');
  });

  it('uses the operator contract for control and status', () => {
    expect({ control: s.control, status: s.status }).toEqual(subjectsFor('trading', 'eth-rsi'));
    expect(parseStatusSubject(s.status)).toEqual({ namespace: 'trading', name: 'eth-rsi' });
  });

  it('refuses names that would split or widen a subject', () => {
    expect(() => botSubjects({ namespace: 'trading', bot: 'eth.rsi' })).toThrow(/DNS label/);
    expect(() => botSubjects({ namespace: '*', bot: 'x' })).toThrow(/DNS label/);
    expect(() => s.marketData('ETHBTC', '1m')).toThrow(/BASE\/QUOTE/);
    expect(() => s.marketData('ETH/BTC', '>')).toThrow(/timeframe/);
    expect(() => consumerName('executor.ledger')).toThrow(/token/);
  });

  it('maps symbols to subject tokens and back', () => {
    expect(symbolToken('ADA/BTC')).toBe('ADA-BTC');
    expect(symbolFromToken('ADA-BTC')).toBe('ADA/BTC');
    expect(() => symbolFromToken('ADA')).toThrow();
  });
});
