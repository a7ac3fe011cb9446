import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { adaptBot, dataSymbol, parseTime, runBacktestCommand } from './backtest-command.ts';
import { runSweepCommand } from './sweep-command.ts';

const run = promisify(execFile);
const cli = new URL('./botcore.ts', import.meta.url).pathname;
const ROOT = join(import.meta.dirname, '../..');
const ETH = join(ROOT, '../shared/data/candles/ETH-BTC_5m.csv');
const LTC = join(ROOT, '../shared/data/candles/LTC-BTC_5m.csv');

function capture() {
  let out = '';
  let err = '';
  return {
    io: { out: (t: string) => (out += t), err: (t: string) => (err += t) },
    get: () => ({ out, err }),
  };
}

describe('botcore backtest', () => {
  it('prints the full JSON report for an example bot on the real ETH/BTC candles', async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'backtest', join(ROOT, 'examples/bots/rsi-paper.yaml'), '--data', ETH, '--json'],
      {
        maxBuffer: 64 << 20,
      },
    );
    const r = JSON.parse(stdout);
    expect(r.bot).toBe('rsi-btc');
    expect(r.symbols).toEqual(['ETH/BTC']);
    expect(r.period.candles).toBe(5760);
    for (const k of [
      'totalReturn',
      'cagr',
      'sharpe',
      'sortino',
      'calmar',
      'maxDrawdown',
      'maxDrawdownDurationMs',
      'profitFactor',
      'expectancy',
      'winRate',
      'trades',
      'averageTradeDurationMs',
      'exposure',
      'feesPaid',
      'bestTrade',
      'worstTrade',
    ])
      expect(r.metrics, k).toHaveProperty(k);
    expect(r.metrics.trades).toBeGreaterThan(5);
    expect(r.trades).toHaveLength(r.metrics.trades);
    expect(r.perSymbol[0].symbol).toBe('ETH/BTC');
    expect(r.perStrategy[0].strategy).toBe('rsi');
    expect(r.monthlyReturns[0].month).toBe('2018-01');
    expect(r.riskDenials).toHaveProperty('byCode');
    expect(r.warnings.join(' ')).toContain('quoted in BTC');
  });

  it('writes an HTML report with the equity and drawdown charts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-bt-'));
    const file = join(dir, 'report.html');
    const c = capture();
    const code = await runBacktestCommand(
      { manifest: join(ROOT, 'examples/bots/macd-paper.yaml'), data: [ETH, LTC], report: file, capital: '1' },
      c.io,
    );
    expect(code, c.get().err).toBe(0);
    expect(c.get().out).toMatch(/Sharpe \/ Sortino \/ Calmar/);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('aria-label="Equity (BTC)"');
    expect(html).toContain('aria-label="Drawdown"');
    expect(html).toMatch(/<path d="M[0-9.]+,[0-9.]+L/);
    expect(html).toContain('<h2>Per strategy</h2>');
  });

  it('uses a RiskPolicy given with --policy, and --from/--to bound the period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-bt-'));
    const policy = join(dir, 'halt.yaml');
    writeFileSync(
      policy,
      'apiVersion: trading.botcore.dev/v1alpha1\nkind: RiskPolicy\nmetadata: {name: h}\nspec: {halt: true, haltReason: drill}\n',
    );
    const c = capture();
    const code = await runBacktestCommand(
      {
        manifest: join(ROOT, 'examples/bots/rsi-paper.yaml'),
        data: [ETH],
        policy,
        json: true,
        from: '2018-01-15',
        to: '2018-01-20',
      },
      c.io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(c.get().out);
    expect(r.metrics.trades).toBe(0);
    expect(Object.keys(r.riskDenials.byCode)).toEqual(['HALT']);
    expect(r.period.from).toBe('2018-01-15T00:00:00.000Z');
    expect(r.period.to).toBe('2018-01-20T00:05:00.000Z');
  });

  it('refuses an invalid manifest with the API server message, and bad arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'botcore-bt-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: trading.botcore.dev/v1alpha1\nkind: TradingBot\nmetadata: {name: b}\nspec:\n  exchange: {name: binance}\n  symbols: [BTC/USDT]\n  capital: {amount: "1"}\n  strategies: [{name: r, type: rsi, rsi: {period: 1}}]\n',
    );
    const c = capture();
    expect(await runBacktestCommand({ manifest: bad, data: [ETH] }, c.io)).toBe(2);
    expect(c.get().err).toContain('spec.strategies[0].rsi.period');
    const d = capture();
    expect(
      await runBacktestCommand(
        { manifest: join(ROOT, 'examples/bots/rsi-paper.yaml'), data: ['/tmp/candles.csv'] },
        d.io,
      ),
    ).toBe(2);
    expect(d.get().err).toContain('name the market');
    const e = capture();
    expect(
      await runBacktestCommand(
        { manifest: join(ROOT, 'examples/bots/rsi-paper.yaml'), data: [ETH], capital: '-1' },
        e.io,
      ),
    ).toBe(2);
    expect(e.get().err).toContain('--capital -1');
  });

  it('reads markets and times from arguments', () => {
    expect(dataSymbol('/x/ETH-BTC_5m.csv')).toEqual({ symbol: 'ETH/BTC', path: '/x/ETH-BTC_5m.csv' });
    expect(dataSymbol('SOL/USDT=/x/sol.csv')).toEqual({ symbol: 'SOL/USDT', path: '/x/sol.csv' });
    expect(parseTime('2018-01-15', '--from')).toBe(Date.UTC(2018, 0, 15));
    expect(parseTime('1515974400000', '--from')).toBe(1515974400000);
    expect(() => parseTime('soon', '--from')).toThrow(/not a date/);
  });

  it('adapts a bot to the data markets, with warnings', () => {
    const warnings: string[] = [];
    const bot = adaptBot(
      {
        symbols: ['BTC/USDT', 'ETH/USDT'],
        strategies: [
          { name: 'a', type: 'rsi', weight: '1', symbols: ['BTC/USDT'] },
          { name: 'b', type: 'macd', weight: '1' },
        ],
      } as never,
      ['ETH/BTC'],
      warnings,
    );
    expect(bot.symbols).toEqual(['ETH/BTC']);
    expect(bot.strategies[0]!.symbols).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });
});

describe('botcore backtest with an ONNX strategy', () => {
  // The example names ConfigMap btc-direction-model, key model.onnx: lay out a models dir the way a pod mounts it.
  const modelsDir = mkdtempSync(join(tmpdir(), 'botcore-models-'));
  mkdirSync(join(modelsDir, 'btc-direction-model'));
  copyFileSync(
    join(ROOT, 'examples/models/momentum.onnx'),
    join(modelsDir, 'btc-direction-model/model.onnx'),
  );
  const manifest = join(ROOT, 'examples/bots/onnx-paper.yaml');

  it('runs the model from --models-dir and reports its trades', async () => {
    const c = capture();
    expect(
      await runBacktestCommand({ manifest, data: [ETH], modelsDir, capital: '1', json: true }, c.io),
    ).toBe(0);
    const report = JSON.parse(c.get().out);
    expect(report.metrics.trades).toBeGreaterThan(5);
    expect(report.trades.length).toBe(report.metrics.trades);
    expect(report.perStrategy.map((s: { strategy: string }) => s.strategy)).toEqual(['model']);
  });

  it('stops with the field and the file when the model is not there', async () => {
    const c = capture();
    expect(await runBacktestCommand({ manifest, data: [ETH], modelsDir: tmpdir(), json: true }, c.io)).toBe(
      2,
    );
    expect(c.get().err).toBe(
      `error: STRATEGY_MODEL_INVALID: strategies[0].onnx.model.configMapRef: ${join(tmpdir(), 'btc-direction-model/model.onnx')}: no such file\n`,
    );
  });

  it('is refused by sweep, which does not run models', async () => {
    const c = capture();
    const code = await runSweepCommand(
      { manifest, data: [ETH], param: ['buyThreshold=0.6,0.7'], workers: 0 },
      c.io,
    );
    expect(code).toBe(2);
    expect(c.get().err).toContain('strategies[0] (model) is an ONNX strategy, which sweep does not run');
  });
});

describe('botcore sweep', () => {
  it('ranks a grid by the in-sample metric and reports out-of-sample figures (in this thread and in workers alike)', async () => {
    const opts = {
      manifest: join(ROOT, 'examples/bots/rsi-paper.yaml'),
      data: [ETH],
      param: ['period=7..21:7', 'oversold=25,30'],
      capital: '1',
      json: true,
    };
    const a = capture();
    expect(await runSweepCommand({ ...opts, workers: 0 }, a.io)).toBe(0);
    const inline = JSON.parse(a.get().out);
    expect(inline.combinations).toBe(6);
    expect(inline.results).toHaveLength(6);
    const sharpe = inline.results.map(
      (r: { inSample: { sharpe: number | null } }) => r.inSample.sharpe ?? Number.NEGATIVE_INFINITY,
    );
    expect(sharpe).toEqual([...sharpe].sort((x: number, y: number) => y - x));
    expect(inline.results[0].outOfSample).toHaveProperty('totalReturn');
    const b = capture();
    expect(await runSweepCommand({ ...opts, workers: 2 }, b.io)).toBe(0);
    expect(JSON.parse(b.get().out).results).toEqual(inline.results);
  });

  it('a random search takes n combinations of the grid, reproducibly', async () => {
    const opts = {
      manifest: join(ROOT, 'examples/bots/rsi-paper.yaml'),
      data: [ETH],
      param: ['period=5..30', 'overbought=65,70,75'],
      random: 4,
      seed: 3,
      workers: 0,
      capital: '1',
      json: true,
    };
    const a = capture();
    await runSweepCommand(opts, a.io);
    const b = capture();
    await runSweepCommand(opts, b.io);
    expect(JSON.parse(a.get().out).results).toHaveLength(4);
    expect(a.get().out).toBe(b.get().out);
  });
});
