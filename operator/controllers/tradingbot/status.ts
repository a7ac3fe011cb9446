// Step 5: status from observation. The Deployments (as applied or cached),
// the RiskPolicy and the runtime's latest report decide phase and conditions;
// nothing is carried over from the old status except transition times.
// Ready = every Deployment rolled out and available AND the executor's
// latest report (at most `reportStaleAfterMs` old) says healthy.
import type { V1Deployment } from '@kubernetes/client-node';
import type { RiskPolicy, TradingBot, TradingBotStatus } from '../../../crds/index.ts';
import {
  ConditionType,
  type DesiredCondition,
  findCondition,
  setConditions,
  transitions,
} from '../../conditions.ts';
import { childNames } from '../../render/labels.ts';
import { endpointUrl } from '../../render/service.ts';
import type { ReceivedReport } from '../../reports.ts';
import type { EventRecorder } from '../../runtime/index.ts';
import { type ReconcileStep, Step } from '../../runtime/index.ts';
import { writeStatus } from '../status-writer.ts';
import type { BotContext } from './context.ts';

export interface BotObservation {
  readonly bot: TradingBot;
  readonly policy: RiskPolicy | undefined;
  readonly policyMissing: boolean;
  /** By Deployment name; undefined when not seen yet. */
  readonly deployments: ReadonlyMap<string, V1Deployment | undefined>;
  readonly report: ReceivedReport | undefined;
  readonly now: number;
  readonly reportStaleAfterMs: number;
}

export interface WorkloadState {
  readonly name: string;
  readonly rolledOut: boolean;
  readonly failed: boolean;
  readonly scaledDown: boolean;
}

export function workloadState(
  name: string,
  deployment: V1Deployment | undefined,
  wantReplicas: number,
): WorkloadState {
  if (deployment === undefined) return { name, rolledOut: false, failed: false, scaledDown: false };
  const spec = deployment.spec?.replicas ?? 1;
  const s = deployment.status ?? {};
  const current = (deployment.metadata?.generation ?? 0) <= (s.observedGeneration ?? -1);
  const replicas = s.replicas ?? 0;
  const rolledOut =
    current &&
    spec === wantReplicas &&
    (s.updatedReplicas ?? 0) >= spec &&
    (s.availableReplicas ?? 0) >= spec &&
    replicas <= spec;
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  const failed = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  return { name, rolledOut, failed, scaledDown: current && spec === 0 && replicas === 0 };
}

export function deploymentNames(bot: TradingBot): string[] {
  const name = bot.metadata.name ?? '';
  return [
    childNames.feed(name),
    childNames.executor(name),
    ...bot.spec.strategies.map((s) => childNames.strategy(name, s.name)),
  ];
}

/** The whole status, computed from what was observed. Pure. */
export function computeBotStatus(o: BotObservation): TradingBotStatus {
  const { bot } = o;
  const generation = bot.metadata.generation;
  const suspended = bot.spec.suspend;
  const want = suspended ? 0 : 1;
  const workloads = deploymentNames(bot).map((n) => workloadState(n, o.deployments.get(n), want));
  const waiting = workloads.filter((w) => !w.rolledOut).map((w) => w.name);
  const failed = workloads.filter((w) => w.failed).map((w) => w.name);
  const received = o.report;
  const fresh = received !== undefined && o.now - received.receivedAt <= o.reportStaleAfterMs;
  const report = received?.report;
  const policyName = bot.spec.riskPolicyRef?.name;
  const policyHalted = o.policy?.spec.halt === true;
  const runtimeHalted = fresh && report?.risk?.state === 'Halted';

  let phase: NonNullable<TradingBotStatus['phase']>;
  let ready: DesiredCondition;
  let progressing: DesiredCondition;
  let degraded: DesiredCondition = {
    type: ConditionType.degraded,
    status: 'False',
    reason: 'AsExpected',
    message: 'nothing is failing',
  };
  if (o.policyMissing) {
    phase = 'Pending';
    const message = `RiskPolicy ${policyName} not found in namespace ${bot.metadata.namespace}; the runtime is not started or changed until it exists`;
    ready = { type: ConditionType.ready, status: 'False', reason: 'RiskPolicyNotFound', message };
    progressing = { type: ConditionType.progressing, status: 'False', reason: 'RiskPolicyNotFound', message };
    degraded = { type: ConditionType.degraded, status: 'True', reason: 'RiskPolicyNotFound', message };
  } else if (suspended) {
    const done = workloads.every((w) => w.scaledDown);
    phase = 'Suspended';
    ready = {
      type: ConditionType.ready,
      status: 'False',
      reason: 'Suspended',
      message: 'spec.suspend is true: the runtime is scaled to zero',
    };
    progressing = done
      ? { type: ConditionType.progressing, status: 'False', reason: 'Suspended', message: 'scaled to zero' }
      : {
          type: ConditionType.progressing,
          status: 'True',
          reason: 'ScalingDown',
          message: `scaling down: ${workloads
            .filter((w) => !w.scaledDown)
            .map((w) => w.name)
            .join(', ')}`,
        };
  } else if (failed.length > 0) {
    phase = 'Degraded';
    const message = `rollout exceeded its progress deadline: ${failed.join(', ')}`;
    ready = { type: ConditionType.ready, status: 'False', reason: 'DeploymentsNotAvailable', message };
    progressing = {
      type: ConditionType.progressing,
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message,
    };
    degraded = { type: ConditionType.degraded, status: 'True', reason: 'ProgressDeadlineExceeded', message };
  } else if (waiting.length > 0) {
    phase = 'Starting';
    const message = `waiting for deployments to roll out: ${waiting.join(', ')}`;
    ready = { type: ConditionType.ready, status: 'False', reason: 'DeploymentsNotAvailable', message };
    progressing = { type: ConditionType.progressing, status: 'True', reason: 'RollingOut', message };
  } else {
    progressing = {
      type: ConditionType.progressing,
      status: 'False',
      reason: 'RolledOut',
      message: `all ${workloads.length} deployments are available`,
    };
    if (!fresh) {
      phase = 'Starting';
      const message =
        received === undefined
          ? 'deployments are available; waiting for the executor to report on NATS'
          : `the executor's last report is older than ${Math.round(o.reportStaleAfterMs / 1000)} s`;
      ready = {
        type: ConditionType.ready,
        status: 'False',
        reason: received === undefined ? 'RuntimeNotReporting' : 'RuntimeReportStale',
        message,
      };
    } else if (report?.healthy !== true) {
      phase = 'Degraded';
      const message = `the runtime reports unhealthy: ${report?.message ?? 'no reason given'}`;
      ready = { type: ConditionType.ready, status: 'False', reason: 'RuntimeUnhealthy', message };
      degraded = { type: ConditionType.degraded, status: 'True', reason: 'RuntimeUnhealthy', message };
    } else {
      phase = 'Running';
      ready = {
        type: ConditionType.ready,
        status: 'True',
        reason: 'Running',
        message: 'deployments available and the runtime reports healthy',
      };
    }
  }
  const riskHalted: DesiredCondition = policyHalted
    ? {
        type: ConditionType.riskHalted,
        status: 'True',
        reason: 'PolicyHalted',
        message: `RiskPolicy ${policyName} is halted${o.policy?.spec.haltReason ? `: ${o.policy.spec.haltReason}` : ''}`,
      }
    : runtimeHalted
      ? {
          type: ConditionType.riskHalted,
          status: 'True',
          reason: 'RiskLimitBreached',
          message: report?.risk?.reason ?? 'the risk engine halted trading',
        }
      : { type: ConditionType.riskHalted, status: 'False', reason: 'Trading', message: 'not halted' };
  if ((policyHalted || runtimeHalted) && !suspended && !o.policyMissing) phase = 'Halted';

  const now = new Date(o.now);
  const conditions = setConditions(
    bot.status?.conditions,
    [ready, progressing, degraded, riskHalted],
    generation,
    now,
  );
  const endpoint = endpointUrl(bot);
  const reportedStrategies = new Map((report?.strategies ?? []).map((s) => [s.name, s]));
  const status: TradingBotStatus = {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    phase,
    conditions,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(report === undefined ? {} : figures(report, bot)),
    ...(policyHalted
      ? {
          risk: {
            state: 'Halted',
            reason: o.policy?.spec.haltReason ?? `RiskPolicy ${policyName} is halted`,
          },
        }
      : report?.risk === undefined
        ? {}
        : { risk: report.risk }),
    strategies: bot.spec.strategies.map((s) => {
      const state = workloads.find((w) => w.name === childNames.strategy(bot.metadata.name ?? '', s.name));
      const reported = reportedStrategies.get(s.name);
      const podReady = state?.rolledOut === true && !suspended;
      const isReady = podReady && (reported === undefined ? fresh : reported.ready && fresh);
      return {
        name: s.name,
        type: s.type,
        ready: isReady,
        ...(reported?.lastSignal === undefined ? {} : { lastSignal: reported.lastSignal }),
        ...(reported?.lastSignalTime === undefined ? {} : { lastSignalTime: reported.lastSignalTime }),
        ...(isReady
          ? {}
          : {
              message:
                reported?.message ??
                (podReady
                  ? 'waiting for the runtime to report'
                  : suspended
                    ? 'suspended'
                    : 'pod not available'),
            }),
      };
    }),
  };
  return status;
}

function figures(report: NonNullable<ReceivedReport['report']>, bot: TradingBot): Partial<TradingBotStatus> {
  return {
    currency: report.currency ?? bot.spec.capital.currency,
    ...(report.equity === undefined ? {} : { equity: report.equity }),
    ...(report.pnlToday === undefined ? {} : { pnlToday: report.pnlToday }),
    ...(report.pnlTotal === undefined ? {} : { pnlTotal: report.pnlTotal }),
    ...(report.openPositions === undefined ? {} : { openPositions: report.openPositions }),
    ...(report.tradesToday === undefined ? {} : { tradesToday: report.tradesToday }),
    ...(report.positions === undefined ? {} : { positions: report.positions.map((p) => ({ ...p })) }),
    lastUpdateTime: report.time,
  };
}

/** Events for the transitions someone on call wants to see. */
export function statusEvents(
  bot: TradingBot,
  before: TradingBotStatus | undefined,
  after: TradingBotStatus,
  events: EventRecorder,
): void {
  for (const t of transitions(before?.conditions, after.conditions ?? [])) {
    const c = t.to;
    if (t.type === ConditionType.ready) {
      if (c.status === 'True') events.event(bot, 'Normal', 'BotReady', c.message);
      else if (t.from === 'True' && c.reason !== 'Suspended')
        events.event(bot, 'Warning', 'BotNotReady', `${c.reason}: ${c.message}`);
    } else if (t.type === ConditionType.degraded && c.status === 'True') {
      events.event(bot, 'Warning', c.reason, c.message);
    } else if (t.type === ConditionType.riskHalted) {
      if (c.status === 'True') events.event(bot, 'Warning', 'RiskHalted', c.message);
      else if (t.from === 'True')
        events.event(bot, 'Normal', 'RiskResumed', 'trading resumed: the halt was lifted');
    }
  }
  if (after.phase === 'Suspended' && before?.phase !== 'Suspended') {
    events.event(bot, 'Normal', 'Suspended', 'spec.suspend is true: scaling the runtime to zero');
  } else if (before?.phase === 'Suspended' && after.phase !== 'Suspended') {
    events.event(bot, 'Normal', 'Resumed', 'spec.suspend is false: starting the runtime again');
  }
}

export const status: ReconcileStep<BotContext> = {
  name: 'status',
  async run(ctx) {
    const { deps } = ctx;
    const namespace = ctx.bot.metadata.namespace;
    const observe = (bot: TradingBot): BotObservation => {
      const deployments = new Map<string, V1Deployment | undefined>();
      for (const name of deploymentNames(bot)) {
        const applied = ctx.applied.get(name);
        const cached = deps.children.deployments.get(name, namespace);
        deployments.set(name, newer(applied, cached));
      }
      return {
        bot,
        policy: ctx.policy,
        policyMissing: ctx.policyMissing === true,
        deployments,
        report: deps.reports.get(ctx.key),
        now: deps.clock.now(),
        reportStaleAfterMs: deps.reportStaleAfterMs,
      };
    };
    const result = await writeStatus(deps.client, 'tradingbots', ctx.bot, (bot) =>
      computeBotStatus(observe(bot)),
    );
    if (result === undefined) return Step.requeueAfter(undefined);
    ctx.bot = result.object;
    if (result.written) {
      statusEvents(
        ctx.bot,
        result.before as TradingBotStatus | undefined,
        result.after as TradingBotStatus,
        deps.events,
      );
    }
    // Come back when the report goes stale, so Ready falls without any event.
    const report = deps.reports.get(ctx.key);
    const ready =
      findCondition((result.after as TradingBotStatus).conditions, ConditionType.ready)?.status === 'True';
    if (ready && report !== undefined) {
      return Step.requeueAfter(
        Math.max(1000, report.receivedAt + deps.reportStaleAfterMs - deps.clock.now() + 1),
      );
    }
    return Step.requeueAfter(undefined);
  },
};

function newer(a: V1Deployment | undefined, b: V1Deployment | undefined): V1Deployment | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Number(b.metadata?.resourceVersion ?? 0) > Number(a.metadata?.resourceVersion ?? 0) ? b : a;
}
