// The TradingBot reconcile: finalizer, config, workloads, prune, status; or,
// once deletion started, finalize.
import type { V1Deployment } from '@kubernetes/client-node';
import type { TradingBot } from '../../../crds/index.ts';
import { ConditionType, setConditions } from '../../conditions.ts';
import { describeError } from '../../errors.ts';
import { statusCode } from '../../kube.ts';
import { parseKey, type Reconciler, type ReconcileStep, runSteps } from '../../runtime/index.ts';
import { OwnWrites } from '../own-writes.ts';
import { writeStatus } from '../status-writer.ts';
import type { BotContext, TradingBotDeps } from './context.ts';
import { ensureFinalizer } from './ensure-finalizer.ts';
import { ensureWorkloads } from './ensure-workloads.ts';
import { finalize } from './finalize.ts';
import { prune } from './prune.ts';
import { render } from './render.ts';
import { status } from './status.ts';
import { syncPolicy } from './sync-policy.ts';

export const reconcileSteps: ReadonlyArray<ReconcileStep<BotContext>> = [
  ensureFinalizer,
  render,
  ensureWorkloads,
  syncPolicy,
  prune,
  status,
];
export const deletionSteps: ReadonlyArray<ReconcileStep<BotContext>> = [finalize];

/**
 * A step failed (an apply refused by a quota or an admission webhook, a
 * conflict that kept coming): say so in status and in an event, then let the
 * queue retry with backoff. The next successful pass computes status afresh.
 */
async function reportFailure(ctx: BotContext, error: unknown): Promise<void> {
  const message = `reconcile failed: ${describeError(error)}`;
  ctx.deps.events.event(ctx.bot, 'Warning', 'ReconcileFailed', message);
  try {
    await writeStatus(ctx.deps.client, 'tradingbots', ctx.bot, (bot) => ({
      ...bot.status,
      phase: 'Degraded' as const,
      conditions: setConditions(
        bot.status?.conditions,
        [{ type: ConditionType.degraded, status: 'True', reason: 'ReconcileFailed', message }],
        bot.metadata.generation,
        new Date(ctx.deps.clock.now()),
      ),
    }));
  } catch (statusError) {
    ctx.log.warn({ err: statusError }, 'could not record the failure in status');
  }
}

export function tradingBotReconciler(deps: TradingBotDeps): Reconciler {
  const ownWrites = new OwnWrites<TradingBot>();
  return async (key, { log, signal }) => {
    const { namespace, name } = parseKey(key);
    const bot = ownWrites.fresher(key, deps.bots.get(name, namespace));
    // Gone: the garbage collector deletes the children (owner references).
    if (bot === undefined) {
      deps.reports.delete?.(key);
      return undefined;
    }
    const ctx: BotContext = { key, bot, deps, log, signal, applied: new Map<string, V1Deployment>() };
    try {
      return await runSteps(
        bot.metadata.deletionTimestamp === undefined ? reconcileSteps : deletionSteps,
        ctx,
      );
    } catch (error) {
      // The cache was behind: the bot is already gone (its finalizer just came off). Nothing to do.
      if (
        statusCode(error) === 404 &&
        (await deps.client.read('tradingbots', namespace ?? '', name)) === undefined
      ) {
        return undefined;
      }
      if (!signal.aborted) await reportFailure(ctx, error);
      throw error;
    } finally {
      // A step that wrote the bot (finalizer, status) or read it afresh left the newer copy here.
      if (ctx.bot !== bot) ownWrites.remember(key, ctx.bot);
    }
  };
}
