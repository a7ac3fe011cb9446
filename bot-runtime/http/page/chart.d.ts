// Types of chart.js (plain JavaScript: the browser runs it as it is).
export interface ChartPoint {
  readonly t: number;
  readonly equity: string;
}
export interface Padding {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}
export function scale(
  points: readonly ChartPoint[],
  width: number,
  height: number,
  pad: Padding,
): { coords: [number, number][]; min: number; max: number; t0: number; t1: number };
export function linePath(coords: readonly (readonly [number, number])[]): string;
export function renderEquityChart(svg: unknown, points: readonly ChartPoint[], currency: string): void;
