// What the operator knows beyond the TradingBot: its flags.
export interface RenderSettings {
  /** Runtime image when the bot does not name one. */
  readonly runtimeImage: string;
  readonly natsUrl: string;
  readonly redisUrl?: string;
  readonly mongodbUrl?: string;
  /** Port of every runtime pod's /healthz, /readyz and /metrics. */
  readonly healthPort: number;
}

export const defaultRuntimeHealthPort = 8081;
