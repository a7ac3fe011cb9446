// Builds the Go-module servers into the cache, once per version: a cold build
// prints what it builds, why, and its progress; a warm one returns at once.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import cliProgress from 'cli-progress';
import { say } from '../log.ts';
import { cacheDir, GO_WRAPPERS_DIR } from '../paths.ts';
import type { GoBuild } from '../versions.ts';

const run = promisify(execFile);
const MINIMUM_GO = [1, 26] as const;

/** Environment for every go command: no toolchain downloads, go.sum is the only checksum source. */
function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOFLAGS: [process.env.GOFLAGS ?? '', '-mod=readonly', '-buildvcs=false'].join(' ').trim(),
  };
}

export async function goVersion(): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['env', 'GOVERSION'], { env: goEnv() }));
  } catch {
    throw new Error(
      'the Go toolchain (go) is not on PATH; it builds the Kubernetes test servers (see docs/development.md)',
    );
  }
  const version = stdout.trim();
  const [major = 0, minor = 0] = version.replace(/^go/, '').split('.').map(Number);
  if (major < MINIMUM_GO[0] || (major === MINIMUM_GO[0] && minor < MINIMUM_GO[1])) {
    throw new Error(
      `Go ${MINIMUM_GO.join('.')} or newer is needed to build the test servers, found ${version}`,
    );
  }
  return version;
}

/** The cache folder for one build: its name changes whenever the pinned modules, flags or Go change. */
export function buildDir(build: GoBuild, go: string): string {
  const moduleDir = join(GO_WRAPPERS_DIR, build.module);
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) {
    const path = join(moduleDir, file);
    if (existsSync(path)) hash.update(file).update(readFileSync(path));
  }
  hash
    .update(build.ldflags.join(' '))
    .update(JSON.stringify(build.assets ?? null))
    .update(go);
  return join(cacheDir(), 'bin', `${build.module}-${build.version}-${hash.digest('hex').slice(0, 12)}`);
}

function isComplete(dir: string, build: GoBuild): boolean {
  return existsSync(join(dir, '.complete')) && build.binaries.every((b) => existsSync(join(dir, b)));
}

/** Returns the folder holding the build's binaries, building them first if the cache has none. */
export async function ensureGoBuild(build: GoBuild): Promise<string> {
  const go = await goVersion();
  const dir = buildDir(build, go);
  if (isComplete(dir, build)) return dir;

  const moduleDir = join(GO_WRAPPERS_DIR, build.module);
  say(`building ${build.binaries.join(', ')} ${build.version} from Go modules: ${build.why}`);
  say(
    `  into ${dir} (once per version: a cold build of every test server takes about 16 minutes on 2 cores, Kubernetes about 9 of them)`,
  );
  const started = Date.now();

  say('  fetching modules (go mod download)');
  await runLogged('go', ['mod', 'download'], moduleDir);
  const total = await countPackages(moduleDir, build.packages);

  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const ldflags = ['-s', '-w', ...build.ldflags].join(' ');
  await runWithProgress(
    'go',
    ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', `${partial}/`, ...build.packages],
    moduleDir,
    total,
    build.module,
  );
  await copyAssets(build, moduleDir, partial);
  await writeFile(
    join(partial, '.complete'),
    `${JSON.stringify({ version: build.version, go, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
  );
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  say(`  built ${build.module} ${build.version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}

async function copyAssets(build: GoBuild, moduleDir: string, into: string): Promise<void> {
  if (!build.assets) return;
  const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', build.assets.module], {
    cwd: moduleDir,
    env: goEnv(),
  });
  await mkdir(join(into, 'assets'), { recursive: true });
  for (const file of build.assets.files)
    await copyFile(join(stdout.trim(), file), join(into, 'assets', basename(file)));
}

async function countPackages(moduleDir: string, packages: readonly string[]): Promise<number> {
  const { stdout } = await run(
    'go',
    ['list', '-deps', '-f', '{{if not .Standard}}{{.ImportPath}}{{end}}', ...packages],
    { cwd: moduleDir, env: goEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout.split('\n').filter(Boolean).length;
}

function runLogged(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: goEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${code})`)),
    );
  });
}

/** Runs `go build -v`, whose stderr names each package as it compiles, as a progress bar. */
function runWithProgress(command: string, args: string[], cwd: string, total: number, label: string) {
  return new Promise<void>((resolve, reject) => {
    const bar = new cliProgress.SingleBar(
      {
        format: `[servers]   compiling ${label} [{bar}] {value}/{total} packages, {duration_formatted}`,
        noTTYOutput: true,
        notTTYSchedule: 20_000,
        hideCursor: true,
      },
      cliProgress.Presets.legacy,
    );
    bar.start(total, 0);
    const child = spawn(command, args, { cwd, env: goEnv(), stdio: ['ignore', 'inherit', 'pipe'] });
    const errors: string[] = [];
    let compiled = 0;
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // Package paths have no spaces; anything else is a compiler message worth keeping.
        if (/^\S+$/.test(line)) bar.update(Math.min(++compiled, total));
        else errors.push(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      bar.update(total);
      bar.stop();
      if (code === 0) resolve();
      else reject(new Error(`go build of ${label} failed (exit ${code}):\n${errors.slice(-40).join('\n')}`));
    });
  });
}
