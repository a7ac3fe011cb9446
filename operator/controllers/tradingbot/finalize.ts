// On deletion: ask the executor (over NATS, request/reply) to halt and
// flatten its positions, then let the deletion go on. If it does not confirm
// within the halt timeout (counted from deletionTimestamp, so a restarted
// operator keeps the same deadline), deletion goes on anyway and a Warning
// event says positions may remain open.

import type { TradingBot } from '../../../crds/index.ts';
import type { ControlReply, ControlRequest } from '../../../crds/runtime-config/index.ts';
import { subjectsFor } from '../../../crds/runtime-config/index.ts';
import { isConflict } from '../../kube.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { type BotContext, botFinalizer } from './context.ts';

const retryEveryMs = 1000;

export type HaltOutcome =
  | { readonly kind: 'confirmed'; readonly reply: ControlReply }
  | { readonly kind: 'failed'; readonly reason: string };

export function parseReply(body: unknown): ControlReply | undefined {
  if (body === null || typeof body !== 'object' || typeof (body as { ok?: unknown }).ok !== 'boolean')
    return undefined;
  return body as ControlReply;
}

export async function requestHalt(ctx: BotContext, timeoutMs: number): Promise<HaltOutcome> {
  const { namespace = '', name = '' } = ctx.bot.metadata;
  const request: ControlRequest = { command: 'halt-and-flatten', reason: 'TradingBot deleted' };
  try {
    const reply = parseReply(
      await ctx.deps.bus.request(subjectsFor(namespace, name).control, request, timeoutMs),
    );
    if (reply === undefined)
      return { kind: 'failed', reason: 'the executor answered something that is not a control reply' };
    if (!reply.ok)
      return { kind: 'failed', reason: `the executor refused: ${reply.message ?? 'no reason given'}` };
    return { kind: 'confirmed', reply };
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

export const finalize: ReconcileStep<BotContext> = {
  name: 'finalize',
  async run(ctx) {
    const { bot, deps } = ctx;
    if (!(bot.metadata.finalizers ?? []).includes(botFinalizer)) return Step.stop();
    const deletedAt = new Date(bot.metadata.deletionTimestamp ?? deps.clock.now()).getTime();
    const deadline = deletedAt + deps.haltTimeoutMs;
    const remaining = deadline - deps.clock.now();
    if (bot.spec.suspend) {
      deps.events.event(
        bot,
        'Normal',
        'Finalized',
        'deleted while suspended: no executor runs, nothing to halt',
      );
      deps.metrics?.haltAndFlatten.inc({ result: 'suspended' });
    } else if (remaining > 0) {
      const outcome = await requestHalt(ctx, Math.min(deps.haltRequestTimeoutMs, remaining));
      if (outcome.kind === 'failed') {
        ctx.log.info(
          { reason: outcome.reason, remainingMs: remaining },
          'halt-and-flatten not confirmed yet',
        );
        return Step.stop(Math.max(100, Math.min(retryEveryMs, deadline - deps.clock.now())));
      }
      deps.metrics?.haltAndFlatten.inc({ result: 'confirmed' });
      const flattened = outcome.reply.flattened ?? [];
      deps.events.event(
        bot,
        'Normal',
        'HaltedAndFlattened',
        `the executor halted trading${flattened.length > 0 ? ` and closed ${flattened.join(', ')}` : ''}${outcome.reply.message ? `: ${outcome.reply.message}` : ''}`,
      );
    } else {
      deps.metrics?.haltAndFlatten.inc({ result: 'timeout' });
      deps.events.event(
        bot,
        'Warning',
        'HaltTimeout',
        `the executor did not confirm halt-and-flatten within ${Math.round(deps.haltTimeoutMs / 1000)} s; deletion proceeds and positions may remain open on ${bot.spec.exchange.name}`,
      );
    }
    await removeFinalizer(ctx, bot);
    return Step.stop();
  },
};

async function removeFinalizer(ctx: BotContext, start: TradingBot): Promise<void> {
  let bot: TradingBot | undefined = start;
  for (let attempt = 0; attempt < 3 && bot !== undefined; attempt++) {
    const finalizers = bot.metadata.finalizers ?? [];
    if (!finalizers.includes(botFinalizer)) return;
    try {
      await ctx.deps.client.setFinalizers(
        'tradingbots',
        bot,
        finalizers.filter((f) => f !== botFinalizer),
      );
      return;
    } catch (error) {
      if (!isConflict(error)) throw error;
      bot = await ctx.deps.client.read<TradingBot>(
        'tradingbots',
        bot.metadata.namespace ?? '',
        bot.metadata.name ?? '',
      );
    }
  }
  if (bot !== undefined) throw new Error('could not remove the finalizer: the bot kept changing');
}
