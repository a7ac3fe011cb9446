import { describe, expect, it } from 'vitest';
import { fillIdOf } from '../store/records.ts';
import { messageIds } from './message-ids.ts';

describe('messageIds', () => {
  it('gives one fact one id', () => {
    expect(messageIds.fill('o-1', 't-7')).toBe('o-1:t-7');
    expect(fillIdOf('o-1', 't-7')).toBe(messageIds.fill('o-1', 't-7'));
    expect(messageIds.order('o-1')).toBe('o-1#new');
    expect(messageIds.orderEvent('o-1', 3)).toBe('o-1#3');
    expect(messageIds.position('ETHBTC', 42)).toBe('ETHBTC@42');
    expect(messageIds.signal('rsi-fast', 'ETH/BTC', 1_700_000_000_000)).toBe(
      'rsi-fast:ETH/BTC:1700000000000',
    );
  });

  it('keeps different facts apart', () => {
    expect(messageIds.fill('o-1', 't-12')).not.toBe(messageIds.fill('o-11', 't-2'));
    expect(messageIds.orderEvent('o-1', 12)).not.toBe(messageIds.orderEvent('o-11', 2));
  });
});
