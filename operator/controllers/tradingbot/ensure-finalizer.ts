// Step 1: the finalizer that makes deletion wait for halt-and-flatten.
import type { TradingBot } from '../../../crds/index.ts';
import { isConflict } from '../../kube.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { type BotContext, botFinalizer } from './context.ts';

export const ensureFinalizer: ReconcileStep<BotContext> = {
  name: 'ensure-finalizer',
  async run(ctx) {
    let bot: TradingBot | undefined = ctx.bot;
    for (let attempt = 0; attempt < 3 && bot !== undefined; attempt++) {
      const finalizers = bot.metadata.finalizers ?? [];
      if (finalizers.includes(botFinalizer)) {
        ctx.bot = bot;
        return Step.continue;
      }
      try {
        ctx.bot = await ctx.deps.client.setFinalizers('tradingbots', bot, [...finalizers, botFinalizer]);
        return Step.continue;
      } catch (error) {
        if (!isConflict(error)) throw error;
        // The cache was behind (often: our own earlier write): read the object itself.
        bot = await ctx.deps.client.read<TradingBot>(
          'tradingbots',
          bot.metadata.namespace ?? '',
          bot.metadata.name ?? '',
        );
      }
    }
    if (bot === undefined) return Step.stop();
    throw new Error('could not add the finalizer: the bot kept changing');
  },
};
