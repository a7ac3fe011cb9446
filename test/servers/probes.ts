// Health probes: each resolves to undefined when healthy, or a short reason.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export type ProbeResult = string | undefined;

interface HttpProbe {
  readonly url: string;
  readonly expect: (status: number, body: string) => boolean;
  readonly tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecure?: boolean };
}

export function probeHttp({ url, expect, tls }: HttpProbe): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      target,
      {
        timeout: 2000,
        ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve(
            expect(status, body) ? undefined : `${url} answered ${status}: ${body.slice(0, 200).trim()}`,
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 2 s')));
    req.on('error', (error) => resolve(`${url}: ${error.message}`));
    req.end();
  });
}

/** Redis speaks RESP: an inline PING must be answered +PONG. */
export function probeRedis(port: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 2000 });
    let reply = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.startsWith('+PONG') ? undefined : `redis answered ${reply.trim()}`);
      }
    });
    socket.on('timeout', () => socket.destroy(new Error('timed out after 2 s')));
    socket.on('error', (error) => resolve(`redis on 127.0.0.1:${port}: ${error.message}`));
  });
}

/** True when something accepts connections on the loopback port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}
