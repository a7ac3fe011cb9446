// What `botcore run` accepts: a TradingBot manifest valid as the API server
// would judge it (the same validator and the same message), in paper mode
// unless live trading is explicitly opted in and bounded by a RiskPolicy.
import {
  describeErrors,
  loadManifests,
  type RiskPolicySpec,
  type TradingBotSpec,
  validateManifest,
} from '../../crds/index.ts';

/** A manifest `botcore run` will not run; the message says why, in the API server's words when it is invalid. */
export class RunManifestError extends Error {
  override readonly name = 'RunManifestError';
}

export interface RunManifest {
  readonly name: string;
  readonly namespace: string;
  /** The spec with the API server's defaults applied. */
  readonly bot: TradingBotSpec;
  readonly policy: RiskPolicySpec | undefined;
  readonly policyName: string | undefined;
}

export interface RunManifestOptions {
  /** `--live`: the operator of the laptop accepts that orders would be real. */
  readonly allowLive?: boolean;
  /** A file with the RiskPolicy, when it is not in the manifest's file. */
  readonly policyFile?: string;
}

type Doc = { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

export async function loadRunManifest(path: string, options: RunManifestOptions = {}): Promise<RunManifest> {
  let docs: unknown[];
  try {
    docs = await loadManifests(path);
  } catch (e) {
    throw new RunManifestError(`${path}: ${(e as Error).message}`);
  }
  const policyDocs = options.policyFile ? await loadManifests(options.policyFile) : [];
  const bots = docs.filter((d) => (d as Doc)?.kind === 'TradingBot');
  if (bots.length === 0) throw new RunManifestError(`${path}: no TradingBot in the file`);
  if (bots.length > 1)
    throw new RunManifestError(`${path}: ${bots.length} TradingBots in the file; run one at a time`);
  const botDoc = bots[0]!;
  const checked = validateManifest(botDoc);
  if (!checked.valid) throw new RunManifestError(describeErrors(botDoc, checked.errors));
  const object = checked.object as { metadata: { name: string; namespace?: string }; spec: TradingBotSpec };
  const bot = object.spec;

  // A RiskPolicy: the one spec.riskPolicyRef names, from the same file or --policy.
  const ref = bot.riskPolicyRef?.name;
  const candidates = [...policyDocs, ...docs].filter((d) => (d as Doc)?.kind === 'RiskPolicy');
  const policyDoc =
    candidates.find((d) => (d as Doc).metadata?.name === ref) ??
    (options.policyFile ? candidates[0] : undefined);
  if (ref !== undefined && policyDoc === undefined) {
    throw new RunManifestError(
      `${path}: spec.riskPolicyRef names RiskPolicy "${ref}", which is neither in the file nor given with --policy`,
    );
  }
  let policy: RiskPolicySpec | undefined;
  let policyName: string | undefined;
  if (policyDoc !== undefined) {
    const p = validateManifest(policyDoc);
    if (!p.valid) throw new RunManifestError(describeErrors(policyDoc, p.errors));
    policy = (p.object as { spec: RiskPolicySpec }).spec;
    policyName = String((policyDoc as Doc).metadata?.name);
  }

  if (bot.mode === 'live') {
    if (!options.allowLive) {
      throw new RunManifestError(
        `${path}: TradingBot "${object.metadata.name}" has mode: live. botcore run trades on paper unless told otherwise; ` +
          'to place real orders, pass --live (and bound the bot with a RiskPolicy), or set mode: paper',
      );
    }
    if (!policy) {
      throw new RunManifestError(
        `${path}: live trading needs a RiskPolicy: name one in spec.riskPolicyRef and put it in the file or give --policy`,
      );
    }
    throw new RunManifestError(
      `${path}: live trading is refused: botcore run has no exchange adapter to place real orders yet; run it with mode: paper`,
    );
  }
  return {
    name: object.metadata.name,
    namespace: object.metadata.namespace ?? 'default',
    bot,
    policy,
    policyName,
  };
}
