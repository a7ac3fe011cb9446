import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, ports } from './ports.ts';

const linuxDefault = { low: 32768, high: 60999 };

describe('test server ports', () => {
  it('are distinct loopback ports', () => {
    const all = Object.values(ports({}, linuxDefault));
    expect(new Set(all).size).toBe(all.length);
  });

  it("lie below Linux's default ephemeral range, with room for a few offsets", () => {
    for (const offset of ['0', '1000', '1500']) {
      const all = Object.values(ports({ BOTCORE_PORT_OFFSET: offset }, linuxDefault));
      expect(Math.max(...all)).toBeLessThan(linuxDefault.low);
    }
  });

  it('shift together with BOTCORE_PORT_OFFSET', () => {
    const base = ports({}, linuxDefault);
    const shifted = ports({ BOTCORE_PORT_OFFSET: '100' }, linuxDefault);
    expect(shifted.kubeApiserver).toBe(base.kubeApiserver + 100);
    expect(shifted.nats).toBe(base.nats + 100);
  });

  it('reject an offset that is not an integer, naming the variable', () => {
    expect(() => ports({ BOTCORE_PORT_OFFSET: 'ten' }, linuxDefault)).toThrow(/BOTCORE_PORT_OFFSET.*"ten"/);
  });

  it('reject an offset that moves a port into the ephemeral range, naming the port and the range', () => {
    expect(() => ports({ BOTCORE_PORT_OFFSET: '10000' }, linuxDefault)).toThrow(
      /BOTCORE_PORT_OFFSET=10000 puts the kubeApiserver port \(34443\).*32768-60999/,
    );
  });

  it('read the ephemeral range from the kernel file, and none where there is no such file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'botcore-ports-'));
    try {
      const file = join(dir, 'ip_local_port_range');
      await writeFile(file, '32768\t60999\n');
      expect(ephemeralPortRange(file)).toEqual(linuxDefault);
      expect(ephemeralPortRange(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
