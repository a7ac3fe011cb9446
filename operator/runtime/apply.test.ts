import { describe, expect, it } from 'vitest';
import { applyBody } from './apply.ts';

describe('applyBody', () => {
  it('drops server-owned metadata and keeps the rest', () => {
    const body = applyBody({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'x',
        namespace: 'ns',
        labels: { a: '1' },
        resourceVersion: '42',
        uid: 'u',
        generation: 3,
        creationTimestamp: new Date(0),
        managedFields: [{ manager: 'm' }],
      },
    });
    expect(body).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'ns', labels: { a: '1' } },
    });
  });

  it('refuses a manifest without apiVersion, kind or name', () => {
    expect(() => applyBody({ kind: 'ConfigMap', metadata: { name: 'x' } })).toThrow(TypeError);
    expect(() => applyBody({ apiVersion: 'v1', metadata: { name: 'x' } })).toThrow(TypeError);
    expect(() => applyBody({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toThrow(TypeError);
  });

  it("sends NetworkPolicy's ingress `from` by its wire name, not client-node's `_from`", () => {
    const body = applyBody({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np' },
      spec: { podSelector: {}, ingress: [{ _from: [{ podSelector: {} }] }, { ports: [{ port: 8080 }] }] },
    } as never) as { spec: { ingress: unknown[] } };
    expect(body.spec.ingress).toEqual([{ from: [{ podSelector: {} }] }, { ports: [{ port: 8080 }] }]);
  });
});
