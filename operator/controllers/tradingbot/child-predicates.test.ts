import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentChanged, ownersChanged, rolloutChanged } from './child-predicates.ts';

const deployment = (
  status: V1Deployment['status'],
  metadata: V1Deployment['metadata'] = {},
): V1Deployment => ({
  metadata: { name: 'd', generation: 1, resourceVersion: '1', ...metadata },
  status,
});

describe('child update predicates', () => {
  it('a status write that moves only timestamps or counts the bot does not read wakes nothing', () => {
    const before = deployment({ observedGeneration: 1, replicas: 1, availableReplicas: 1, readyReplicas: 1 });
    const after = deployment(
      { observedGeneration: 1, replicas: 1, availableReplicas: 1, readyReplicas: 1, collisionCount: 0 },
      { resourceVersion: '2' },
    );
    expect(deploymentChanged(after, before)).toBe(false);
  });

  it('rolled out, failed and scaled down flipping wake the bot; counts moving on the way do not', () => {
    const base = deployment({ observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 0 });
    const updated = deployment({ ...base.status, updatedReplicas: 1 });
    expect(rolloutChanged(updated, base)).toBe(false);
    const available = deployment({ ...updated.status, availableReplicas: 1 });
    expect(rolloutChanged(available, updated)).toBe(true);
    // A new generation not yet observed: no longer rolled out.
    expect(rolloutChanged(deployment(available.status, { generation: 2 }), available)).toBe(true);
    const failed = deployment({
      ...base.status,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(deploymentChanged(failed, base)).toBe(true);
  });

  it('spec, label and owner edits wake the bot, so the applier can put them back', () => {
    const base = deployment({}, { labels: { a: '1' } });
    expect(deploymentChanged(deployment({}, { generation: 2, labels: { a: '1' } }), base)).toBe(true);
    expect(deploymentChanged(deployment({}, { labels: { a: '2' } }), base)).toBe(true);
    const owned = deployment({}, { labels: { a: '1' }, ownerReferences: [] });
    const adopted = deployment(
      {},
      { labels: { a: '1' }, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }] },
    );
    expect(ownersChanged(adopted, owned)).toBe(true);
    expect(deploymentChanged(adopted, owned)).toBe(true);
  });
});
