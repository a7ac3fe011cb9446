#!/usr/bin/env node
// The `botcore` command. Each subcommand lives in its own module and is loaded
// only when it runs, so `botcore --help` stays fast and the operator and the
// runtime never load each other's code.
import { Command, InvalidArgumentError, Option } from 'commander';
import { packageVersion } from './package-version.ts';

export function buildProgram(): Command {
  const program = new Command('botcore')
    .description('Bot Core: crypto trading bots on Kubernetes, and the same bot on a laptop in paper mode.')
    .version(packageVersion(), '-V, --version', 'print the botcore version')
    .showHelpAfterError('(run botcore --help for usage)')
    .configureHelp({ sortSubcommands: true });

  program
    .command('start')
    .description('run the demo: a paper-trading bot from examples/ on replayed real candles')
    .option('--port <n>', 'status endpoint port (default 8080)', wholeNumber)
    .option('--speed <n>', 'replay speed in times real time (default 3000)', finiteNumber)
    .option(
      '--state-dir <dir>',
      'where the demo keeps its state (default ~/.local/state/botcore/default/demo)',
    )
    .action(async (opts: { port?: number; speed?: number; stateDir?: string }) => {
      const { runStart } = await import('./start.ts');
      process.exitCode = await runStart(opts);
    });

  program
    .command('run')
    .description(
      'run a TradingBot on this machine: every role in one process, paper mode, state kept across restarts',
    )
    .argument(
      '<manifest>',
      'TradingBot manifest (YAML); a RiskPolicy in the same file is used when the bot names it',
    )
    .option(
      '--state-dir <dir>',
      'where the journal and the local signing key live (default ~/.local/state/botcore/<namespace>/<bot>)',
    )
    .option('--port <n>', 'status endpoint port (default 8080)', wholeNumber)
    .option('--host <addr>', 'status endpoint address (default 127.0.0.1)')
    .option(
      '--speed <n>',
      "replay speed in times real time (default: the manifest's; 0 = as fast as possible)",
      finiteNumber,
    )
    .option(
      '--data <csv...>',
      "candle files to replay instead of the manifest's: ETH-BTC_5m.csv or ETH/BTC=path.csv",
    )
    .option(
      '--policy <file>',
      'RiskPolicy manifest (default: the one spec.riskPolicyRef names in the same file)',
    )
    .option('--live', 'accept mode: live (needs a RiskPolicy); without it botcore run refuses live bots')
    .option('--no-auth', 'serve the status endpoint without tokens (loopback addresses only)')
    .option('--token-file <file>', 'where to write the trader token (default <state-dir>/status.token)')
    .option('--quiet', 'do not print each trade')
    .option(
      '--models-dir <dir>',
      'where ONNX models named by a configMapRef are: <dir>/<configmap>/<key> (default $BOTCORE_MODELS_DIR or /etc/botcore-models)',
    )
    .option('--exchange-rest-url <url>', 'REST base URL of the exchange feed (marketData.source: exchange)')
    .option('--exchange-ws-url <url>', 'WebSocket base URL of the exchange feed')
    .action(async (manifest: string, opts) => {
      const { runRunCommand } = await import('./run-command.ts');
      process.exitCode = await runRunCommand({ manifest, ...opts });
    });

  program
    .command('runtime')
    .description(
      'run one role of a bot in a pod, with the configuration the operator renders (see crds/runtime-config)',
    )
    .requiredOption('--role <role>', 'feed, strategy or executor')
    .option('--strategy <name>', 'the strategy a strategy role runs')
    .option(
      '--config <file>',
      'runtime configuration (default $BOTCORE_CONFIG, else /etc/botcore/config.json)',
    )
    .option(
      '--risk-policy <file>',
      'risk policy document (default risk-policy.json beside the configuration)',
    )
    .action(async (opts) => {
      const { runRuntimeCommand } = await import('./runtime-command.ts');
      process.exitCode = await runRuntimeCommand(opts);
    });

  program
    .command('validate')
    .description('check TradingBot and RiskPolicy manifests as the API server would, without a cluster')
    .argument('<manifest...>', 'YAML files (other kinds in them are ignored)')
    .option('--json', 'print the verdicts as JSON')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const { runValidate } = await import('./validate-command.ts');
      process.exitCode = await runValidate(files, opts);
    });

  program
    .command('indicators')
    .description(
      'compute a technical indicator over a candle file (CSV or JSON) and print one row per candle',
    )
    .requiredOption(
      '--data <file>',
      'candle file: timestamp,open,high,low,close,volume (see docs/market-data.md)',
    )
    .requiredOption(
      '--indicator <name>',
      'rsi, sma, ema, macd, bollinger, stochastic, atr, obv, ad, mfi, vwap or volume-sma (see docs/indicators.md)',
    )
    .option(
      '--period <n>',
      'lookback in candles (rsi, sma, ema, bollinger, stochastic %K, atr, mfi, vwap, volume-sma)',
      wholeNumber,
    )
    .option('--fast <n>', 'macd fast EMA period (12)', wholeNumber)
    .option('--slow <n>', 'macd slow EMA period (26)', wholeNumber)
    .option('--signal <n>', 'macd signal EMA period (9)', wholeNumber)
    .option('--std-dev <k>', 'bollinger band width in standard deviations (2)', finiteNumber)
    .option('--k-smoothing <n>', 'stochastic %K smoothing (3; 1 = fast stochastic)', wholeNumber)
    .option('--d-period <n>', 'stochastic %D period (3)', wholeNumber)
    .option('--fast-period <n>', 'same as --fast', wholeNumber)
    .option('--slow-period <n>', 'same as --slow', wholeNumber)
    .option('--signal-period <n>', 'same as --signal (macd) or --d-period (stochastic)', wholeNumber)
    .option('--k-period <n>', 'same as --period (stochastic)', wholeNumber)
    .option('--stddev <k>', 'same as --std-dev', finiteNumber)
    .option(
      '--exact-variance',
      "bollinger: two-pass variance instead of TA-Lib's (for markets priced near 1e-5)",
    )
    .addOption(
      new Option(
        '--gaps <policy>',
        'missing candles: keep them as recorded, fill them flat, or reject the file',
      )
        .choices(['keep', 'fill', 'reject'])
        .default('keep'),
    )
    .option('--timeframe <tf>', 'candle length (e.g. 5m) when the file name does not say it')
    .option('--json', 'print a JSON array of {t, ...values}')
    .action(async (opts) => {
      const { runIndicators } = await import('./indicators-command.ts');
      const { parseTimeframe } = await import('../market-data/candle.ts');
      let timeframeMs: number | undefined;
      if (opts.timeframe !== undefined) {
        try {
          timeframeMs = parseTimeframe(opts.timeframe);
        } catch (e) {
          program.error(`error: option '--timeframe <tf>': ${(e as Error).message}`);
        }
      }
      // A closed pipe (`| head`) ends the output quietly.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
      process.exitCode = runIndicators({ ...opts, timeframeMs });
    });

  program
    .command('operator')
    .description(
      'run the operator against the current kubeconfig (in-cluster config in a pod); see botcore operator --help',
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      const { runOperatorCommand } = await import('../../operator/cli.ts');
      await runOperatorCommand(flags);
    });

  program
    .command('backtest')
    .description('run a TradingBot manifest over candle files and print the report (see docs/backtesting.md)')
    .argument(
      '<manifest>',
      'TradingBot manifest (YAML); a RiskPolicy in the same file is used when the bot refers to it',
    )
    .requiredOption('--data <csv...>', 'candle files, one per market: ETH-BTC_5m.csv, or ETH/BTC=path.csv')
    .option('--from <time>', 'first candle to trade (2018-01-10, ISO time or epoch ms); earlier ones warm up')
    .option('--to <time>', 'last candle to trade')
    .option('--json', 'print the full report as JSON')
    .option('--report <file.html>', 'also write the HTML report (equity and drawdown charts, tables)')
    .option('--policy <file>', 'RiskPolicy manifest (default: the RiskPolicy documented defaults)')
    .option('--seed <n>', 'seed of the paper venue (default 1)', wholeNumber)
    .option(
      '--capital <amount>',
      'starting cash in the quote currency of the data (default spec.capital.amount)',
    )
    .option(
      '--models-dir <dir>',
      'where ONNX models named by a configMapRef are: <dir>/<configmap>/<key> (default $BOTCORE_MODELS_DIR or /etc/botcore-models)',
    )
    .action(async (manifest: string, opts) => {
      const { runBacktestCommand } = await import('./backtest-command.ts');
      process.exitCode = await runBacktestCommand({
        manifest,
        ...opts,
        progress: process.stderr.isTTY === true && opts.json !== true,
      });
    });

  program
    .command('sweep')
    .description(
      "search a strategy's parameters (grid or random) in worker threads, ranked on an in-sample period and checked out of sample",
    )
    .argument('<manifest>', 'TradingBot manifest (YAML)')
    .requiredOption('--data <csv...>', 'candle files, one per market')
    .requiredOption(
      '--param <name=values...>',
      'a parameter and its values: period=7,14,21 or period=5..30:5',
    )
    .option('--strategy <name>', 'strategy to tune (default: the first)')
    .option('--random <n>', 'try n random combinations instead of the whole grid', wholeNumber)
    .option('--seed <n>', 'seed of the random search and the paper venue (default 1)', wholeNumber)
    .option('--split <ratio>', 'share of the period used in sample (default 0.7)', finiteNumber)
    .option(
      '--metric <name>',
      'ranking metric: sharpe, sortino, calmar, cagr, totalReturn, profitFactor, expectancy, winRate (default sharpe)',
    )
    .option('--top <n>', 'rows to print (default 10)', wholeNumber)
    .option(
      '--workers <n>',
      'worker threads (default: CPUs - 1, at least 1; 0 runs in this thread)',
      wholeNumber,
    )
    .option('--policy <file>', 'RiskPolicy manifest')
    .option(
      '--capital <amount>',
      'starting cash in the quote currency of the data (default spec.capital.amount)',
    )
    .option('--json', 'print the ranking as JSON')
    .action(async (manifest: string, opts) => {
      const { runSweepCommand } = await import('./sweep-command.ts');
      process.exitCode = await runSweepCommand({ manifest, ...opts });
    });

  return program;
}

function wholeNumber(value: string): number {
  if (!/^[0-9]+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return Number(value);
}

function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`"${value}" is not a number.`);
  return n;
}

if (import.meta.main) {
  await buildProgram().parseAsync(process.argv);
}
