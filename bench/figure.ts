// One line of `npm run bench` output: a named figure, its unit, and whatever
// context its group adds (target, percentiles, load average).
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly [k: string]: unknown;
}
