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
    .action(async () => {
      const { runStart } = await import('./start.ts');
      await runStart();
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
