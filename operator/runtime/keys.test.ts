import { describe, expect, it } from 'vitest';
import { controllerOwnerKey, objectKey, parseKey } from './keys.ts';

describe('keys', () => {
  it('names namespaced and cluster-scoped objects, and parses the names back', () => {
    expect(objectKey({ metadata: { namespace: 'bots', name: 'btc-rsi' } })).toBe('bots/btc-rsi');
    expect(objectKey({ metadata: { name: 'global-policy' } })).toBe('global-policy');
    expect(parseKey('bots/btc-rsi')).toEqual({ namespace: 'bots', name: 'btc-rsi' });
    expect(parseKey('global-policy')).toEqual({ namespace: undefined, name: 'global-policy' });
  });

  it('maps a child to its controlling owner of the given kind only', () => {
    const toBot = controllerOwnerKey('trading.botcore.dev/v1alpha1', 'TradingBot');
    const ref = {
      apiVersion: 'trading.botcore.dev/v1alpha1',
      kind: 'TradingBot',
      name: 'btc-rsi',
      uid: 'u1',
    };
    expect(
      toBot({ metadata: { namespace: 'bots', name: 'p', ownerReferences: [{ ...ref, controller: true }] } }),
    ).toEqual(['bots/btc-rsi']);
    expect(toBot({ metadata: { namespace: 'bots', name: 'p', ownerReferences: [ref] } })).toEqual([]);
    expect(
      toBot({
        metadata: {
          namespace: 'bots',
          name: 'p',
          ownerReferences: [{ ...ref, kind: 'Other', controller: true }],
        },
      }),
    ).toEqual([]);
    expect(toBot({ metadata: { name: 'p' } })).toEqual([]);
  });
});
