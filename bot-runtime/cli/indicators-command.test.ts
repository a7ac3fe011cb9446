import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bollingerBatch, macdBatch, rsiBatch, stochasticBatch } from '../indicators/batch.ts';
import { loadCandlesCsv } from '../market-data/csv-loader.ts';
import { type IndicatorsOptions, runIndicators } from './indicators-command.ts';

const CANDLES = join(import.meta.dirname, '../../../shared/data/candles');
const ETH = join(CANDLES, 'ETH-BTC_5m.csv');
const ADA = join(CANDLES, 'ADA-BTC_5m.csv');

function run(options: IndicatorsOptions) {
  let out = '';
  let err = '';
  const code = runIndicators(options, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function json(options: Omit<IndicatorsOptions, 'json'>): Record<string, number>[] {
  const r = run({ ...options, json: true });
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out);
}

const eth = loadCandlesCsv(ETH).series;

describe('botcore indicators --json', () => {
  it('prints one {t, value} per candle where RSI is defined, equal to the batch values', () => {
    const rows = json({ data: ETH, indicator: 'rsi', period: 14 });
    const ours = rsiBatch(eth.close, 14);
    expect(rows).toHaveLength(eth.length - 14);
    expect(rows[0]).toEqual({ t: eth.time[14], value: ours[14] });
    expect(rows.at(-1)).toEqual({ t: eth.time[eth.length - 1], value: ours[eth.length - 1] });
  });

  it('uses the field names MACD/signal/histogram, upper/middle/lower and k/d', () => {
    const macd = json({ data: ETH, indicator: 'macd', fast: 12, slow: 26, signal: 9 });
    expect(Object.keys(macd[0]!)).toEqual(['t', 'MACD', 'signal', 'histogram']);
    expect(macd[0]!.MACD).toBe(macdBatch(eth.close).macd[33]);
    const bb = json({ data: ETH, indicator: 'bollinger', period: 20, stdDev: 2 });
    expect(Object.keys(bb[0]!)).toEqual(['t', 'upper', 'middle', 'lower']);
    expect(bb[0]!.upper).toBe(bollingerBatch(eth.close, 20).upper[19]);
    const st = json({ data: ETH, indicator: 'stochastic', period: 14, kSmoothing: 3, dPeriod: 3 });
    expect(Object.keys(st[0]!)).toEqual(['t', 'k', 'd']);
    expect(st[0]!.d).toBe(stochasticBatch(eth.high, eth.low, eth.close).d[17]);
  });

  it('--exact-variance opens the Bollinger bands TA-Lib collapses on ADA-BTC', () => {
    const talib = json({ data: ADA, indicator: 'bb' });
    const exact = json({ data: ADA, indicator: 'bb', exactVariance: true });
    expect(talib.filter((r) => r.upper === r.middle).length).toBeGreaterThan(600);
    expect(exact.filter((r) => r.upper === r.middle).length).toBeLessThan(50);
    expect(run({ data: ADA, indicator: 'rsi', exactVariance: true }).err).toMatch(
      /rsi takes no parameter "exactVariance"/,
    );
  });

  it('accepts the technicalindicators spellings of the parameters', () => {
    expect(json({ data: ETH, indicator: 'macd', fastPeriod: 5, slowPeriod: 35, signalPeriod: 5 })).toEqual(
      json({ data: ETH, indicator: 'macd', fast: 5, slow: 35, signal: 5 }),
    );
    expect(json({ data: ETH, indicator: 'stochastic', kPeriod: 5, signalPeriod: 4 })).toEqual(
      json({ data: ETH, indicator: 'stochastic', period: 5, dPeriod: 4 }),
    );
    expect(json({ data: ETH, indicator: 'bb', stddev: 1.5 })).toEqual(
      json({ data: ETH, indicator: 'bb', stdDev: 1.5 }),
    );
    const r = run({ data: ETH, indicator: 'macd', fast: 5, fastPeriod: 6 });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--fast 5 and --fast-period 6 name the same parameter/);
  });

  it.each(['sma', 'ema', 'atr', 'obv', 'ad', 'mfi', 'vwap', 'volume-sma', 'bb', 'stoch'])(
    'computes %s',
    (indicator) => {
      const rows = json({ data: ETH, indicator });
      expect(rows.length).toBeGreaterThan(5000);
      for (const r of rows) for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    },
  );

  it('keeps gaps by default and says so on stderr; fills them on request', () => {
    const kept = run({ data: ADA, indicator: 'sma', period: 5, json: true });
    expect(kept.code).toBe(0);
    expect(kept.err).toMatch(/5 gap\(s\), 40 missing candle\(s\).*--gaps keep/);
    const filled = run({ data: ADA, indicator: 'sma', period: 5, json: true, gaps: 'fill' });
    expect(JSON.parse(filled.out)).toHaveLength(5760 - 4);
    expect(JSON.parse(kept.out)).toHaveLength(5720 - 4);
  });
});

describe('botcore indicators errors', () => {
  it.each([
    [{ data: ETH, indicator: 'nope' }, /unknown indicator "nope".*\[UNKNOWN_INDICATOR\]/],
    [{ data: ETH, indicator: 'rsi', period: 0 }, /rsi: period must be a whole number from 2.*got 0/],
    [{ data: ETH, indicator: 'macd', fast: 30, slow: 26 }, /fast period \(30\) must be shorter than slow/],
    [{ data: ETH, indicator: 'obv', period: 3 }, /obv takes no parameter "period"/],
    [{ data: '/no/such/file.csv', indicator: 'rsi' }, /\/no\/such\/file\.csv: cannot read file/],
    [{ data: ADA, indicator: 'rsi', gaps: 'reject' as const }, /ADA-BTC_5m\.csv:\d+: .*missing.*\[GAP\]/],
  ])('%j fails with a clear message and exit code 1', (options, message) => {
    const r = run(options);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.startsWith('botcore indicators: ')).toBe(true);
  });

  it('names the file and line of a malformed row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-cli-'));
    const path = join(dir, 'X-Y_1m.csv');
    writeFileSync(path, 'timestamp,open,high,low,close,volume\n0,1,1,1,1,1\n60000,1,1,one,1,1\n');
    const r = run({ data: path, indicator: 'sma', period: 2 });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path}:3: low "one" is not a number [BAD_NUMBER]`);
  });
});

describe('the botcore executable', () => {
  const exec = promisify(execFile);
  const cli = join(import.meta.dirname, 'botcore.ts');

  it('prints JSON on stdout and exits 0', async () => {
    const { stdout } = await exec(process.execPath, [
      cli,
      'indicators',
      '--data',
      ETH,
      '--indicator',
      'rsi',
      '--json',
    ]);
    const rows = JSON.parse(stdout);
    expect(rows).toHaveLength(eth.length - 14);
  });

  it.each([
    [['--indicator', 'rsi', '--period', 'x'], /--period <n>.*"x" is not a whole number/],
    [['--indicator', 'unknown'], /unknown indicator "unknown"/],
    [['--indicator', 'rsi', '--gaps', 'sometimes'], /--gaps.*sometimes/],
  ])('exits non-zero with a message for %j', async (args, message) => {
    const err = await exec(process.execPath, [cli, 'indicators', '--data', ETH, ...args]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBeGreaterThan(0);
    expect(err?.stderr).toMatch(message);
  });
});
