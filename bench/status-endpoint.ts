// The status endpoint under load, each side in its own process:
//
// statusEndpoint.status.requestsPerSecond / .p99LatencyMs: GET /api/v1/status
//   with a real ES256 token, through the whole stack (rate limit, JWT
//   verification with its cache, schema serialization, tracing hooks), served
//   by one process (one core) and loaded from a second process over loopback
//   keep-alive connections, one request in flight on each. Baseline: a bare
//   node:http server answering the same JSON bytes, loaded the same way.
// statusEndpoint.stream.subscribersUnder100ms: WebSocket subscribers (each
//   authenticated with a token) served every one of a series of updates
//   under 100 ms: from the source publishing the update (the equity point's
//   `t`, Date.now() in the server) to the frame's last byte arriving at the
//   subscriber's socket (the kernel's receive timestamp, SO_TIMESTAMPNS, the
//   same clock on one machine). The subscribers are spread over several client
//   processes (BENCH_WS_PROCESSES) at the lowest priority, each a minimal
//   WebSocket client (handshake, frames parsed in place, pongs) in Python,
//   which unlike Node can read that timestamp: what is measured is the server,
//   not when the load generator got a core to read on. When each client read
//   the frame is reported too (`underBudgetByRead`, `readP99`,
//   `clientDelayP99`). Without python3 (or BENCH_WS_CLIENT=node) a Node client
//   times the read instead, and the figures say so (`clock`).
//   Baseline: a bare `ws` server sending the same frames to the same clients.
// statusEndpoint.stream.updateLatencyP99Ms: that latency's p99 over every
//   subscriber and update.
// statusEndpoint.stream.serverCpuPerSubscriberUs: the server process's CPU
//   time (every thread, user and system) per subscriber per update: the
//   figure to compare commits by on a busy machine.
//
// Standalone: `node bench/status-endpoint.ts` (prints one JSON line per
// figure). From a runner: `await run()` (same lines; the figures returned).
// Knobs: BENCH_STATUS_SECONDS (10), BENCH_STATUS_CONNECTIONS (16),
// BENCH_WS_SUBSCRIBERS (10000), BENCH_WS_UPDATES (20), BENCH_WS_PROCESSES (4),
// BENCH_WS_CLIENT (python or node), BENCH_WS_WRITER_THREADS (the server's
// stream.writerThreads; its default when unset), BENCH_STATUS_ONLY (`http` or
// `stream`: one half only).
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { Figure } from './figure.ts';

const SELF = fileURLToPath(import.meta.url);
const SECONDS = Number(process.env.BENCH_STATUS_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_STATUS_CONNECTIONS ?? 16);
const SUBSCRIBERS = Number(process.env.BENCH_WS_SUBSCRIBERS ?? 10_000);
const UPDATES = Number(process.env.BENCH_WS_UPDATES ?? 20);
const CLIENT_PROCESSES = Number(process.env.BENCH_WS_PROCESSES ?? 4);
/** stream.writerThreads for the status server (unset: its default, one less than the cores). */
const WRITER_THREADS =
  process.env.BENCH_WS_WRITER_THREADS === undefined ? undefined : Number(process.env.BENCH_WS_WRITER_THREADS);
const UPDATE_INTERVAL_MS = 500;
const ONLY = process.env.BENCH_STATUS_ONLY;
const WARMUP_MS = 2000;

// ---------------------------------------------------------------- the servers

/** To the parent when forked; to stdout when a role is run by hand (e.g. under --cpu-prof). */
function tell(message: Record<string, unknown>): void {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
}

type ServeKind = 'status' | 'baseline';

/** The server's cost of an update's fan-out, averaged over the updates. */
interface FanOutCost {
  readonly wallMs: number;
  readonly cpuUsPerSocket: number;
  readonly userUsPerSocket: number;
  readonly systemUsPerSocket: number;
}

interface Ready {
  readonly port: number;
  readonly token: string;
}

/** A child process serving either the real status endpoint or the baseline. */
async function serve(kind: ServeKind): Promise<void> {
  const publishers: ((t: number) => void)[] = [];
  let ready: Ready;
  let subscribers: () => number;
  if (kind === 'status') {
    const { buildStatusServer } = await import('../bot-runtime/http/server.ts');
    const { seededSource } = await import('../bot-runtime/http/fake-status-server.ts');
    const { fakeIssuer, testConfig } = await import('../bot-runtime/http/fake-tokens.ts');
    const issuer = fakeIssuer('ES256');
    // A day of history that ends now, so live updates follow it.
    const source = seededSource(Date.now() - 86_400_000);
    const server = await buildStatusServer({
      config: testConfig({
        logLevel: 'warn',
        rateLimit: { max: 100_000_000, windowSeconds: 60 },
        stream: {
          maxSubscribers: 100_000,
          ...(WRITER_THREADS === undefined ? {} : { writerThreads: WRITER_THREADS }),
        },
      }),
      source,
      keys: [issuer.verificationKey],
    });
    const address = await server.listen();
    ready = { port: Number(new URL(address).port), token: await issuer.sign() };
    publishers.push((t) => source.recordEquity(t, '1.01'));
    const wss = (server.app as unknown as { websocketServer: WebSocketServer }).websocketServer;
    subscribers = () => wss.clients.size;
  } else {
    const { seededSource } = await import('../bot-runtime/http/fake-status-server.ts');
    const body = Buffer.from(JSON.stringify(seededSource().status()));
    const http = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
      });
      res.end(body);
    });
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    ready = { port, token: '' };
    subscribers = () => wss.clients.size;
    publishers.push((t) => {
      const frame = JSON.stringify({ type: 'equity', point: { t, equity: '1.01' } });
      for (const client of wss.clients) client.send(frame);
    });
  }
  // A clean exit on SIGTERM/SIGINT, so that `node --cpu-prof` writes its profile.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0));
  process.on('message', (m: { publish?: { count: number; intervalMs: number } }) => {
    if (!m.publish) return;
    const { count, intervalMs } = m.publish;
    let sent = 0;
    let last = 0;
    let wallMs = 0;
    let userUs = 0;
    let systemUs = 0;
    const tick = () => {
      // Strictly increasing times: the curve refuses to go backwards.
      const t = Math.max(Date.now(), last + 1);
      last = t;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (const p of publishers) p(t);
      // The stream writes an update's frames at the end of the event loop's turn: count that too.
      setImmediate(() => {
        wallMs += performance.now() - t0;
        // The whole process, writer threads included.
        const cpu = process.cpuUsage(cpu0);
        userUs += cpu.user;
        systemUs += cpu.system;
        if (++sent < count) setTimeout(tick, intervalMs);
        else {
          const sockets = Math.max(1, subscribers());
          const fanOut: FanOutCost = {
            wallMs: wallMs / sent,
            cpuUsPerSocket: (userUs + systemUs) / sent / sockets,
            userUsPerSocket: userUs / sent / sockets,
            systemUsPerSocket: systemUs / sent / sockets,
          };
          tell({ fanOut });
        }
      });
    };
    tick();
  });
  tell({ ready });
}

// ---------------------------------------------------------- the HTTP load

interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly ok: number;
  readonly failed: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Keep-alive connections, one request in flight on each; latencies in ms with µs resolution. */
async function httpLoad(port: number, path: string, token: string, connections: number, seconds: number) {
  const request = Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${
      token ? `Authorization: Bearer ${token}\r\n` : ''
    }Connection: keep-alive\r\n\r\n`,
  );
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const end = measureFrom + seconds * 1000;
  let measuredFrom = Number.NaN;

  await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = netConnect(port, '127.0.0.1');
          socket.setNoDelay(true);
          let buf = Buffer.alloc(0);
          let sentAt = 0;
          const send = () => {
            sentAt = performance.now();
            socket.write(request);
          };
          socket.on('connect', send);
          socket.on('error', reject);
          socket.on('data', (chunk) => {
            buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
            for (;;) {
              const head = buf.indexOf('\r\n\r\n');
              if (head < 0) return;
              const headers = buf.toString('latin1', 0, head);
              const m = /content-length: *(\d+)/i.exec(headers);
              const total = head + 4 + (m ? Number(m[1]) : 0);
              if (buf.length < total) return;
              const now = performance.now();
              if (now >= measureFrom) {
                if (Number.isNaN(measuredFrom)) measuredFrom = now;
                if (headers.startsWith('HTTP/1.1 200')) ok++;
                else failed++;
                latencies.push(now - sentAt);
              }
              buf = buf.subarray(total);
              if (now >= end) {
                socket.end();
                resolve();
                return;
              }
              send();
            }
          });
        }),
    ),
  );
  const elapsed = (performance.now() - measuredFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const result: LoadResult = {
    requests: latencies.length,
    seconds: elapsed,
    ok,
    failed,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    max: latencies.at(-1) ?? 0,
  };
  return result;
}

// ----------------------------------------------------- the WebSocket clients

const BUDGET_MS = 100;
const EQUITY_PREFIX = Buffer.from('{"type":"equity"');
const TIME_KEY = Buffer.from('"t":');
// Date.now() on both sides: performance.timeOrigin is fixed per process and drifts apart between processes.
const nowMs = () => Date.now();

/** What one client process measured: per message, ms from publication to arrival and to the read. */
interface ClientsResult {
  readonly connected: number;
  readonly refused: number;
  /** Subscribers that had every update within the budget, by arrival (kernel clock) and by read. */
  readonly underBudget: number;
  readonly underBudgetRead: number;
  /** Per message; arrival is undefined for clients that cannot see the kernel's receive time. */
  readonly arrival?: number[];
  readonly read: number[];
  /** The client process's CPU time from its last connection to the report. */
  readonly cpuMs: number;
}

/**
 * One subscriber as a bare TCP socket: the upgrade handshake, then server
 * frames parsed in place (unmasked, never fragmented by the stream), pings
 * answered. `onText` gets each text frame's payload without a copy.
 */
function rawSubscriber(
  port: number,
  token: string,
  onText: (data: Buffer, start: number, end: number) => void,
): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let open = false;
    socket.on('connect', () =>
      socket.write(
        `GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`,
      ),
    );
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(undefined));
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (!open) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        if (!buf.toString('latin1', 0, 12).startsWith('HTTP/1.1 101')) {
          socket.destroy();
          return;
        }
        open = true;
        buf = buf.subarray(head + 4);
        resolve(socket);
      }
      let at = 0;
      for (;;) {
        if (buf.length - at < 2) break;
        const opcode = buf[at]! & 0x0f;
        let length = buf[at + 1]! & 0x7f;
        let header = 2;
        if (length === 126) {
          if (buf.length - at < 4) break;
          length = buf.readUInt16BE(at + 2);
          header = 4;
        } else if (length === 127) {
          if (buf.length - at < 10) break;
          length = Number(buf.readBigUInt64BE(at + 2));
          header = 10;
        }
        if (buf.length - at < header + length) break;
        const start = at + header;
        if (opcode === 1) onText(buf, start, start + length);
        else if (opcode === 9) {
          // A pong, masked (as a client must) with a zero key, echoing the ping's payload.
          const pong = Buffer.alloc(6 + length);
          pong[0] = 0x8a;
          pong[1] = 0x80 | length;
          buf.copy(pong, 6, start, start + length);
          socket.write(pong);
        }
        at = start + length;
      }
      buf = at === buf.length ? Buffer.alloc(0) : buf.subarray(at);
    });
  });
}

/**
 * The Node client (BENCH_WS_CLIENT=node, or when python3 is missing): `n`
 * subscribers that time each update when they read it. Node cannot see when
 * the bytes arrived, so this includes the client's own queueing; it runs at
 * the server's priority, as the earlier runs of this bench did.
 */
async function wsClients(port: number, token: string, n: number, updates: number): Promise<void> {
  const worst = new Float64Array(n);
  const count = new Uint16Array(n);
  const read: number[] = [];
  const sockets: Socket[] = [];
  let refused = 0;
  const open = async (i: number) => {
    const socket = await rawSubscriber(port, token, (data, start, end) => {
      // Only the equity updates carry a publication time. Read it from the bytes: the time spent
      // parsing JSON here would count as the server's latency.
      if (data.compare(EQUITY_PREFIX, 0, EQUITY_PREFIX.length, start, start + EQUITY_PREFIX.length) !== 0)
        return;
      let at = data.indexOf(TIME_KEY, start) + TIME_KEY.length;
      if (at >= end) return;
      let t = 0;
      for (let c = data[at]!; c >= 0x30 && c <= 0x39; c = data[++at]!) t = t * 10 + (c - 0x30);
      const late = nowMs() - t;
      read.push(late);
      count[i]!++;
      if (late > worst[i]!) worst[i] = late;
    });
    if (socket) sockets.push(socket);
    else refused++;
  };
  for (let i = 0; i < n; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, n - i) }, (_, k) => open(i + k)));
  }
  tell({ connected: sockets.length });
  const cpu0 = process.cpuUsage();
  process.on('message', (m: { report?: boolean }) => {
    if (!m.report) return;
    const cpu = process.cpuUsage(cpu0);
    let underBudget = 0;
    for (let i = 0; i < n; i++) if (count[i] === updates && worst[i]! < BUDGET_MS) underBudget++;
    const result: ClientsResult = {
      connected: sockets.length,
      refused,
      underBudget,
      underBudgetRead: underBudget,
      read,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    tell({ result });
    for (const s of sockets) s.destroy();
  });
}

/**
 * The default client, `status-ws-client.py`: in Python because Node cannot
 * read a socket's kernel receive timestamp (SO_TIMESTAMPNS); that file says
 * what it measures.
 */
const PYTHON_CLIENT = fileURLToPath(new URL('./status-ws-client.py', import.meta.url));

type ClientKind = 'python' | 'node';

/** A client process, whichever kind: its messages by key, a report request, a stop. */
interface ClientProcess {
  next<T>(key: string): Promise<T>;
  report(): void;
  stop(): Promise<void>;
}

function pythonAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import select; select.epoll'], { stdio: 'ignore' }).status === 0;
}

function startClients(kind: ClientKind, port: number, token: string, n: number): ClientProcess {
  if (kind === 'node') {
    const proc = child(['--ws-clients', String(port), token, String(n), String(UPDATES)]);
    return {
      next: (key) => nextMessage(proc, key),
      report: () => proc.send({ report: true }),
      stop: () => stop(proc),
    };
  }
  const proc = spawn(
    'python3',
    [PYTHON_CLIENT, String(port), token || '', String(n), String(UPDATES), String(BUDGET_MS)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const messages: Record<string, unknown>[] = [];
  const waiting: (() => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    messages.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiting.splice(0)) w();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  return {
    async next<T>(key: string): Promise<T> {
      for (;;) {
        const found = messages.findIndex((m) => key in m);
        if (found >= 0) return messages.splice(found, 1)[0]![key] as T;
        const more = new Promise<void>((r) => waiting.push(r));
        const code = await Promise.race([more.then(() => undefined), exited]);
        if (code !== undefined && !messages.some((m) => key in m)) {
          throw new Error(`bench python client exited (${code}) before "${key}"`);
        }
      }
    },
    report: () => proc.stdin!.end('report\n'),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

// ------------------------------------------------------------ orchestration

function child(args: string[]): ChildProcess {
  return fork(SELF, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(proc: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`bench child exited (${code}) before "${key}"`));
    proc.on('message', onMessage);
    proc.on('exit', onExit);
  });
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

async function measureHttp(kind: ServeKind): Promise<LoadResult> {
  const server = child(['--serve', kind]);
  try {
    const ready = await nextMessage<Ready>(server, 'ready');
    const load = child([
      '--http-load',
      String(ready.port),
      ready.token,
      String(CONNECTIONS),
      String(SECONDS),
    ]);
    try {
      return await nextMessage<LoadResult>(load, 'result');
    } finally {
      await stop(load);
    }
  } finally {
    await stop(server);
  }
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? 0;
  return { p50: q(0.5), p99: q(0.99), max: values.at(-1) ?? 0 };
}

interface StreamResult {
  readonly connected: number;
  readonly refused: number;
  readonly underBudget: number;
  readonly underBudgetRead: number;
  readonly messages: number;
  readonly expected: number;
  /** Publication to arrival (kernel receive time), or to the read for Node clients. */
  readonly arrival: Percentiles;
  readonly read: Percentiles;
  /** Per message, the client's own delay: read minus arrival (zero for Node clients). */
  readonly clientDelay: Percentiles;
  /** The clients' CPU time per message received. */
  readonly clientCpuUsPerMessage: number;
  readonly connectSeconds: number;
  readonly fanOut: FanOutCost;
}

async function measureStream(kind: ServeKind, clientKind: ClientKind): Promise<StreamResult> {
  const server = child(['--serve', kind]);
  try {
    const ready = await nextMessage<Ready>(server, 'ready');
    const shares = Array.from(
      { length: CLIENT_PROCESSES },
      (_, k) => Math.floor(SUBSCRIBERS / CLIENT_PROCESSES) + (k < SUBSCRIBERS % CLIENT_PROCESSES ? 1 : 0),
    );
    const clients: ClientProcess[] = [];
    try {
      // One process connects at a time: a burst of 10,000 handshakes is not what is measured.
      const t0 = performance.now();
      for (const n of shares) {
        const c = startClients(clientKind, ready.port, ready.token, n);
        clients.push(c);
        await c.next<number>('connected');
      }
      const connectSeconds = (performance.now() - t0) / 1000;
      // Let the last handshakes settle before timing anything.
      await new Promise((r) => setTimeout(r, 1000));
      const fanOutDone = nextMessage<FanOutCost>(server, 'fanOut');
      server.send({ publish: { count: UPDATES, intervalMs: UPDATE_INTERVAL_MS } });
      const fanOut = await fanOutDone;
      await new Promise((r) => setTimeout(r, 2000));
      const results = await Promise.all(
        clients.map((c) => {
          const result = c.next<ClientsResult>('result');
          c.report();
          return result;
        }),
      );
      const read = results.flatMap((r) => r.read);
      const arrival = results.every((r) => r.arrival) ? results.flatMap((r) => r.arrival!) : read.slice();
      const clientDelay = read.map((r, i) => r - arrival[i]!);
      const clientCpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
      const connected = results.reduce((sum, r) => sum + r.connected, 0);
      return {
        connected,
        refused: results.reduce((sum, r) => sum + r.refused, 0),
        underBudget: results.reduce((sum, r) => sum + r.underBudget, 0),
        underBudgetRead: results.reduce((sum, r) => sum + r.underBudgetRead, 0),
        messages: read.length,
        expected: connected * UPDATES,
        arrival: percentiles(arrival),
        read: percentiles(read),
        clientDelay: percentiles(clientDelay),
        clientCpuUsPerMessage: (clientCpuMs * 1000) / Math.max(1, read.length),
        connectSeconds,
        fanOut,
      };
    } finally {
      await Promise.all(clients.map((c) => c.stop()));
    }
  } finally {
    await stop(server);
  }
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export async function run(print: (line: string) => void = console.log): Promise<Figure[]> {
  const figures: Figure[] = [];
  const emit = (f: Figure) => {
    // The machine's 1-minute load average: these figures assume the cores are ours; a busy machine halves them.
    const figure = { ...f, loadAverage1m: round(loadavg()[0] ?? 0, 1) };
    figures.push(figure);
    print(JSON.stringify(figure));
  };

  if (ONLY !== 'stream') await runHttp(emit);
  if (ONLY !== 'http') await runStream(emit);
  return figures;
}

async function runHttp(emit: (f: Figure) => void): Promise<void> {
  const base = await measureHttp('baseline');
  const ours = await measureHttp('status');
  const rps = ours.requests / ours.seconds;
  const baseRps = base.requests / base.seconds;
  emit({
    name: 'statusEndpoint.status.requestsPerSecond',
    value: Math.round(rps),
    unit: 'req/s',
    baseline: Math.round(baseRps),
    baselineName: 'bare node:http answering the same JSON bytes, no auth',
    ratio: round(rps / baseRps, 2),
    target: 20_000,
    targetRatio: round(rps / 20_000, 2),
    connections: CONNECTIONS,
    seconds: round(ours.seconds, 1),
    non200: ours.failed,
  });
  emit({
    name: 'statusEndpoint.status.p99LatencyMs',
    value: round(ours.p99),
    unit: 'ms',
    baseline: round(base.p99),
    baselineName: 'bare node:http answering the same JSON bytes, no auth',
    target: 5,
    p50: round(ours.p50),
    p90: round(ours.p90),
    p999: round(ours.p999),
    max: round(ours.max),
    connections: CONNECTIONS,
  });
}

async function runStream(emit: (f: Figure) => void): Promise<void> {
  const requested = process.env.BENCH_WS_CLIENT as ClientKind | undefined;
  const clientKind: ClientKind = requested ?? (pythonAvailable() ? 'python' : 'node');
  const clock =
    clientKind === 'python'
      ? 'arrival: the kernel receive timestamp of the frame at the subscriber socket (SO_TIMESTAMPNS)'
      : 'read: when the client process read the frame (python3 missing or BENCH_WS_CLIENT=node)';
  const wsBase = await measureStream('baseline', clientKind);
  const ws = await measureStream('status', clientKind);
  emit({
    name: 'statusEndpoint.stream.subscribersUnder100ms',
    value: ws.underBudget,
    unit: 'subscribers',
    baseline: wsBase.underBudget,
    baselineName: 'bare ws server sending the same frames, no auth',
    target: 10_000,
    targetRatio: round(ws.underBudget / 10_000, 2),
    clock,
    underBudgetByRead: ws.underBudgetRead,
    baselineUnderBudgetByRead: wsBase.underBudgetRead,
    subscribers: SUBSCRIBERS,
    connected: ws.connected,
    refused: ws.refused,
    updates: UPDATES,
    messages: ws.messages,
    expected: ws.expected,
    connectSeconds: round(ws.connectSeconds, 1),
    clientProcesses: CLIENT_PROCESSES,
    client: clientKind,
    writerThreads: WRITER_THREADS ?? 'auto',
  });
  emit({
    name: 'statusEndpoint.stream.updateLatencyP99Ms',
    value: round(ws.arrival.p99, 1),
    unit: 'ms',
    baseline: round(wsBase.arrival.p99, 1),
    baselineName: 'bare ws server sending the same frames, no auth',
    clock,
    p50: round(ws.arrival.p50, 1),
    max: round(ws.arrival.max, 1),
    readP50: round(ws.read.p50, 1),
    readP99: round(ws.read.p99, 1),
    readMax: round(ws.read.max, 1),
    clientDelayP50: round(ws.clientDelay.p50, 1),
    clientDelayP99: round(ws.clientDelay.p99, 1),
    clientCpuUsPerMessage: round(ws.clientCpuUsPerMessage, 2),
    serverFanOutMs: round(ws.fanOut.wallMs, 1),
    baselineServerFanOutMs: round(wsBase.fanOut.wallMs, 1),
    subscribers: ws.connected,
    note: 'publication (Date.now() in the frame, ms) to arrival at and read by a subscriber in another process, over all subscribers and updates',
  });
  // CPU time barely depends on how busy the machine is: the steadiest comparison between commits.
  emit({
    name: 'statusEndpoint.stream.serverCpuPerSubscriberUs',
    value: round(ws.fanOut.cpuUsPerSocket, 2),
    unit: 'µs',
    baseline: round(wsBase.fanOut.cpuUsPerSocket, 2),
    baselineName: 'bare ws server sending the same frames, no auth',
    // What one core could write within the budget at that cost: the ceiling the machine's load lowers.
    subscribersPerCore100ms: Math.floor((BUDGET_MS * 1000) / Math.max(0.01, ws.fanOut.cpuUsPerSocket)),
    userUs: round(ws.fanOut.userUsPerSocket, 2),
    systemUs: round(ws.fanOut.systemUsPerSocket, 2),
    baselineUserUs: round(wsBase.fanOut.userUsPerSocket, 2),
    baselineSystemUs: round(wsBase.fanOut.systemUsPerSocket, 2),
    subscribers: ws.connected,
    note: 'server process CPU (every thread, user + system) from an update to its last socket write, per subscriber',
  });
}

// ------------------------------------------------------------------- entry

const [role, ...args] = process.argv.slice(2);
if (role === '--serve') {
  await serve(args[0] as ServeKind);
} else if (role === '--http-load') {
  const [port, token, connections, seconds] = args;
  const result = await httpLoad(
    Number(port),
    '/api/v1/status',
    token ?? '',
    Number(connections),
    Number(seconds),
  );
  tell({ result });
} else if (role === '--ws-clients') {
  const [port, token, n, updates] = args;
  await wsClients(Number(port), token ?? '', Number(n), Number(updates));
} else if (process.argv[1] === SELF) {
  await run();
}
