import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { OwnWrites } from './own-writes.ts';

const bot = (resourceVersion: string, uid = 'u1'): KubernetesObject => ({
  metadata: { name: 'alpha', namespace: 'desk', uid, resourceVersion },
});

describe('OwnWrites', () => {
  it('serves our own newer write until the cache catches up, then the cache', () => {
    const own = new OwnWrites();
    const written = bot('12');
    own.remember('desk/alpha', written);
    expect(own.fresher('desk/alpha', bot('11'))).toEqual(written);
    const caughtUp = bot('12');
    expect(own.fresher('desk/alpha', caughtUp)).toBe(caughtUp);
    // Dropped once caught up: an older cached copy no longer meets our write.
    const older = bot('11');
    expect(own.fresher('desk/alpha', older)).toBe(older);
  });

  it('keeps no managedFields of what it remembers', () => {
    const own = new OwnWrites();
    const written = bot('12');
    own.remember('desk/alpha', {
      ...written,
      metadata: { ...written.metadata, managedFields: [{ manager: 'botcore-operator' }] },
    });
    expect(own.fresher('desk/alpha', bot('11'))?.metadata).toEqual(written.metadata);
  });

  it('prefers the cache when someone else wrote after us', () => {
    const own = new OwnWrites();
    own.remember('desk/alpha', bot('12'));
    const theirs = bot('15');
    expect(own.fresher('desk/alpha', theirs)).toBe(theirs);
  });

  it('never serves a write to an earlier object of the same name, nor versions it cannot compare', () => {
    const own = new OwnWrites();
    own.remember('desk/alpha', bot('12', 'old-uid'));
    const recreated = bot('5', 'new-uid');
    expect(own.fresher('desk/alpha', recreated)).toBe(recreated);
    own.remember('desk/alpha', bot('opaque-2'));
    const cached = bot('opaque-1');
    expect(own.fresher('desk/alpha', cached)).toBe(cached);
  });

  it('forgets a bot that is gone from the cache', () => {
    const own = new OwnWrites();
    own.remember('desk/alpha', bot('12'));
    expect(own.fresher('desk/alpha', undefined)).toBeUndefined();
    const back = bot('3');
    expect(own.fresher('desk/alpha', back)).toBe(back);
  });
});
