export { CandleClock, type Clock, LiveClock } from './clock.ts';
export {
  type ExitReason,
  type FillRecord,
  Kernel,
  type KernelOptions,
  type Market,
  type OrderRecord,
  type TradeRecord,
} from './kernel.ts';
export { runPaper } from './paper.ts';
export { GrowableSeries } from './series.ts';
