// `npm start`: the demo. `botcore run` on examples/bots/demo.yaml, a paper
// RSI bot on a sped-up replay of the bundled real ETH/BTC candles, with its
// status endpoint on http://127.0.0.1:8080, until Ctrl-C. State is kept in
// the usual state directory, so a second `npm start` resumes where the first
// stopped.
import { join } from 'node:path';
import { runRunCommand } from './run-command.ts';

/** The repository root (this file is bot-runtime/cli/start.ts). */
const root = join(import.meta.dirname, '..', '..');

export async function runStart(): Promise<number> {
  return runRunCommand({
    manifest: join(root, 'examples', 'bots', 'demo.yaml'),
    cwd: root,
    host: '127.0.0.1',
    port: 8080,
  });
}
