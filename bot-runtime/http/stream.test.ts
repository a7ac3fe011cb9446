// The WebSocket stream against a real server listening on 127.0.0.1, with the
// `ws` client a trader's tool would use.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seededSource, type TestServer, testServer } from './fake-status-server.ts';
import { STREAM_PROTOCOL } from './schemas/stream.ts';
import type { BotStatusSource } from './status-source.ts';
import { StreamCloseCode } from './stream-plugin.ts';

let t: TestServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await t?.server.close();
  t = undefined;
});

interface Client {
  readonly socket: WebSocket;
  /** Resolves with the next message (messages are queued until asked for). */
  next(): Promise<{ type: string; [k: string]: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
}

async function listen(
  overrides: Record<string, unknown> = {},
  options: Parameters<typeof testServer>[1] = {},
) {
  t = await testServer(overrides, options);
  const address = await t.server.listen();
  return { t, url: `${address.replace('http', 'ws')}/api/v1/stream` };
}

function connect(url: string, how: { header?: string; protocols?: string[] }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, how.protocols ?? [], {
      headers: how.header ? { authorization: how.header } : {},
    });
    sockets.push(socket);
    const queue: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    socket.on('message', (data) => {
      const m = JSON.parse(String(data));
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      socket.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    socket.on('open', () =>
      resolve({
        socket,
        closed,
        next: () =>
          new Promise((r) => {
            if (queue.length > 0) r(queue.shift() as never);
            else waiting.push(r as never);
          }),
      }),
    );
    socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.on('error', reject);
  });
}

describe('/api/v1/stream', () => {
  it('says hello with the status, then streams every kind of change', async () => {
    const { t, url } = await listen();
    const c = await connect(url, { header: `Bearer ${t.token}` });
    const hello = await c.next();
    expect(hello).toMatchObject({ type: 'hello', bot: { namespace: 'desk-a', name: 'eth-btc' } });
    expect((hello.status as { equity: string }).equity).toBe(t.source.status().equity);

    const last = t.source.equity({ maxPoints: 1 }).points.at(-1)!;
    t.source.recordEquity(last.t + 60_000, '1.0123');
    expect(await c.next()).toEqual({ type: 'equity', point: { t: last.t + 60_000, equity: '1.0123' } });

    const trade = { ...t.source.trades({ limit: 1 }).items[0]!, id: 'live-1' };
    t.source.recordTrade(trade);
    expect(await c.next()).toEqual({ type: 'trade', trade });

    t.source.setPositions([]);
    expect(await c.next()).toEqual({ type: 'positions', positions: [] });

    t.source.update({ risk: { state: 'Halted', reason: 'HALT: policy halted' } });
    expect(await c.next()).toMatchObject({ type: 'status', status: { risk: { state: 'Halted' } } });
  });

  it('says hello first even when an update comes while the source is still answering for the hello', async () => {
    const inner = seededSource();
    let armed = false;
    let asked: () => void = () => {};
    const helloAsked = new Promise<void>((r) => {
      asked = r;
    });
    let release: () => void = () => {};
    const answered = new Promise<void>((r) => {
      release = r;
    });
    const slowHello: BotStatusSource = {
      bot: inner.bot,
      status: async () => {
        if (armed) {
          asked();
          await answered;
        }
        return inner.status();
      },
      positions: () => inner.positions(),
      trades: (q) => inner.trades(q),
      equity: (q) => inner.equity(q),
      subscribe: (l) => inner.subscribe(l),
      health: () => inner.health(),
    };
    const { t, url } = await listen({}, { source: slowHello });
    armed = true;
    const opening = connect(url, { header: `Bearer ${t.token}` });
    await helloAsked;
    inner.update({ phase: 'Degraded' });
    // The update's batch goes out at the end of this turn, while the hello still waits for the source.
    await new Promise((r) => setImmediate(r));
    release();
    const c = await opening;
    expect((await c.next()).type).toBe('hello');
    expect(await c.next()).toMatchObject({ type: 'status', status: { phase: 'Degraded' } });
  });

  it('takes the token as a subprotocol (browsers) and never echoes it', async () => {
    const { t, url } = await listen();
    const c = await connect(url, { protocols: [STREAM_PROTOCOL, `bearer.${t.token}`] });
    expect(c.socket.protocol).toBe(STREAM_PROTOCOL);
    expect((await c.next()).type).toBe('hello');
  });

  it('refuses the upgrade without a token, with a bad one, or for another bot', async () => {
    const { t, url } = await listen();
    await expect(connect(url, {})).rejects.toThrow('HTTP 401');
    await expect(connect(url, { header: 'Bearer not.a.token' })).rejects.toThrow('HTTP 401');
    await expect(connect(url, { protocols: [STREAM_PROTOCOL, 'bearer.not.a.token'] })).rejects.toThrow(
      'HTTP 401',
    );
    const other = await t.issuer.sign({ bots: ['desk-b/eth-btc'] });
    await expect(connect(url, { header: `Bearer ${other}` })).rejects.toThrow('HTTP 403');
  });

  it('fans one update out to every client', async () => {
    const { t, url } = await listen();
    const clients = await Promise.all(
      Array.from({ length: 25 }, () => connect(url, { header: `Bearer ${t.token}` })),
    );
    for (const c of clients) expect((await c.next()).type).toBe('hello');
    t.source.update({ phase: 'Degraded' });
    for (const c of clients)
      expect(await c.next()).toMatchObject({ type: 'status', status: { phase: 'Degraded' } });
    // One subscription to the source, whatever the number of clients (plus the metrics' own).
    expect(t.source.subscriberCount).toBe(2);
    const metrics = (await t.inject('/metrics', null)).body;
    expect(metrics).toContain('botcore_status_stream_subscribers{namespace="desk-a",bot="eth-btc"} 25');
  });

  it('sends the updates of one turn (a fill: trade, positions, status) as separate messages, in order', async () => {
    const { t, url } = await listen();
    const c = await connect(url, { header: `Bearer ${t.token}` });
    expect((await c.next()).type).toBe('hello');
    const trade = { ...t.source.trades({ limit: 1 }).items[0]!, id: 'batched' };
    t.source.recordTrade(trade);
    t.source.setPositions([]);
    t.source.update({ phase: 'Degraded' });
    expect(await c.next()).toEqual({ type: 'trade', trade });
    expect(await c.next()).toEqual({ type: 'positions', positions: [] });
    expect(await c.next()).toMatchObject({ type: 'status', status: { phase: 'Degraded' } });
  });

  it('closes the socket with 4401 when the token expires', async () => {
    const clock = { offset: 0 };
    const { t, url } = await listen({}, { now: () => Date.now() + clock.offset });
    const expSeconds = Math.floor(Date.now() / 1000) + 600;
    const token = await t.issuer.sign({ exp: expSeconds });
    // Just before connecting, the server's clock jumps to a second before the token's end (plus tolerance).
    clock.offset = expSeconds * 1000 + 30_000 - 1000 - Date.now();
    const c = await connect(url, { header: `Bearer ${token}` });
    expect((await c.next()).type).toBe('hello');
    expect(await c.closed).toEqual({ code: StreamCloseCode.TOKEN_EXPIRED, reason: 'token expired' });
  });

  it('answers 503 STREAM_FULL past maxSubscribers', async () => {
    const { t, url } = await listen({ stream: { maxSubscribers: 2 } });
    const a = await connect(url, { header: `Bearer ${t.token}` });
    await connect(url, { header: `Bearer ${t.token}` });
    await expect(connect(url, { header: `Bearer ${t.token}` })).rejects.toThrow('HTTP 503');
    a.socket.close();
    await a.closed;
    // Room again once a client left (the server sees the close a moment after the client).
    let third: Client | undefined;
    while (!third) third = await connect(url, { header: `Bearer ${t.token}` }).catch(() => undefined);
    expect((await third.next()).type).toBe('hello');
  });

  it('drops a client that stops reading instead of buffering for it', async () => {
    const { t, url } = await listen({ stream: { maxBufferedBytes: 1024 } });
    const slow = await connect(url, { header: `Bearer ${t.token}` });
    const fast = await connect(url, { header: `Bearer ${t.token}` });
    await slow.next();
    await fast.next();
    // The slow client's socket stops reading: the kernel buffers fill, then the server's.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = Array.from({ length: 20 }, (_, i) => ({
      symbol: `C${i}/BTC`,
      side: 'long' as const,
      quantity: '1'.repeat(30),
      entryPrice: '0.'.padEnd(32, '7'),
      unrealizedPnl: '-0.'.padEnd(32, '3'),
    }));
    const metric = async () =>
      /botcore_status_stream_subscribers\{[^}]*\} (\d+)/.exec((await t.inject('/metrics', null)).body)?.[1];
    let sent = 0;
    while ((await metric()) === '2') {
      for (let i = 0; i < 200; i++) t.source.setPositions(big);
      sent += 200;
      await new Promise((r) => setImmediate(r));
      expect(sent).toBeLessThan(200_000);
    }
    expect(await metric()).toBe('1');
    // The reader that kept up still gets updates.
    t.source.update({ phase: 'Degraded' });
    let m = await fast.next();
    while (m.type === 'positions') m = await fast.next();
    expect(m).toMatchObject({ type: 'status', status: { phase: 'Degraded' } });
  });

  it('logs an update that does not fit its schema and keeps streaming the next ones', async () => {
    const { t, url } = await listen();
    const c = await connect(url, { header: `Bearer ${t.token}` });
    await c.next();
    // A position without its quantity: the source's bug.
    t.source.setPositions([{ symbol: 'ETH/BTC', side: 'long', entryPrice: '0.05' } as never]);
    t.source.update({ phase: 'Degraded' });
    expect(await c.next()).toMatchObject({ type: 'status', status: { phase: 'Degraded' } });
    expect(t.logs.join('')).toContain('stream update does not fit its schema');
  });

  it('closes every client with 1001 when the server shuts down', async () => {
    const { t, url } = await listen();
    const c = await connect(url, { header: `Bearer ${t.token}` });
    await c.next();
    const closing = t.server.close();
    expect((await c.closed).code).toBe(StreamCloseCode.SHUTTING_DOWN);
    await closing;
  });
});
