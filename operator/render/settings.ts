// What the operator knows beyond the TradingBot: its flags.
export interface RenderSettings {
  /** Runtime image when the bot does not name one. */
  readonly runtimeImage: string;
  readonly natsUrl: string;
  readonly redisUrl?: string;
  readonly mongodbUrl?: string;
  /** Port of every runtime pod's /healthz, /readyz and /metrics. */
  readonly healthPort: number;
  /**
   * Secret in the bot's namespace whose `keys` verify the status endpoint's
   * trader tokens (`defaultStatusKeysSecret` when absent).
   */
  readonly statusKeysSecret?: string;
}

export const defaultRuntimeHealthPort = 8081;
export const defaultStatusKeysSecret = 'botcore-status-keys';
