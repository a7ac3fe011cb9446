// Global setup of the integration project: the same `up` as `npm run env:up`,
// so tests run against the very servers a user starts by hand. Servers this
// run started are stopped afterwards; ones that were already up are left alone
// (and BOTCORE_KEEP_SERVERS=1 keeps everything running for the next run).
import type { TestProject } from 'vitest/node';
import { down, up } from './environment.ts';
import type { ServerSettings } from './settings.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: ServerSettings;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { started, settings } = await up();
  project.provide('servers', settings);
  return async () => {
    if (process.env.BOTCORE_KEEP_SERVERS === '1' || started.length === 0) return;
    await down(started);
  };
}
