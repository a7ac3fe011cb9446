export {
  type Candle,
  type CandleColumns,
  type CandleSeries,
  CandleSeriesBuilder,
  candleAt,
  formatTimeframe,
  parseTimeframe,
  seriesFromCandles,
} from './candle.ts';
export {
  CSV_HEADER,
  type LoadedCandles,
  type LoadOptions,
  loadCandlesCsv,
  parseCandlesCsv,
} from './csv-loader.ts';
export { CandleDataError, CandleDataErrorCode } from './errors.ts';
export type { CandleEvent, CandleFeed, Sleep } from './feed.ts';
export { type FeedGapOptions, withGapPolicy } from './feed-gaps.ts';
export { CandleSequencer, findGaps, GAP_POLICIES, type Gap, type GapPolicy } from './gaps.ts';
export { candlesFromJson, loadCandlesJson } from './json-loader.ts';
export { loadCandles } from './load.ts';
export {
  earliestNext,
  MultiReplayFeed,
  ReplayFeed,
  type ReplayMarket,
  type ReplayOptions,
} from './replay-feed.ts';
export { CandleAggregator, type ResampleOptions, resample } from './resample.ts';
