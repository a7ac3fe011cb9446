import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  annotationsChanged,
  anyOf,
  deletionStarted,
  generationChanged,
  labelsChanged,
} from './predicates.ts';

const obj = (metadata: KubernetesObject['metadata']): KubernetesObject => ({ metadata });

describe('update predicates', () => {
  it('generationChanged: spec changes pass, status-only writes do not', () => {
    expect(generationChanged(obj({ generation: 2 }), obj({ generation: 1 }))).toBe(true);
    expect(
      generationChanged(
        obj({ generation: 2, resourceVersion: '9' }),
        obj({ generation: 2, resourceVersion: '8' }),
      ),
    ).toBe(false);
    expect(generationChanged(obj({ generation: 1 }), undefined)).toBe(true);
  });

  it('labelsChanged and annotationsChanged compare the maps, not their identity', () => {
    expect(labelsChanged(obj({ labels: { a: '1' } }), obj({ labels: { a: '1' } }))).toBe(false);
    expect(labelsChanged(obj({ labels: { a: '1' } }), obj({ labels: { a: '2' } }))).toBe(true);
    expect(labelsChanged(obj({ labels: { a: '1' } }), obj({}))).toBe(true);
    expect(labelsChanged(obj({}), obj({ labels: {} }))).toBe(false);
    expect(
      annotationsChanged(obj({ annotations: { x: 'y' } }), obj({ annotations: { x: 'y', z: 'w' } })),
    ).toBe(true);
    expect(annotationsChanged(obj({ annotations: { x: 'y' } }), obj({ annotations: { x: 'y' } }))).toBe(
      false,
    );
  });

  it('deletionStarted fires once, when the deletionTimestamp appears', () => {
    const deleting = obj({ deletionTimestamp: new Date() });
    expect(deletionStarted(deleting, obj({}))).toBe(true);
    expect(deletionStarted(deleting, deleting)).toBe(false);
    expect(deletionStarted(obj({}), obj({}))).toBe(false);
  });

  it('anyOf holds when one predicate holds', () => {
    const p = anyOf(generationChanged, labelsChanged);
    expect(p(obj({ generation: 1, labels: { a: '1' } }), obj({ generation: 1, labels: {} }))).toBe(true);
    expect(p(obj({ generation: 1 }), obj({ generation: 1 }))).toBe(false);
  });
});
