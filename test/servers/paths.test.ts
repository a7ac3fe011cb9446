import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, settingsFile, stateDir } from './paths.ts';

describe('test server paths', () => {
  it('keep the default set in .botcore', () => {
    expect(stateDir({})).toBe(join(REPO_ROOT, '.botcore', 'servers'));
    expect(settingsFile({})).toBe(join(REPO_ROOT, '.botcore', 'servers.env'));
  });

  it("keep a second set's settings in its own state folder, not over the default set's", () => {
    const env = { BOTCORE_STATE_DIR: '/tmp/second-set' };
    expect(stateDir(env)).toBe('/tmp/second-set');
    expect(settingsFile(env)).toBe('/tmp/second-set/servers.env');
  });

  it('write the settings where BOTCORE_SERVERS_ENV says, whatever the state folder', () => {
    const env = { BOTCORE_STATE_DIR: '/tmp/second-set', BOTCORE_SERVERS_ENV: 'elsewhere.env' };
    expect(settingsFile(env)).toBe(resolve('elsewhere.env'));
  });
});
