// Names and labels of everything the operator creates for a bot. Names are
// deterministic, so a restarted or new leader applies the same objects
// instead of creating second copies.
import type { RuntimeRole } from '../../crds/runtime-config/index.ts';

export const fieldManager = 'botcore-operator';
export const managedBy = 'botcore-operator';

export const labelKeys = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  bot: 'trading.botcore.dev/bot',
  role: 'trading.botcore.dev/role',
  strategy: 'trading.botcore.dev/strategy',
} as const;

export const annotationKeys = {
  /** On the pod template: the hash of config.json, so a config change rolls the pods. */
  configHash: 'trading.botcore.dev/config-hash',
} as const;

/** The selector the operator's child informers use. */
export const managedSelector = `${labelKeys.managedBy}=${managedBy}`;

export const childNames = {
  serviceAccount: (bot: string) => `${bot}-runtime`,
  configMap: (bot: string) => `${bot}-config`,
  feed: (bot: string) => `${bot}-feed`,
  executor: (bot: string) => `${bot}-executor`,
  // A prefix keeps a strategy named `feed` or `executor` from colliding with those roles.
  strategy: (bot: string, strategy: string) => `${bot}-strategy-${strategy}`,
  service: (bot: string) => `${bot}-status`,
  networkPolicy: (bot: string) => `${bot}-runtime`,
} as const;

/** Labels on every child of a bot. */
export function botLabels(bot: string): Record<string, string> {
  return {
    [labelKeys.name]: 'botcore',
    [labelKeys.instance]: bot,
    [labelKeys.managedBy]: managedBy,
    [labelKeys.bot]: bot,
  };
}

/** Labels that select the pods of one role (and strategy); also the Deployment's selector. */
export function selectorLabels(bot: string, role: RuntimeRole, strategy?: string): Record<string, string> {
  return {
    [labelKeys.bot]: bot,
    [labelKeys.role]: role,
    ...(strategy === undefined ? {} : { [labelKeys.strategy]: strategy }),
  };
}

export function roleLabels(bot: string, role: RuntimeRole, strategy?: string): Record<string, string> {
  return { ...botLabels(bot), [labelKeys.component]: role, ...selectorLabels(bot, role, strategy) };
}
