// Events recorded for an object land on the real API server where `kubectl
// describe` finds them (by involvedObject), and repeats aggregate into a count.
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreV1EventSink, KubernetesEventRecorder } from '../../operator/runtime/events.ts';
import { eventually } from '../support/eventually.ts';
import { coreApi, createNamespace, deleteNamespace, kubeConfig } from './helpers.ts';

let core: CoreV1Api;
let namespace: string;

beforeAll(async () => {
  core = coreApi(kubeConfig());
  namespace = await createNamespace(core, 'rt-events');
});

afterAll(async () => {
  await deleteNamespace(core, namespace);
});

describe('KubernetesEventRecorder on a real API server', () => {
  it('writes events about an object, aggregating repeats', async () => {
    const object: V1ConfigMap = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'subject', namespace }, data: { a: '1' } },
    });
    const recorder = new KubernetesEventRecorder({
      sink: coreV1EventSink(coreApi(kubeConfig())),
      component: 'botcore-operator',
      instance: 'test-instance',
    });
    const subject = { ...object, apiVersion: 'v1', kind: 'ConfigMap' };
    recorder.event(subject, 'Normal', 'Reconciled', 'all good');
    recorder.event(subject, 'Normal', 'Reconciled', 'all good');
    recorder.event(subject, 'Warning', 'Degraded', 'one pod not ready; token=s3cr3t');
    await recorder.flush();

    const events = await eventually(async () => {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=subject,involvedObject.uid=${object.metadata?.uid}`,
      });
      return list.items.length === 2 && list.items;
    }, 'both events');
    const reconciled = events.find((e) => e.reason === 'Reconciled');
    const degraded = events.find((e) => e.reason === 'Degraded');
    expect(reconciled).toMatchObject({ type: 'Normal', message: 'all good', count: 2 });
    expect(reconciled?.source?.component).toBe('botcore-operator');
    expect(reconciled?.involvedObject).toMatchObject({ kind: 'ConfigMap', name: 'subject', namespace });
    expect(degraded?.type).toBe('Warning');
    expect(degraded?.message).not.toContain('s3cr3t');
  });
});
