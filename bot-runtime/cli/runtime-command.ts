// `botcore runtime --role feed|strategy|executor [--strategy <name>] [--config <file>]`:
// one role of a bot, as the operator's pods run it. The configuration is
// checked before anything connects; a bad key stops the process (exit 78,
// EX_CONFIG) with a message naming the key.
import { configPath, loadBootConfig, RuntimeConfigError } from '../runtime/runtime-config.ts';

export interface RuntimeCommandOptions {
  readonly role: string;
  readonly strategy?: string;
  readonly config?: string;
  readonly riskPolicy?: string;
}

export const EXIT_CONFIG = 78;

export async function runRuntimeCommand(
  o: RuntimeCommandOptions,
  err: (text: string) => void = (t) => process.stderr.write(t),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let boot: ReturnType<typeof loadBootConfig>;
  try {
    boot = loadBootConfig(
      configPath(o.config, env),
      { role: o.role, ...(o.strategy === undefined ? {} : { strategy: o.strategy }) },
      env,
      o.riskPolicy,
    );
  } catch (e) {
    if (e instanceof RuntimeConfigError) {
      err(`error: ${e.message}\n`);
      return EXIT_CONFIG;
    }
    throw e;
  }
  const { runRole } = await import('../runtime/roles.ts');
  let role: Awaited<ReturnType<typeof runRole>>;
  try {
    role = await runRole(boot);
  } catch (e) {
    // A server that cannot be reached, a port taken: say which, and let the pod restart.
    err(
      `error: ${boot.role} role of ${boot.config.bot.namespace}/${boot.config.bot.name} cannot start: ${(e as Error).message}\n`,
    );
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await role.stop();
  return 0;
}
