import { describe, expect, it } from 'vitest';
import { ports } from './ports.ts';

describe('test server ports', () => {
  it('are distinct loopback ports', () => {
    const all = Object.values(ports({}));
    expect(new Set(all).size).toBe(all.length);
  });

  it('shift together with BOTCORE_PORT_OFFSET', () => {
    const base = ports({});
    const shifted = ports({ BOTCORE_PORT_OFFSET: '100' });
    expect(shifted.kubeApiserver).toBe(base.kubeApiserver + 100);
    expect(shifted.nats).toBe(base.nats + 100);
  });

  it('reject an offset that is not an integer, naming the variable', () => {
    expect(() => ports({ BOTCORE_PORT_OFFSET: 'ten' })).toThrow(/BOTCORE_PORT_OFFSET.*"ten"/);
  });
});
