import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentShape, metadataOnly } from './cache-shapes.ts';
import { workloadState } from './controllers/tradingbot/status.ts';

const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update' }];

describe('cache shapes', () => {
  it('a child keeps its metadata (owners, labels, hash annotation, versions) without managedFields or data', () => {
    const cm: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'n',
        generation: 1,
        resourceVersion: '7',
        labels: { a: '1' },
        annotations: { h: 'x' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }],
        managedFields,
      },
      data: { 'config.json': '{}' },
    };
    const { managedFields: _m, ...metadata } = cm.metadata ?? {};
    expect(metadataOnly(cm)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata });
  });

  it('a Deployment keeps what its rollout state is computed from', () => {
    const deployment: V1Deployment = {
      metadata: { name: 'd', namespace: 'n', generation: 2, managedFields },
      spec: {
        replicas: 1,
        selector: { matchLabels: { a: '1' } },
        template: {
          metadata: { annotations: { hash: 'h1' }, labels: { a: '1' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
      status: {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      },
    };
    const shaped = deploymentShape(deployment);
    expect(shaped.metadata?.managedFields).toBeUndefined();
    expect(shaped.spec?.template.spec).toBeUndefined();
    expect(shaped.spec?.template.metadata?.annotations).toEqual({ hash: 'h1' });
    expect(workloadState('d', shaped, 1)).toEqual(workloadState('d', deployment, 1));
  });
});
