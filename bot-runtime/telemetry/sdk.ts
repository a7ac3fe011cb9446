// Starts the OpenTelemetry Node SDK for this process, configured by the
// standard OTEL_* variables (exporter, protocol, endpoint, headers, sampler,
// batch sizes), traces only: the runtime's metrics are Prometheus's
// (/metrics) and its logs go to stdout. Why the SDK rather than a hand-made
// exporter: docs/observability.md.
//
// One SDK per process. `botcore run` and tests start several roles in one
// process; they share the SDK the first one started, and the last one to stop
// shuts it down, which flushes the spans still batched.
import { telemetrySettings } from './settings.ts';

export interface Telemetry {
  readonly enabled: boolean;
  readonly reason: string;
  readonly serviceName: string;
  /** Flushes and stops the SDK once every user has stopped; safe to call twice. */
  shutdown(): Promise<void>;
}

interface Started {
  readonly sdk: { shutdown(): Promise<void> };
  users: number;
}

let started: Promise<Started> | undefined;

export interface TelemetryOptions {
  readonly serviceName: string;
  /** Resource attributes that tell this process apart (bot, role); never secrets. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const settings = telemetrySettings(options.serviceName, options.env ?? process.env);
  if (!settings.enabled) return { ...settings, shutdown: async () => undefined };
  started ??= startSdk(settings.serviceName, options.attributes ?? {}).catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  const current = await started;
  current.users++;
  let stopped = false;
  return {
    ...settings,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      if (--current.users > 0) return;
      started = undefined;
      await current.sdk.shutdown();
    },
  };
}

async function startSdk(serviceName: string, attributes: Readonly<Record<string, string>>): Promise<Started> {
  // Loaded only when tracing is on: a process that exports nothing pays nothing for it.
  const { NodeSDK, resources } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName,
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ ...attributes })),
    // env (OTEL_RESOURCE_ATTRIBUTES) and host only: the process detector would add the command line.
    resourceDetectors: [resources.envDetector, resources.hostDetector],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { sdk, users: 0 };
}
