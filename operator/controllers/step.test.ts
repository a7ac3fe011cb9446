import { describe, expect, it } from 'vitest';
import { proceed, proceedThenRequeue, runSteps, type Step, stop } from './step.ts';

interface Ctx {
  readonly signal: AbortSignal;
  readonly ran: string[];
}

const step = (name: string, result: ReturnType<typeof stop> | typeof proceed): Step<Ctx> => ({
  name,
  run: async (ctx) => {
    ctx.ran.push(name);
    return result;
  },
});

describe('runSteps', () => {
  it('runs in order until a step stops, keeping the earliest requeue', async () => {
    const ctx: Ctx = { signal: new AbortController().signal, ran: [] };
    const outcome = await runSteps(
      [step('a', proceedThenRequeue(5000)), step('b', stop(2000)), step('c', proceed)],
      ctx,
    );
    expect(ctx.ran).toEqual(['a', 'b']);
    expect(outcome).toEqual({ requeueAfterMs: 2000 });
  });

  it('returns nothing when no step asks to come back', async () => {
    const ctx: Ctx = { signal: new AbortController().signal, ran: [] };
    expect(await runSteps([step('a', proceed), step('b', stop())], ctx)).toBeUndefined();
  });

  it('stops between steps once the signal is aborted (leadership lost)', async () => {
    const abort = new AbortController();
    const ctx: Ctx = { signal: abort.signal, ran: [] };
    const aborting: Step<Ctx> = {
      name: 'x',
      run: async (c) => {
        c.ran.push('x');
        abort.abort(new Error('lost'));
        return proceed;
      },
    };
    await expect(runSteps([aborting, step('after', proceed)], ctx)).rejects.toThrow('lost');
    expect(ctx.ran).toEqual(['x']);
  });
});
