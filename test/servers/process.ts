// Starts servers as detached processes that outlive the command that started
// them, and stops only processes we started: a pid file records each one, and
// the pid must still run the same binary before we signal it.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessFiles {
  readonly pidFile: string;
  readonly logFile: string;
}

export function processFiles(stateDir: string, name: string): ProcessFiles {
  return { pidFile: join(stateDir, 'pids', `${name}.pid`), logFile: join(stateDir, 'logs', `${name}.log`) };
}

export async function startDetached(
  files: ProcessFiles,
  binary: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  await mkdir(join(files.pidFile, '..'), { recursive: true });
  await mkdir(join(files.logFile, '..'), { recursive: true });
  const log = openSync(files.logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log], env });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message}`)));
    child.once('spawn', () => resolve(child.pid as number));
  });
  child.unref();
  await writeFile(files.pidFile, `${pid}\n${binary}\n`);
  return pid;
}

/** The binary the pid file says was started. */
export function recordedBinary(files: ProcessFiles): string | undefined {
  if (!existsSync(files.pidFile)) return undefined;
  return readFileSync(files.pidFile, 'utf8').split('\n')[1] || undefined;
}

/**
 * The pid in the pid file, if that process is alive and still runs the
 * recorded binary. The executable is read from /proc/<pid>/exe, because some
 * servers (Redis) rewrite their command line.
 */
export function runningPid(files: ProcessFiles): number | undefined {
  if (!existsSync(files.pidFile)) return undefined;
  const [pidLine, binary] = readFileSync(files.pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !binary) return undefined;
  try {
    const executable = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return executable === realpathOrSelf(binary) && state !== 'Z' ? pid : undefined;
  } catch {
    return undefined;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** SIGTERM, then SIGKILL after the grace period; removes the pid file. */
export async function stopProcess(files: ProcessFiles, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(files);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (runningPid(files) !== undefined && Date.now() < deadline) await sleep(100);
    if (runningPid(files) !== undefined) process.kill(pid, 'SIGKILL');
    while (runningPid(files) !== undefined) await sleep(50);
  }
  await rm(files.pidFile, { force: true });
  return pid !== undefined;
}

/** The last lines of a server's log, for error messages. */
export function logTail(files: ProcessFiles, lines = 15): string {
  if (!existsSync(files.logFile)) return '(no log)';
  return readFileSync(files.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
