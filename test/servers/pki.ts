// A small certificate authority for the test control plane, made with openssl:
// the API server's serving certificate, one client certificate per identity,
// and the service-account signing key pair. Made once per state folder.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Client identities of the control plane; the groups decide what RBAC lets them do. */
export const IDENTITIES = {
  admin: { commonName: 'botcore-admin', organization: 'system:masters' },
  controllerManager: { commonName: 'system:kube-controller-manager' },
  scheduler: { commonName: 'system:kube-scheduler' },
  kwok: { commonName: 'botcore-kwok', organization: 'system:masters' },
} as const;
export type Identity = keyof typeof IDENTITIES;

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  client(identity: Identity): { cert: string; key: string };
}

const SERVER_SANS = [
  'IP:127.0.0.1',
  'IP:10.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

export async function ensurePki(dir: string): Promise<Pki> {
  const pki: Pki = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    serviceAccountKey: join(dir, 'service-account.key'),
    serviceAccountPub: join(dir, 'service-account.pub'),
    client: (identity) => ({ cert: join(dir, `${identity}.crt`), key: join(dir, `${identity}.key`) }),
  };
  if (existsSync(join(dir, '.complete'))) return pki;
  await mkdir(dir, { recursive: true });

  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', pki.caKey]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    pki.caKey,
    '-days',
    '3650',
    '-subj',
    '/CN=botcore-test-ca',
    '-out',
    pki.caCert,
  ]);
  await issue(pki, pki.serverKey, pki.serverCert, '/CN=kube-apiserver', ['serverAuth'], SERVER_SANS);
  for (const [identity, subject] of Object.entries(IDENTITIES)) {
    const { cert, key } = pki.client(identity as Identity);
    const org = 'organization' in subject ? `/O=${subject.organization}` : '';
    await issue(pki, key, cert, `${org}/CN=${subject.commonName}`, ['clientAuth'], []);
  }
  await openssl([
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    pki.serviceAccountKey,
  ]);
  await openssl(['pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]);
  await writeFile(join(dir, '.complete'), 'ok\n');
  return pki;
}

async function issue(pki: Pki, key: string, cert: string, subject: string, usages: string[], sans: string[]) {
  const csr = `${cert}.csr`;
  const ext = `${cert}.ext`;
  const lines = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usages.join(',')}`,
  ];
  if (sans.length > 0) lines.push(`subjectAltName=${sans.join(',')}`);
  await writeFile(ext, `${lines.join('\n')}\n`);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    pki.caCert,
    '-CAkey',
    pki.caKey,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}
