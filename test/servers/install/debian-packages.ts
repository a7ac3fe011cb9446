// Installs the Debian packages the servers need (NATS, Redis, openssl) when
// they are missing: these machines reach Debian's archive, and we are root.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { say } from '../log.ts';
import { DEBIAN_PACKAGES } from '../versions.ts';

const run = promisify(execFile);

async function onPath(binary: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${binary}`]);
    return true;
  } catch {
    return false;
  }
}

export async function ensureDebianPackages(): Promise<void> {
  const missing = [];
  for (const entry of DEBIAN_PACKAGES) if (!(await onPath(entry.binary))) missing.push(entry);
  if (missing.length === 0) return;

  for (const entry of missing) say(`installing Debian package ${entry.pkg}: ${entry.why}`);
  if (process.getuid?.() !== 0) {
    const names = missing.map((m) => m.pkg).join(' ');
    throw new Error(`missing ${names}; install them (sudo apt-get install -y ${names}) or run as root`);
  }
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', '--no-install-recommends', ...missing.map((m) => m.pkg)]);
}

function apt(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`apt-get ${args.join(' ')} failed (exit ${code})`)),
    );
  });
}
