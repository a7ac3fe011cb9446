import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRestConfig } from './kube-config.ts';

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kube-config-'));
  const path = join(dir, 'config');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'test',
      contexts: [
        { name: 'other', context: { cluster: 'nowhere', user: 'nobody' } },
        { name: 'test', context: { cluster: 'c', user: 'u' } },
      ],
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443/', ...cluster } }],
      users: [{ name: 'u', user }],
    }),
  );
  return { dir, path };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('loadRestConfig', () => {
  it('reads the current context: server, CA and client certificate from data fields', async () => {
    const { path } = kubeconfig(
      { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      { 'certificate-authority-data': b64('CA') },
    );
    const config = await loadRestConfig(path);
    expect(config).toMatchObject({ server: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY' });
    expect(config.token).toBeUndefined();
  });

  it('reads files relative to the kubeconfig, a token file, and insecure-skip-tls-verify', async () => {
    const { dir, path } = kubeconfig({ tokenFile: 'token' }, { 'certificate-authority': 'ca.crt' });
    writeFileSync(join(dir, 'ca.crt'), 'CA-FILE');
    writeFileSync(join(dir, 'token'), 'secret-token\n');
    const config = await loadRestConfig(path);
    expect(config.ca).toBe('CA-FILE');
    expect(config.token?.()).toBe('secret-token');
    const insecure = await loadRestConfig(
      kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true }).path,
    );
    expect(insecure).toMatchObject({ insecureSkipTlsVerify: true });
    expect(insecure.token?.()).toBe('t');
  });

  it('sends basic auth as a header', async () => {
    const config = await loadRestConfig(kubeconfig({ username: 'a', password: 'b' }).path);
    expect(await config.headers?.()).toEqual({ authorization: `Basic ${b64('a:b')}` });
  });

  it('fails on a kubeconfig that names a missing file', async () => {
    await expect(loadRestConfig(join(tmpdir(), 'no-such-kubeconfig'))).rejects.toThrow();
  });
});
