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
});
