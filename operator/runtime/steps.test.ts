import { describe, expect, it } from 'vitest';
import { type ReconcileStep, runSteps, Step, StepError } from './steps.ts';

function recorder() {
  const ran: string[] = [];
  const step = (
    name: string,
    result?: ReturnType<typeof Step.requeueAfter> | Error,
  ): ReconcileStep<string> => ({
    name,
    run: async (context) => {
      ran.push(`${name}:${context}`);
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { ran, step };
}

describe('runSteps', () => {
  it('runs every step in order with the context when all go on', async () => {
    const { ran, step } = recorder();
    expect(await runSteps([step('config'), step('workloads', Step.continue), step('status')], 'bot')).toEqual(
      {},
    );
    expect(ran).toEqual(['config:bot', 'workloads:bot', 'status:bot']);
  });

  it('goes on after a requeue and keeps the shortest delay', async () => {
    const { ran, step } = recorder();
    const outcome = await runSteps(
      [step('a', Step.requeueAfter(60_000)), step('b', Step.requeueAfter(5_000)), step('c')],
      'x',
    );
    expect(outcome).toEqual({ requeueAfterMs: 5_000 });
    expect(ran).toHaveLength(3);
  });

  it('skips the remaining steps after a stop, keeping its delay', async () => {
    const { ran, step } = recorder();
    expect(
      await runSteps(
        [step('a', Step.requeueAfter(9_000)), step('wait', Step.stop(2_000)), step('never')],
        'x',
      ),
    ).toEqual({
      requeueAfterMs: 2_000,
    });
    expect(ran).toEqual(['a:x', 'wait:x']);
    const plain = recorder();
    expect(await runSteps([plain.step('wait', Step.stop()), plain.step('never')], 'x')).toEqual({});
    expect(plain.ran).toEqual(['wait:x']);
  });

  it('names the failing step, keeps the cause, and runs nothing after it', async () => {
    const { ran, step } = recorder();
    const cause = new Error('409 conflict');
    const failure = runSteps([step('config'), step('workloads', cause), step('status')], 'x');
    await expect(failure).rejects.toBeInstanceOf(StepError);
    await expect(failure).rejects.toMatchObject({
      step: 'workloads',
      message: 'step workloads: 409 conflict',
      cause,
    });
    expect(ran).toEqual(['config:x', 'workloads:x']);
  });

  it('starts no further step once the context signal is aborted (leadership lost)', async () => {
    const abort = new AbortController();
    const ran: string[] = [];
    const context = { signal: abort.signal };
    const aborting: ReconcileStep<typeof context> = {
      name: 'x',
      run: async () => {
        ran.push('x');
        abort.abort(new Error('lost'));
      },
    };
    const after: ReconcileStep<typeof context> = { name: 'after', run: async () => void ran.push('after') };
    await expect(runSteps([aborting, after], context)).rejects.toThrow('lost');
    expect(ran).toEqual(['x']);
  });

  it('goes on after a requeue of nothing', async () => {
    expect(Step.requeueAfter(undefined)).toEqual(Step.continue);
  });
});
