// What the `botcore run` tests share: the demo manifest run once through its
// bundled candles as fast as they go, the local defaults, and a wait until the
// executor has stepped a number of candles. For tests only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor } from './executor.ts';
import { loadRunManifest, type RunManifest } from './manifest.ts';
import { type StandaloneBot, type StandaloneOptions, startStandalone } from './standalone.ts';

export const root = join(import.meta.dirname, '..', '..');
export const demoData = join(root, 'examples', 'data', 'ETH-BTC_5m.csv');

/** examples/bots/demo.yaml, replayed once (no loop). */
export async function demoOnePass(): Promise<RunManifest> {
  const m = await loadRunManifest(join(root, 'examples', 'bots', 'demo.yaml'));
  return {
    ...m,
    bot: {
      ...m.bot,
      marketData: { ...m.bot.marketData, replay: { ...m.bot.marketData.replay!, loop: false } },
    },
  };
}

/** startStandalone on loopback, any port, from the checkout, as fast as the replay goes, in a fresh state dir unless given. */
export function startLocal(
  manifest: RunManifest,
  options: Partial<Omit<StandaloneOptions, 'manifest'>> = {},
): Promise<StandaloneBot> {
  return startStandalone({
    stateDir: mkdtempSync(join(tmpdir(), 'botcore-standalone-')),
    host: '127.0.0.1',
    port: 0,
    speed: 0,
    cwd: root,
    ...options,
    manifest,
  });
}

/** Waits until the executor has stepped `candles` candles (the feed may be done before the strategies are). */
export async function steppedThrough(executor: Executor, candles: number): Promise<void> {
  for (;;) {
    await executor.settle();
    if (executor.kernel.candles >= candles) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
