// A Node child process whose JSON log lines are collected as they come (to
// wait for a message, read a bound port) and whose whole output is kept (to
// show on failure, and to search for secrets).
import { type ChildProcess, spawn } from 'node:child_process';

export interface LoggedProcess {
  readonly child: ChildProcess;
  /** stdout's JSON lines, parsed; other lines stay in output() only. */
  readonly logs: Array<Record<string, unknown>>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `node <args>` in `cwd` with exactly `env`. */
export function spawnLogged(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): LoggedProcess {
  const child = spawn(process.execPath, [...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not JSON: kept in raw
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, logs, output: () => raw, exited };
}
