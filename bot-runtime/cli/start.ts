// `npm start`: the demo. `botcore run` on examples/bots/demo.yaml, a paper
// RSI bot on a sped-up replay of the bundled real ETH/BTC candles, with its
// status endpoint on http://127.0.0.1:8080, until Ctrl-C. State is kept in
// the usual state directory, so a second `npm start` resumes where the first
// stopped.
import { join } from 'node:path';
import { runRunCommand } from './run-command.ts';

/** The repository root (this file is bot-runtime/cli/start.ts). */
const root = join(import.meta.dirname, '..', '..');

/** `npm start [-- --port 9090 --speed 600 --state-dir d]`. */
export async function runStart(
  options: { port?: number; speed?: number; stateDir?: string } = {},
): Promise<number> {
  return runRunCommand({
    manifest: join(root, 'examples', 'bots', 'demo.yaml'),
    cwd: root,
    host: '127.0.0.1',
    port: options.port ?? 8080,
    ...(options.speed === undefined ? {} : { speed: options.speed }),
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
  });
}
