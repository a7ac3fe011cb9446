// Kubeconfig files with the certificates embedded, so a file alone is enough
// for kubectl, client-node or any other client.
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { Identity, Pki } from './pki.ts';

export async function writeKubeconfig(
  path: string,
  server: string,
  pki: Pki,
  identity: Identity,
): Promise<void> {
  const { cert, key } = pki.client(identity);
  const b64 = async (file: string) => (await readFile(file)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'botcore-test', cluster: { server, 'certificate-authority-data': await b64(pki.caCert) } },
    ],
    users: [
      {
        name: identity,
        user: { 'client-certificate-data': await b64(cert), 'client-key-data': await b64(key) },
      },
    ],
    contexts: [
      {
        name: `${identity}@botcore-test`,
        context: { cluster: 'botcore-test', user: identity, namespace: 'default' },
      },
    ],
    'current-context': `${identity}@botcore-test`,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
