// Step 2: find the RiskPolicy and render every child (no write: the
// ConfigMap goes out with the other supporting objects in ensure-workloads'
// first wave, one round trip fewer for a new bot).
import type { RiskPolicy, TradingBot } from '../../../crds/index.ts';
import type { DesiredChildren } from '../../render/children.ts';
import { renderChildren } from '../../render/children.ts';
import type { RenderSettings } from '../../render/settings.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import type { BotContext } from './context.ts';

/**
 * Rendering is pure, so its result is reused while the inputs are the same:
 * the bot's spec (uid and generation), the policy's spec and the settings.
 * Reconciles that follow one another for a bot (a create, then its children's
 * rollout) then cost no rendering or hashing. Only the most recently used
 * renderings are kept: holding all of them costs about 15 MB per 1,000 bots,
 * and a miss only renders and hashes again (CPU, no API call).
 */
export const renderCacheSize = 256;

const rendered = new WeakMap<RenderSettings, Map<string, { version: string; desired: DesiredChildren }>>();

export function renderCached(
  bot: TradingBot,
  policy: RiskPolicy | undefined,
  settings: RenderSettings,
): DesiredChildren {
  let bySettings = rendered.get(settings);
  if (bySettings === undefined) {
    bySettings = new Map();
    rendered.set(settings, bySettings);
  }
  const key = `${bot.metadata.namespace}/${bot.metadata.name}`;
  const version = [
    bot.metadata.uid,
    bot.metadata.generation,
    policy?.metadata.uid,
    policy?.metadata.generation,
  ].join('/');
  const hit = bySettings.get(key);
  bySettings.delete(key); // re-inserted last: Map order is the recency order
  if (hit !== undefined && hit.version === version && bot.metadata.generation !== undefined) {
    bySettings.set(key, hit);
    return hit.desired;
  }
  const desired = renderChildren(bot, policy, settings);
  bySettings.set(key, { version, desired });
  if (bySettings.size > renderCacheSize) {
    const oldest = bySettings.keys().next().value;
    if (oldest !== undefined) bySettings.delete(oldest);
  }
  return desired;
}

export const render: ReconcileStep<BotContext> = {
  name: 'render',
  async run(ctx) {
    const { bot, deps } = ctx;
    const ref = bot.spec.riskPolicyRef;
    let policy: RiskPolicy | undefined;
    if (ref !== undefined) {
      policy = deps.policies.get(ref.name, bot.metadata.namespace);
      if (policy === undefined) {
        // Without its policy a bot must not trade: leave the workloads alone, say why in status.
        ctx.policyMissing = true;
        return Step.continue;
      }
    }
    ctx.policy = policy;
    ctx.desired = renderCached(bot, policy, deps.settings);
    return Step.continue;
  },
};
