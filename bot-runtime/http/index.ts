// The bot's status endpoint: JSON API, WebSocket stream, page, metrics and
// probes (docs/status-endpoint.md).
export {
  ConfigError,
  loadStatusServerConfig,
  parseStatusServerConfig,
  type StatusServerConfig,
} from './config.ts';
export { HttpErrorCode } from './errors.ts';
export { loadVerificationKeys, type VerificationKey } from './keys.ts';
export { MemoryStatusSource, type MemoryStatusSourceOptions } from './memory-status-source.ts';
export { createTradingMetrics, METRIC_NAMES, type TradingMetrics } from './metrics.ts';
export { scrubSecrets } from './redact.ts';
export {
  buildStatusServer,
  type StatusApp,
  type StatusServer,
  type StatusServerOptions,
  statusLogger,
} from './server.ts';
export type {
  BotRef,
  BotStatusSource,
  BotStatusView,
  DependencyHealth,
  EquityPointView,
  EquityQuery,
  EquitySeries,
  PositionView,
  SourceHealth,
  StatusEvent,
  StatusListener,
  TradesPage,
  TradesQuery,
  TradeView,
} from './status-source.ts';
export { InvalidCursorError } from './status-source.ts';
export { StreamCloseCode } from './stream-plugin.ts';
export { TokenVerifier, type TraderClaims } from './token-verifier.ts';
