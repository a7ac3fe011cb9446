// Reconcile as a short list of ordered steps (render,
// ensure-workloads, status, finalize), each in its own file with its test.
// A step says "go on", "go on, but come back after d", "stop here (and come
// back after d)", or throws. `runSteps` runs them in order and folds their
// answers into the controller's ReconcileOutcome; a throw names the step.
// A context with an AbortSignal (the reconcile's) is checked before each step.
import type { ReconcileOutcome } from './controller.ts';

export type StepResult =
  | { readonly kind: 'continue' }
  | { readonly kind: 'requeue'; readonly afterMs: number }
  | { readonly kind: 'stop'; readonly requeueAfterMs?: number };

export const Step = {
  /** Go on with the next step. */
  continue: { kind: 'continue' } as StepResult,
  /** Go on, and reconcile again after `afterMs` (the shortest such delay wins); undefined: just go on. */
  requeueAfter: (afterMs: number | undefined): StepResult =>
    afterMs === undefined ? { kind: 'continue' } : { kind: 'requeue', afterMs },
  /** Skip the remaining steps (e.g. waiting for a child), optionally coming back after a delay. */
  stop: (requeueAfterMs?: number): StepResult =>
    requeueAfterMs === undefined ? { kind: 'stop' } : { kind: 'stop', requeueAfterMs },
} as const;

export interface ReconcileStep<C> {
  readonly name: string;
  /** Resolving with nothing means go on. */
  run(context: C): Promise<StepResult | undefined> | Promise<void>;
}

/** A step failed; `step` names it and `cause` is what it threw. */
export class StepError extends Error {
  override readonly name = 'StepError';
  readonly step: string;

  constructor(step: string, cause: unknown) {
    super(`step ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.step = step;
  }
}

export async function runSteps<C>(
  steps: ReadonlyArray<ReconcileStep<C>>,
  context: C,
): Promise<ReconcileOutcome> {
  let requeueAfterMs: number | undefined;
  const sooner = (ms: number | undefined): void => {
    if (ms !== undefined && ms > 0)
      requeueAfterMs = requeueAfterMs === undefined ? ms : Math.min(requeueAfterMs, ms);
  };
  const signal = signalOf(context);
  for (const step of steps) {
    // A replica that stopped leading (signal aborted) starts no further step.
    signal?.throwIfAborted();
    let result: StepResult | undefined;
    try {
      result = ((await step.run(context)) ?? undefined) as StepResult | undefined;
    } catch (error) {
      throw new StepError(step.name, error);
    }
    if (result === undefined || result.kind === 'continue') continue;
    if (result.kind === 'requeue') {
      sooner(result.afterMs);
      continue;
    }
    sooner(result.requeueAfterMs);
    break;
  }
  return requeueAfterMs === undefined ? {} : { requeueAfterMs };
}

function signalOf(context: unknown): AbortSignal | undefined {
  if (typeof context !== 'object' || context === null || !('signal' in context)) return undefined;
  const { signal } = context as { signal?: unknown };
  return signal instanceof AbortSignal ? signal : undefined;
}
