// Runs in every integration test worker: exposes the servers' settings as the
// environment variables the code under test reads (KUBECONFIG, NATS_URL, ...).
import { inject } from 'vitest';

Object.assign(process.env, inject('servers'));
