// Conditions as the Kubernetes API conventions want them: one per type, each
// with status, reason (CamelCase), message and observedGeneration;
// lastTransitionTime moves only when the status changes.
import type { Condition } from '../crds/index.ts';

export const ConditionType = {
  ready: 'Ready',
  progressing: 'Progressing',
  degraded: 'Degraded',
  riskHalted: 'RiskHalted',
  halted: 'Halted',
} as const;

export type ConditionStatus = Condition['status'];

export interface DesiredCondition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/**
 * The conditions after setting `desired`: existing types not in `desired`
 * are kept, the rest replaced in place (order stays stable, so an unchanged
 * status compares equal), with lastTransitionTime kept when status is the same.
 */
export function setConditions(
  existing: readonly Condition[] | undefined,
  desired: readonly DesiredCondition[],
  observedGeneration: number | undefined,
  now: Date,
): Condition[] {
  const out = [...(existing ?? [])];
  for (const want of desired) {
    const index = out.findIndex((c) => c.type === want.type);
    const previous = index >= 0 ? out[index] : undefined;
    const condition: Condition = {
      type: want.type,
      status: want.status,
      ...(observedGeneration === undefined ? {} : { observedGeneration }),
      lastTransitionTime:
        previous !== undefined && previous.status === want.status
          ? previous.lastTransitionTime
          : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      reason: want.reason,
      message: want.message,
    };
    if (index >= 0) out[index] = condition;
    else out.push(condition);
  }
  return out;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** A condition whose status changed between two lists (absent counts as Unknown). */
export interface Transition {
  readonly type: string;
  readonly from: ConditionStatus;
  readonly to: Condition;
}

export function transitions(
  before: readonly Condition[] | undefined,
  after: readonly Condition[],
): Transition[] {
  const out: Transition[] = [];
  for (const condition of after) {
    const from = findCondition(before, condition.type)?.status ?? 'Unknown';
    if (from !== condition.status) out.push({ type: condition.type, from, to: condition });
  }
  return out;
}
