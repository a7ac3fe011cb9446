// `env:up`, `env:status` and `env:down`: install what is missing, start every
// test server on loopback (reusing those already running), check health, and
// write the connection settings; stop only what we started.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { COMPONENTS, type Component, type ServerContext } from './components/index.ts';
import { ensureDebianPackages } from './install/debian-packages.ts';
import { ensureGoBuild } from './install/go-build.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { say } from './log.ts';
import { settingsFile, stateDir } from './paths.ts';
import { ensurePki, IDENTITIES, type Identity } from './pki.ts';
import { ports } from './ports.ts';
import { portInUse } from './probes.ts';
import { logTail, processFiles, recordedBinary, runningPid, startDetached, stopProcess } from './process.ts';
import { readSettings, type ServerSettings, settingsFor, writeSettings } from './settings.ts';
import { GO_BUILDS } from './versions.ts';

const run = promisify(execFile);

export interface UpResult {
  /** Components this call started (the others were already running). */
  readonly started: string[];
  readonly settings: ServerSettings;
}

export interface ComponentStatus {
  readonly name: string;
  readonly state: 'healthy' | 'unhealthy' | 'stopped';
  readonly pid?: number;
  readonly detail?: string;
}

function binDir(): string {
  return join(stateDir(), 'bin');
}

function kubeconfigPath(identity: Identity): string {
  return join(stateDir(), 'kubeconfig', `${identity}.kubeconfig`);
}

/** A context for probes and stops: needs no builds, only what `up` left behind. */
async function existingContext(): Promise<ServerContext> {
  const dir = stateDir();
  return {
    ports: ports(),
    stateDir: dir,
    pki: await ensurePki(join(dir, 'pki')),
    binary: (name) => join(binDir(), name),
    kubeconfig: kubeconfigPath,
  };
}

/** Installs and builds everything (cached), makes certificates and kubeconfigs. */
async function preparedContext(): Promise<ServerContext> {
  await ensureDebianPackages();
  const binaries = new Map<string, string>();
  for (const build of GO_BUILDS) {
    const dir = await ensureGoBuild(build);
    for (const name of build.binaries) binaries.set(name, join(dir, name));
  }
  for (const name of ['nats-server', 'redis-server'])
    binaries.set(name, (await run('sh', ['-c', `command -v ${name}`])).stdout.trim());

  await rm(binDir(), { recursive: true, force: true });
  await mkdir(binDir(), { recursive: true });
  for (const [name, path] of binaries) await symlink(path, join(binDir(), name));

  const ctx = await existingContext();
  const server = `https://127.0.0.1:${ctx.ports.kubeApiserver}`;
  await mkdir(join(ctx.stateDir, 'kubeconfig'), { recursive: true });
  for (const identity of Object.keys(IDENTITIES) as Identity[]) {
    await writeKubeconfig(kubeconfigPath(identity), server, ctx.pki, identity);
  }
  return {
    ...ctx,
    binary: (name) => {
      const path = binaries.get(name);
      if (!path) throw new Error(`no binary named ${name} among the test servers`);
      return path;
    },
  };
}

/** Installs and builds every server (cached) without starting any. */
export async function install(): Promise<void> {
  await preparedContext();
  say('every test server is installed (binaries cached by version)');
}

export async function up(): Promise<UpResult> {
  const ctx = await preparedContext();
  const started: string[] = [];
  for (const wave of [1, 2, 3] as const) {
    const inWave = COMPONENTS.filter((c) => c.wave === wave);
    const results = await Promise.all(inWave.map((c) => ensureRunning(c, ctx)));
    inWave.forEach((c, i) => {
      if (results[i]) started.push(c.name);
    });
  }
  const settings = settingsFor(ctx, binDir());
  await writeSettings(settingsFile(), settings);
  say(`all ${COMPONENTS.length} servers healthy; settings in ${settingsFile()}`);
  return { started, settings };
}

/** Starts the component unless ours already runs; returns whether it started it. */
async function ensureRunning(component: Component, ctx: ServerContext): Promise<boolean> {
  const files = processFiles(ctx.stateDir, component.name);
  const binary = ctx.binary(component.binaryName);
  const pid = runningPid(files);
  if (pid !== undefined) {
    if (recordedBinary(files) === binary) {
      await waitHealthy(component, ctx);
      say(`${component.name} already running (pid ${pid}), reused`);
      return false;
    }
    say(`${component.name} runs an older build (pid ${pid}); restarting it`);
    await stopProcess(files);
  }
  for (const port of component.ports(ctx.ports)) {
    if (await portInUse(port)) {
      throw new Error(
        `${component.name} cannot start: 127.0.0.1:${port} is taken by a process the test servers did not start ` +
          '(stop it, or set BOTCORE_PORT_OFFSET to move every test server, see docs/development.md)',
      );
    }
  }
  for (const dir of component.dataDirs?.(ctx) ?? []) await mkdir(dir, { recursive: true });
  const newPid = await startDetached(files, binary, component.args(ctx), {
    ...process.env,
    ...component.env,
  });
  await waitHealthy(component, ctx);
  await component.afterStart?.(ctx);
  say(`${component.name} started (pid ${newPid}) and healthy`);
  return true;
}

async function waitHealthy(component: Component, ctx: ServerContext): Promise<void> {
  const files = processFiles(ctx.stateDir, component.name);
  const deadline = Date.now() + component.startTimeoutMs;
  let reason = await component.probe(ctx);
  while (reason !== undefined) {
    if (runningPid(files) === undefined) {
      throw new Error(
        `${component.name} exited during start-up; last lines of ${files.logFile}:\n${logTail(files)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${component.name} not healthy after ${component.startTimeoutMs / 1000} s (${reason}); ` +
          `last lines of ${files.logFile}:\n${logTail(files)}`,
      );
    }
    await sleep(250);
    reason = await component.probe(ctx);
  }
}

export async function status(): Promise<ComponentStatus[]> {
  const ctx = await existingContext();
  return Promise.all(
    COMPONENTS.map(async (component): Promise<ComponentStatus> => {
      const pid = runningPid(processFiles(ctx.stateDir, component.name));
      if (pid === undefined) return { name: component.name, state: 'stopped' };
      const reason = await component.probe(ctx);
      return reason === undefined
        ? { name: component.name, state: 'healthy', pid }
        : { name: component.name, state: 'unhealthy', pid, detail: reason };
    }),
  );
}

/** Stops the named components (all by default) in reverse start order and removes their data. */
export async function down(only?: readonly string[]): Promise<string[]> {
  const dir = stateDir();
  if (!existsSync(dir)) return [];
  const ctx = await existingContext();
  const stopped: string[] = [];
  for (const component of [...COMPONENTS].reverse()) {
    if (only && !only.includes(component.name)) continue;
    if (await stopProcess(processFiles(dir, component.name))) {
      stopped.push(component.name);
      say(`${component.name} stopped`);
    }
    for (const data of component.dataDirs?.(ctx) ?? []) await rm(data, { recursive: true, force: true });
  }
  const anyLeft = COMPONENTS.some((c) => runningPid(processFiles(dir, c.name)) !== undefined);
  if (!anyLeft) await rm(settingsFile(), { force: true });
  return stopped;
}

export function currentSettings(): ServerSettings | undefined {
  return readSettings(settingsFile());
}
