// One line of `npm run bench` output: a named figure, its unit, and whatever
// context its group adds (target, percentiles, load average).
export interface Figure {
  readonly name: string;
  /** Null when the run could not measure it (the operator's Ready time after a time-out). */
  readonly value: number | null;
  readonly unit: string;
  readonly [k: string]: unknown;
}
