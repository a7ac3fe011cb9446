import { describe, expect, it } from 'vitest';
import { OpenedOnce } from './opened-once.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('OpenedOnce', () => {
  it('shares one open between callers while it is in flight', async () => {
    const opened = new OpenedOnce<string>();
    let opens = 0;
    const open = async () => `pull ${++opens}`;
    const [a, b] = await Promise.all([opened.get('k', open), opened.get('k', open)]);
    expect([a, b, opens]).toEqual(['pull 1', 'pull 1', 1]);
    expect(await opened.get('other', open)).toBe('pull 2');
  });

  it('forgets a failed open so the next caller opens again', async () => {
    const opened = new OpenedOnce<string>();
    await expect(opened.get('k', () => Promise.reject(new Error('consumer gone')))).rejects.toThrow(
      'consumer gone',
    );
    await settle();
    expect(await opened.get('k', async () => 'reopened')).toBe('reopened');
  });

  it('keeps a newer open when an older, forgotten one fails afterwards', async () => {
    const opened = new OpenedOnce<string>();
    const first = deferred<string>();
    const failing = opened.get('k', () => first.promise);
    opened.forget('k');
    const newer = opened.get('k', async () => 'newer');
    first.reject(new Error('the old open failed'));
    await expect(failing).rejects.toThrow('the old open failed');
    await settle();
    let opensAfter = 0;
    const again = await opened.get('k', async () => `open ${++opensAfter}`);
    expect(again).toBe(await newer);
    expect(opensAfter).toBe(0);
    expect([...opened.values()]).toHaveLength(1);
  });
});
