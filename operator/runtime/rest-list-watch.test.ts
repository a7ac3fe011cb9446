import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Query, RestClient, WatchEvent } from './rest-client.ts';
import { RestListWatch } from './rest-list-watch.ts';

type Page = { items: V1ConfigMap[]; metadata: { resourceVersion: string; continue?: string } };

/** A RestClient stand-in: scripted list pages, and watches the test feeds and ends. */
function fakeClient(pages: Page[][]) {
  const lists: Query[] = [];
  const watches: Query[] = [];
  let feed: ((e: WatchEvent<V1ConfigMap>) => void) | undefined;
  let end: ((error?: unknown) => void) | undefined;
  const client = {
    async get<T>(_path: string, query: Query): Promise<T> {
      lists.push(query);
      const round = pages[0];
      const page = round?.shift();
      if (round !== undefined && round.length === 0) pages.shift();
      return page as T;
    },
    async watch<T>(_path: string, query: Query, onEvent: (e: WatchEvent<T>) => void) {
      watches.push(query);
      feed = onEvent as never;
      return { done: new Promise<void>((resolve, reject) => (end = (e) => (e ? reject(e) : resolve()))) };
    },
  } as unknown as RestClient;
  return {
    client,
    lists,
    watches,
    send: (e: WatchEvent<V1ConfigMap>) => feed?.(e),
    end: (error?: unknown) => end?.(error),
  };
}

const cm = (name: string, rv: string): V1ConfigMap => ({
  metadata: { name, namespace: 'n', resourceVersion: rv, managedFields: [{ manager: 'm' }] },
  data: { v: rv },
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RestListWatch', () => {
  it('lists page by page, caches shaped objects, then watches from the list resourceVersion', async () => {
    const fake = fakeClient([
      [
        { items: [cm('a', '1')], metadata: { resourceVersion: '5', continue: 'next' } },
        { items: [cm('b', '2')], metadata: { resourceVersion: '5' } },
      ],
    ]);
    const source = new RestListWatch<V1ConfigMap>(fake.client, { path: '/api/v1/configmaps' });
    const seen: string[] = [];
    source.on('add', (o: V1ConfigMap) => seen.push(`add ${o.metadata?.name}`));
    source.on('update', (o: V1ConfigMap) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    await source.start();
    expect(fake.lists.map((q) => q.continue)).toEqual([undefined, 'next']);
    expect(fake.watches[0]).toMatchObject({ resourceVersion: '5', allowWatchBookmarks: true });
    expect(source.get('a', 'n')?.metadata?.managedFields).toBeUndefined();
    fake.send({ type: 'MODIFIED', object: cm('a', '6') });
    fake.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } });
    expect(seen).toEqual(['add a', 'add b', 'update a 6']);
    await source.stop();
  });

  it('re-lists after 410 Gone, deleting what vanished and updating only what changed', async () => {
    const fake = fakeClient([
      [{ items: [cm('a', '1'), cm('b', '2')], metadata: { resourceVersion: '5' } }],
      [{ items: [cm('a', '1'), cm('c', '8')], metadata: { resourceVersion: '9' } }],
    ]);
    const source = new RestListWatch<V1ConfigMap>(fake.client, { path: '/api/v1/configmaps' });
    const seen: string[] = [];
    const errors: unknown[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) {
      source.on(verb, (o: V1ConfigMap) => seen.push(`${verb} ${o.metadata?.name}`));
    }
    source.on('error', (e: unknown) => errors.push(e));
    await source.start();
    fake.send({ type: 'ERROR', object: { code: 410 } as never });
    fake.end();
    await tick();
    await tick();
    expect(fake.lists).toHaveLength(2);
    expect(fake.watches[1]).toMatchObject({ resourceVersion: '9' });
    expect(seen).toEqual(['add a', 'add b', 'delete b', 'add c']);
    expect(errors).toEqual([]);
    await source.stop();
  });

  it('re-lists when the watch itself fails with 410 Gone', async () => {
    const fake = fakeClient([
      [{ items: [cm('a', '1')], metadata: { resourceVersion: '5' } }],
      [{ items: [cm('a', '1')], metadata: { resourceVersion: '9' } }],
    ]);
    const source = new RestListWatch<V1ConfigMap>(fake.client, { path: '/api/v1/configmaps' });
    const errors: unknown[] = [];
    source.on('error', (e: unknown) => errors.push(e));
    await source.start();
    fake.end(Object.assign(new Error('Gone'), { code: 410 }));
    await tick();
    await tick();
    expect(fake.lists).toHaveLength(2);
    expect(fake.watches[1]).toMatchObject({ resourceVersion: '9' });
    expect(errors).toEqual([]);
    await source.stop();
  });

  it('stops and reports any other failure once', async () => {
    const fake = fakeClient([[{ items: [], metadata: { resourceVersion: '1' } }]]);
    const source = new RestListWatch<V1ConfigMap>(fake.client, { path: '/api/v1/configmaps' });
    const errors: unknown[] = [];
    source.on('error', (e: unknown) => errors.push(e));
    await source.start();
    fake.end(Object.assign(new Error('forbidden'), { code: 403 }));
    await tick();
    expect(errors).toHaveLength(1);
    expect(fake.watches).toHaveLength(1);
  });
});
