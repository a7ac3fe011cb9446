// Typed, coded errors for candle data. The codes are public API (tests and
// users match on them); the message always names the source and the line.

export const CandleDataErrorCode = {
  EMPTY: 'EMPTY',
  BAD_HEADER: 'BAD_HEADER',
  MALFORMED_ROW: 'MALFORMED_ROW',
  BAD_NUMBER: 'BAD_NUMBER',
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  NEGATIVE_VALUE: 'NEGATIVE_VALUE',
  INCONSISTENT_OHLC: 'INCONSISTENT_OHLC',
  DUPLICATE: 'DUPLICATE',
  OUT_OF_ORDER: 'OUT_OF_ORDER',
  MISALIGNED: 'MISALIGNED',
  GAP: 'GAP',
  UNKNOWN_TIMEFRAME: 'UNKNOWN_TIMEFRAME',
  UNREADABLE: 'UNREADABLE',
} as const;
export type CandleDataErrorCode = (typeof CandleDataErrorCode)[keyof typeof CandleDataErrorCode];

/** Bad candle data: `source:line: message [CODE]`. `line` is 1-based (for JSON: the array element, 0-based). */
export class CandleDataError extends Error {
  override readonly name = 'CandleDataError';
  readonly code: CandleDataErrorCode;
  readonly source: string;
  /** CSV: the 1-based line number. JSON: the 0-based array index. 0 when the whole input is at fault. */
  readonly line: number;

  constructor(code: CandleDataErrorCode, source: string, line: number, detail: string, where?: string) {
    super(`${where ?? (line > 0 ? `${source}:${line}` : source)}: ${detail} [${code}]`);
    this.code = code;
    this.source = source;
    this.line = line;
  }
}
