// `botcore runtime ...` as a child process, with its JSON log lines collected
// (to wait for "role started" and read the ports it bound) and its raw output
// kept (to check that no secret is ever written).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '../support/eventually.ts';
import { spawnLogged } from '../support/logged-process.ts';
import type { LocalPod } from './local-pod.ts';

const root = join(import.meta.dirname, '..', '..');
/** The image's entrypoint, from a checkout. */
const botcore = join(root, 'bot-runtime', 'cli', 'botcore.ts');

export interface RuntimeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logs: ReadonlyArray<Record<string, unknown>>;
  output(): string;
  /** The first log line with this message (fails when the process exits first). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, as the kubelet stops a pod (SIGKILL after the grace period); resolves with the exit. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/**
 * Starts the pod's command with its environment only (plus PATH and a HOME),
 * on this machine's network: `ports` go into the BOTCORE_*_PORT variables.
 */
export function startRuntime(pod: LocalPod, extraEnv: Record<string, string>): RuntimeProcess {
  const { child, logs, output, exited } = spawnLogged([botcore, ...pod.args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: pod.mounts[0]?.dir ?? root, ...pod.env, ...extraEnv },
  });
  const raw = () => output();
  return {
    name: pod.name,
    child,
    logs,
    output,
    waitForLog: (msg, timeoutMs = 30_000) =>
      eventually(
        async () => {
          const found = logs.find((l) => l.msg === msg);
          if (!found && child.exitCode !== null)
            throw new Error(`${pod.name} exited (${child.exitCode}):\n${raw().slice(-3000)}`);
          return found;
        },
        () => `${pod.name} to log "${msg}"; output so far:\n${raw().slice(-3000)}`,
        { timeoutMs: timeoutMs },
      ),
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      // Like the kubelet: SIGKILL once the grace period is over.
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
