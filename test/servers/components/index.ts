import type { Component } from './component.ts';
import { etcd } from './etcd.ts';
import { ferretdb } from './ferretdb.ts';
import { kubeApiserver } from './kube-apiserver.ts';
import { kubeControllerManager } from './kube-controller-manager.ts';
import { kubeScheduler } from './kube-scheduler.ts';
import { kwok } from './kwok.ts';
import { nats } from './nats.ts';
import { redis } from './redis.ts';

/** Every test server, in start order. */
export const COMPONENTS: readonly Component[] = [
  etcd,
  nats,
  redis,
  ferretdb,
  kubeApiserver,
  kubeControllerManager,
  kubeScheduler,
  kwok,
];
export type { Component, ServerContext } from './component.ts';
