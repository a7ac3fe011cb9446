// The server's answers to a second add of the same stream, as nats.js reports
// them (a NatsError carrying the JetStream API error). The real server's
// answers are in nats-bus.int.test.ts; the overlap answer only comes from a
// race there, so its branch is checked here.
import { NatsError } from 'nats';
import { describe, expect, it } from 'vitest';
import { addOrUpdateStream, type StreamAdmin } from './add-stream.ts';

function apiError(code: number, description: string): NatsError {
  const error = new NatsError(description, '400');
  error.api_error = { code: 400, err_code: code, description };
  return error;
}

const nameInUse = () => apiError(10058, 'stream name already in use with a different configuration');
const overlap = () => apiError(10065, 'subjects overlap with an existing stream');

/** A stream admin that answers `add` with `addFails` and knows the streams in `existing`. */
function admin(addFails: (() => Error) | undefined, existing: string[]) {
  const calls: string[] = [];
  const streams: StreamAdmin = {
    add: async (config) => {
      calls.push(`add ${config.name}`);
      if (addFails) throw addFails();
    },
    update: async (name) => {
      calls.push(`update ${name}`);
    },
    info: async (name) => {
      calls.push(`info ${name}`);
      if (!existing.includes(name)) throw apiError(10059, 'stream not found');
    },
  };
  return { streams, calls };
}

const config = { name: 'BOT_SIGNALS', subjects: ['bot.signals'] };

describe('addOrUpdateStream', () => {
  it('adds a stream that is not there', async () => {
    const { streams, calls } = admin(undefined, []);
    await addOrUpdateStream(streams, config);
    expect(calls).toEqual(['add BOT_SIGNALS']);
  });

  it('updates a stream of its name that is already there', async () => {
    const { streams, calls } = admin(nameInUse, ['BOT_SIGNALS']);
    await addOrUpdateStream(streams, config);
    expect(calls).toEqual(['add BOT_SIGNALS', 'update BOT_SIGNALS']);
  });

  it('takes a subject overlap as its own stream when one of its name now holds them (two roles at once)', async () => {
    const { streams, calls } = admin(overlap, ['BOT_SIGNALS']);
    await addOrUpdateStream(streams, config);
    expect(calls).toEqual(['add BOT_SIGNALS', 'info BOT_SIGNALS', 'update BOT_SIGNALS']);
  });

  it('fails on a subject overlap with a stream of another name, and changes nothing', async () => {
    const { streams, calls } = admin(overlap, ['SOMEONE_ELSE']);
    await expect(addOrUpdateStream(streams, config)).rejects.toThrow('subjects overlap');
    expect(calls).toEqual(['add BOT_SIGNALS', 'info BOT_SIGNALS']);
  });

  it('passes any other error on', async () => {
    const { streams } = admin(() => new Error('connection closed'), ['BOT_SIGNALS']);
    await expect(addOrUpdateStream(streams, config)).rejects.toThrow('connection closed');
  });
});
