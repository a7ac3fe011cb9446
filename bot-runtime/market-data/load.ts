// One entry point for candle files: CSV or JSON by extension.
import { type LoadedCandles, type LoadOptions, loadCandlesCsv } from './csv-loader.ts';
import { loadCandlesJson } from './json-loader.ts';

export function loadCandles(path: string, options: LoadOptions = {}): LoadedCandles {
  return path.toLowerCase().endsWith('.json')
    ? loadCandlesJson(path, options)
    : loadCandlesCsv(path, options);
}
