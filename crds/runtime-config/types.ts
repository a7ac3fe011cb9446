// The contract between the operator and the runtime pods: the configuration
// the operator renders into the bot's ConfigMap (`config.json`), the risk
// policy beside it (`risk-policy.json`), and the NATS messages they exchange.
// The operator writes these; the runtime validates them at boot.
import type {
  CombineSpec,
  ExecutionSpec,
  MarketDataSpec,
  RiskBreach,
  RiskPolicySpec,
  Strategy,
  TradingBotSpec,
} from '../generated/types.ts';

export const runtimeConfigVersion = 'botcore.dev/runtime-config/v1' as const;

export const runtimeRoles = ['feed', 'strategy', 'executor'] as const;
export type RuntimeRole = (typeof runtimeRoles)[number];

/** The bot's runtime configuration, `config.json` in the ConfigMap `<bot>-config`. No secrets, ever. */
export interface RuntimeConfig {
  readonly version: typeof runtimeConfigVersion;
  readonly bot: { readonly name: string; readonly namespace: string; readonly uid: string };
  readonly mode: TradingBotSpec['mode'];
  /** Credentials are not here: they arrive as env vars from the Secret (see `credentialEnv`). */
  readonly exchange: { readonly name: TradingBotSpec['exchange']['name']; readonly testnet: boolean };
  readonly symbols: readonly string[];
  readonly timeframe: TradingBotSpec['timeframe'];
  readonly marketData: MarketDataSpec;
  readonly capital: TradingBotSpec['capital'];
  readonly strategies: readonly Strategy[];
  /** How strategy signals combine (the ensemble). */
  readonly ensemble: CombineSpec;
  readonly execution: ExecutionSpec;
  readonly advisor?: {
    readonly endpoint: string;
    readonly model: string;
    readonly role: 'veto' | 'confirm' | 'observe';
    readonly timeoutMs: number;
    readonly budget: { readonly maxRequestsPerDay: number; readonly maxCostPerDay: string };
  };
  /** The RiskPolicy reference; its current spec is in `risk-policy.json`, pushed live over NATS too. */
  readonly riskPolicy?: { readonly name: string };
  readonly connections: {
    readonly nats: { readonly url: string };
    readonly redis?: { readonly url: string };
    readonly mongodb?: { readonly url: string };
  };
  readonly subjects: RuntimeSubjects;
  /** Health probes of every role (`/healthz`, `/readyz`, `/metrics`). */
  readonly health: { readonly port: number };
  /** The executor's status endpoint; absent when disabled. */
  readonly statusEndpoint?: { readonly port: number; readonly auth: 'bearerToken' | 'none' };
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** The NATS subjects of one bot. */
export interface RuntimeSubjects {
  /** Request/reply to the executor: `ControlRequest` in, `ControlReply` out. */
  readonly control: string;
  /** The executor publishes `RuntimeReport`s here. */
  readonly status: string;
}

/** `risk-policy.json` in the ConfigMap, and the `policy` of an `apply-risk-policy` command. */
export interface RiskPolicyDocument {
  readonly name: string;
  /** metadata.generation of the RiskPolicy this was taken from. */
  readonly generation: number;
  readonly spec: RiskPolicySpec;
}

/** Commands the operator sends to the executor on the control subject. */
export type ControlRequest =
  | { readonly command: 'halt-and-flatten'; readonly reason: string }
  | { readonly command: 'apply-risk-policy'; readonly policy: RiskPolicyDocument | null };

export interface ControlReply {
  readonly ok: boolean;
  readonly message?: string;
  /** For halt-and-flatten: the symbols whose positions were closed. */
  readonly flattened?: readonly string[];
}

/** What the executor reports on the status subject, every few seconds and on change. */
export interface RuntimeReport {
  /** When the report was made (RFC 3339). */
  readonly time: string;
  /** The runtime's own verdict: every role connected, indicators warm, nothing failing. */
  readonly healthy: boolean;
  readonly message?: string;
  readonly currency?: string;
  readonly equity?: string;
  readonly pnlToday?: string;
  readonly pnlTotal?: string;
  readonly openPositions?: number;
  readonly tradesToday?: number;
  readonly positions?: ReadonlyArray<{
    readonly symbol: string;
    readonly side: 'long' | 'short';
    readonly quantity: string;
    readonly entryPrice: string;
    readonly unrealizedPnl?: string;
  }>;
  readonly risk?: {
    readonly state?: 'Active' | 'Reducing' | 'CoolingDown' | 'Halted';
    readonly reason?: string;
    readonly until?: string;
    readonly dailyLossPercent?: string;
  };
  /** The most recent time the risk engine hit a limit (shown as the RiskPolicy's lastBreach). */
  readonly lastBreach?: {
    readonly rule: RiskBreach['rule'];
    readonly time: string;
    readonly message?: string;
  };
  /** The RiskPolicy the executor applies now; the operator pushes again when it lags. */
  readonly policy?: { readonly name: string; readonly generation: number };
  readonly strategies?: ReadonlyArray<{
    readonly name: string;
    readonly ready: boolean;
    readonly lastSignal?: 'buy' | 'sell' | 'hold';
    readonly lastSignalTime?: string;
    readonly message?: string;
  }>;
}

/** Environment variables the runtime reads credentials from (values come from Secrets via secretKeyRef). */
export const credentialEnv = {
  apiKey: 'BOTCORE_EXCHANGE_API_KEY',
  apiSecret: 'BOTCORE_EXCHANGE_API_SECRET',
  passphrase: 'BOTCORE_EXCHANGE_PASSPHRASE',
  advisorApiKey: 'BOTCORE_ADVISOR_API_KEY',
} as const;

/** Where the runtime finds its files: the ConfigMap is mounted at `configDir`. */
export const runtimeFiles = {
  configDir: '/etc/botcore',
  config: 'config.json',
  riskPolicy: 'risk-policy.json',
  /** Env var naming the config file, so `botcore runtime` needs no flag for it. */
  configEnv: 'BOTCORE_CONFIG',
  /**
   * ONNX models from a `configMapRef`: one folder per ConfigMap, one file per
   * key (`<modelsDir>/<name>/<key>`). Not under configDir: that volume is
   * read-only, so no mount point can be made in it.
   */
  modelsDir: '/etc/botcore-models',
  /** Env var that moves modelsDir (a laptop, a test). */
  modelsDirEnv: 'BOTCORE_MODELS_DIR',
} as const;

export function subjectsFor(namespace: string, bot: string): RuntimeSubjects {
  return { control: `botcore.${namespace}.${bot}.control`, status: `botcore.${namespace}.${bot}.status` };
}

/** The wildcard the operator subscribes to for every bot's reports. */
export const statusSubjectWildcard = 'botcore.*.*.status';

/** `botcore.<namespace>.<bot>.status` back to its bot; undefined for anything else. */
export function parseStatusSubject(subject: string): { namespace: string; name: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'botcore' || parts[3] !== 'status') return undefined;
  const [, namespace, name] = parts;
  if (!namespace || !name) return undefined;
  return { namespace, name };
}

/** The container arguments of each role: `botcore runtime --role <role> [--strategy <name>]`. */
export function runtimeArgs(role: RuntimeRole, strategy?: string): string[] {
  const args = ['runtime', '--role', role];
  if (role === 'strategy') {
    if (strategy === undefined) throw new Error('a strategy role needs the strategy name');
    args.push('--strategy', strategy);
  }
  return args;
}
