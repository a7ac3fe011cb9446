import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { indexByBot } from './children-by-bot.ts';
import type { InformerHandlers } from './runtime/index.ts';

function child(name: string, bot: string | undefined, namespace = 'desk'): KubernetesObject {
  return {
    metadata: {
      name,
      namespace,
      ...(bot === undefined ? {} : { labels: { 'trading.botcore.dev/bot': bot } }),
    },
  };
}

/** An informer that only delivers what the test says. */
function fakeInformer() {
  const handlers: Array<InformerHandlers<KubernetesObject>> = [];
  return {
    get: () => undefined,
    list: () => [],
    addHandlers: (h: InformerHandlers<KubernetesObject>) => {
      handlers.push(h);
    },
    add: (o: KubernetesObject) => {
      for (const h of handlers) h.add?.(o);
    },
    update: (o: KubernetesObject, old?: KubernetesObject) => {
      for (const h of handlers) h.update?.(o, old);
    },
    remove: (o: KubernetesObject) => {
      for (const h of handlers) h.delete?.(o);
    },
  };
}

const names = (objects: ReadonlyArray<KubernetesObject>) => objects.map((o) => o.metadata?.name).sort();

describe('indexByBot', () => {
  it("finds a bot's children by namespace and bot label, and nothing unlabelled", () => {
    const informer = fakeInformer();
    const cache = indexByBot(informer);
    informer.add(child('alpha-feed', 'alpha'));
    informer.add(child('alpha-executor', 'alpha'));
    informer.add(child('beta-feed', 'beta'));
    informer.add(child('alpha-feed', 'alpha', 'other-desk'));
    informer.add(child('loose', undefined));
    expect(names(cache.ofBot('desk', 'alpha'))).toEqual(['alpha-executor', 'alpha-feed']);
    expect(names(cache.ofBot('other-desk', 'alpha'))).toEqual(['alpha-feed']);
    expect(cache.ofBot('desk', 'gamma')).toEqual([]);
  });

  it('moves a child whose label changed (even without the old version) and forgets a deleted one', () => {
    const informer = fakeInformer();
    const cache = indexByBot(informer);
    informer.add(child('shared', 'alpha'));
    informer.update(child('shared', 'beta'), undefined);
    expect(cache.ofBot('desk', 'alpha')).toEqual([]);
    expect(names(cache.ofBot('desk', 'beta'))).toEqual(['shared']);
    informer.update(child('shared', undefined), child('shared', 'beta'));
    expect(cache.ofBot('desk', 'beta')).toEqual([]);
    informer.update(child('shared', 'beta'));
    informer.remove(child('shared', 'beta'));
    expect(cache.ofBot('desk', 'beta')).toEqual([]);
  });

  it('serves the newest version of a child', () => {
    const informer = fakeInformer();
    const cache = indexByBot(informer);
    informer.add(child('alpha-feed', 'alpha'));
    const newer = {
      ...child('alpha-feed', 'alpha'),
      metadata: { ...child('alpha-feed', 'alpha').metadata, resourceVersion: '9' },
    };
    informer.update(newer, child('alpha-feed', 'alpha'));
    expect(cache.ofBot('desk', 'alpha')[0]).toBe(newer);
  });
});
