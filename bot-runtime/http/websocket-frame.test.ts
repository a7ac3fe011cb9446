import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from './websocket-frame.ts';

// ws's own framing, which every client library parses: the prepared frame must be byte for byte the same.
const wsFrame = (payload: Buffer): Buffer =>
  Buffer.concat(
    (
      ws as unknown as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } }
    ).Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true }),
  );

describe('textFrame', () => {
  it('equals the frame ws builds, for each length encoding', () => {
    for (const n of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const payload = Buffer.alloc(n, 'x');
      expect(textFrame(payload).equals(wsFrame(payload)), `length ${n}`).toBe(true);
    }
  });
});
