#!/usr/bin/env node
// The `botcore` command. Each subcommand lives in its own module and is loaded
// only when it runs, so `botcore --help` stays fast and the operator and the
// runtime never load each other's code.
import { Command } from 'commander';
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

  return program;
}

if (import.meta.main) {
  await buildProgram().parseAsync(process.argv);
}
