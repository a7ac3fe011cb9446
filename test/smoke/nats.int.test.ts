// NATS is real and has JetStream: a stream stores messages, de-duplicates by
// message id, and a durable consumer reads them back with acknowledgements.
import { randomBytes } from 'node:crypto';
import { AckPolicy, connect, headers, JSONCodec, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const codec = JSONCodec<{ seq: number }>();

describe('NATS with JetStream', () => {
  let nc: NatsConnection;
  const stream = `SMOKE_${randomBytes(3).toString('hex').toUpperCase()}`;
  const subject = `smoke.${stream.toLowerCase()}.orders`;

  beforeAll(async () => {
    nc = await connect({ servers: process.env.NATS_URL });
  });
  afterAll(async () => {
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  it('publishes to a stream, de-duplicates by message id, and consumes with acks', async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [subject], duplicate_window: 60_000_000_000 });
    const js = nc.jetstream();

    const first = await js.publish(subject, codec.encode({ seq: 1 }), { msgID: 'order-1' });
    const again = await js.publish(subject, codec.encode({ seq: 1 }), { msgID: 'order-1' });
    const second = await js.publish(subject, codec.encode({ seq: 2 }), { msgID: 'order-2' });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq + 1);
    expect((await jsm.streams.info(stream)).state.messages).toBe(2);

    await jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get(stream, 'reader');
    const received: number[] = [];
    const messages = await consumer.fetch({ max_messages: 2, expires: 5000 });
    for await (const message of messages) {
      received.push(codec.decode(message.data).seq);
      // ackAck waits for the server to confirm, so the consumer state below is settled.
      expect(await message.ackAck()).toBe(true);
    }
    expect(received).toEqual([1, 2]);
    expect((await jsm.consumers.info(stream, 'reader')).num_ack_pending).toBe(0);
  });

  it('carries headers end to end on core NATS', async () => {
    const sub = nc.subscribe(`${subject}.headers`, { max: 1 });
    const h = headers();
    h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    nc.publish(`${subject}.headers`, codec.encode({ seq: 7 }), { headers: h });
    for await (const message of sub) {
      expect(message.headers?.get('traceparent')).toBe(h.get('traceparent'));
      expect(codec.decode(message.data).seq).toBe(7);
    }
  });
});
