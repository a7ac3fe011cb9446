// Parameter checks shared by the indicators: a bad period is a typed error
// that names the indicator and the parameter, never a silent NaN series.

export const IndicatorErrorCode = {
  INVALID_PARAMETER: 'INVALID_PARAMETER',
  UNKNOWN_INDICATOR: 'UNKNOWN_INDICATOR',
  INPUT_LENGTH_MISMATCH: 'INPUT_LENGTH_MISMATCH',
} as const;
export type IndicatorErrorCode = (typeof IndicatorErrorCode)[keyof typeof IndicatorErrorCode];

export class IndicatorError extends Error {
  override readonly name = 'IndicatorError';
  readonly code: IndicatorErrorCode;
  constructor(code: IndicatorErrorCode, message: string) {
    super(`${message} [${code}]`);
    this.code = code;
  }
}

export const MAX_PERIOD = 100_000;

/** A whole number in [min, MAX_PERIOD]; otherwise an INVALID_PARAMETER error naming both. */
export function checkPeriod(indicator: string, name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > MAX_PERIOD) {
    throw new IndicatorError(
      IndicatorErrorCode.INVALID_PARAMETER,
      `${indicator}: ${name} must be a whole number from ${min} to ${MAX_PERIOD}, got ${value}`,
    );
  }
  return value;
}

export function checkFinite(indicator: string, name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new IndicatorError(
      IndicatorErrorCode.INVALID_PARAMETER,
      `${indicator}: ${name} must be a finite number, got ${value}`,
    );
  }
  return value;
}
