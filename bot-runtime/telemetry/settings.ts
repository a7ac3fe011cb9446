// Whether this process exports traces, and as which service, from the
// standard OpenTelemetry environment variables. Pure, so the rules are tested
// without starting anything. The SDK itself reads the exporter's variables
// (endpoint, protocol, headers, batch sizes, sampler); this only decides
// whether to start it at all, so a process that exports nothing does not even
// load the SDK.

export interface TelemetrySettings {
  readonly enabled: boolean;
  /** Why tracing is on or off, for the start-up log (never an endpoint's credentials). */
  readonly reason: string;
  /** `service.name` of the spans: OTEL_SERVICE_NAME, or the role's default. */
  readonly serviceName: string;
}

const set = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/** The exporters OTEL_TRACES_EXPORTER names, `none` and empty ones dropped. */
function namedExporters(env: NodeJS.ProcessEnv): string[] {
  return (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'none');
}

/**
 * Tracing is on when an exporter has somewhere to go: an OTLP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT or its traces variant), or an exporter named
 * explicitly in OTEL_TRACES_EXPORTER (`otlp` alone means the SDK's default
 * endpoint, localhost:4318). OTEL_SDK_DISABLED=true and
 * OTEL_TRACES_EXPORTER=none turn it off whatever else is set. Unlike the bare
 * SDK, nothing set means nothing started: a pod without a collector must not
 * keep trying to reach localhost.
 */
export function telemetrySettings(defaultServiceName: string, env: NodeJS.ProcessEnv): TelemetrySettings {
  const serviceName = set(env.OTEL_SERVICE_NAME) ? env.OTEL_SERVICE_NAME!.trim() : defaultServiceName;
  const off = (reason: string): TelemetrySettings => ({ enabled: false, reason, serviceName });
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return off('OTEL_SDK_DISABLED is true');
  if (
    env.OTEL_TRACES_EXPORTER?.split(',').some((s) => s.trim() === 'none') &&
    namedExporters(env).length === 0
  )
    return off('OTEL_TRACES_EXPORTER is none');
  if (set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT))
    return { enabled: true, reason: 'OTLP to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', serviceName };
  if (set(env.OTEL_EXPORTER_OTLP_ENDPOINT))
    return { enabled: true, reason: 'OTLP to OTEL_EXPORTER_OTLP_ENDPOINT', serviceName };
  const named = namedExporters(env);
  if (named.length > 0)
    return { enabled: true, reason: `OTEL_TRACES_EXPORTER=${named.join(',')}`, serviceName };
  return off('no OTEL_EXPORTER_OTLP_ENDPOINT');
}

/** `botcore-<role>`: the default service name of a runtime role (`botcore` for `botcore run`). */
export function roleServiceName(role: 'feed' | 'strategy' | 'executor' | 'standalone'): string {
  return role === 'standalone' ? 'botcore' : `botcore-${role}`;
}
