// Reconcile as a short list of ordered steps. A step returns "go on" (maybe
// with a wish to come back later), "stop here" (maybe requeue after a
// delay), or throws to retry with backoff.
import type { ReconcileOutcome } from '../runtime/index.ts';

export type StepResult =
  | { readonly kind: 'continue'; readonly requeueAfterMs?: number }
  | { readonly kind: 'stop'; readonly requeueAfterMs?: number };

export const proceed: StepResult = { kind: 'continue' };

export function proceedThenRequeue(requeueAfterMs: number | undefined): StepResult {
  return requeueAfterMs === undefined ? proceed : { kind: 'continue', requeueAfterMs };
}

export function stop(requeueAfterMs?: number): StepResult {
  return requeueAfterMs === undefined ? { kind: 'stop' } : { kind: 'stop', requeueAfterMs };
}

export interface Step<C> {
  readonly name: string;
  run(context: C): Promise<StepResult>;
}

/** Runs the steps in order; the earliest requeue any of them asked for wins. */
export async function runSteps<C extends { readonly signal: AbortSignal }>(
  steps: ReadonlyArray<Step<C>>,
  context: C,
): Promise<ReconcileOutcome | undefined> {
  let requeueAfterMs: number | undefined;
  for (const step of steps) {
    context.signal.throwIfAborted();
    const result = await step.run(context);
    if (result.requeueAfterMs !== undefined) {
      requeueAfterMs = Math.min(requeueAfterMs ?? Number.POSITIVE_INFINITY, result.requeueAfterMs);
    }
    if (result.kind === 'stop') break;
  }
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}
