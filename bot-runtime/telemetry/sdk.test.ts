// The SDK as a process starts it: nothing without an endpoint; with one, spans
// go to the collector as OTLP/HTTP JSON, under the role's service name, once
// the last user has shut it down (which flushes what is batched).
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpCollector, startOtlpCollector } from '../../test/telemetry/otlp-collector.ts';
import { startTelemetry } from './sdk.ts';

const VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_BSP_SCHEDULE_DELAY'];
let collector: OtlpCollector | undefined;

afterEach(async () => {
  for (const name of VARIABLES) delete process.env[name];
  trace.disable();
  context.disable();
  propagation.disable();
  await collector?.close();
  collector = undefined;
});

describe('startTelemetry', () => {
  it('starts nothing without an endpoint: spans are the API no-op', async () => {
    const telemetry = await startTelemetry({ serviceName: 'botcore-feed', env: {} });
    expect(telemetry).toMatchObject({ enabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' });
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
    await telemetry.shutdown();
  });

  it('exports OTLP to the endpoint as the role, shared by the roles of one process, flushed by the last', async () => {
    collector = await startOtlpCollector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_BSP_SCHEDULE_DELAY = '60000';
    const first = await startTelemetry({
      serviceName: 'botcore-executor',
      attributes: { 'botcore.role': 'executor' },
    });
    const second = await startTelemetry({ serviceName: 'botcore-feed' });
    expect(first.enabled).toBe(true);
    const span = trace.getTracer('t').startSpan('one span');
    expect(span.isRecording()).toBe(true);
    span.end();
    await first.shutdown();
    await first.shutdown();
    // Still batched: the second role has not stopped.
    expect(collector.spans).toEqual([]);
    await second.shutdown();
    expect(collector.rejected).toEqual([]);
    expect(collector.spans.map((s) => [s.name, s.service])).toEqual([['one span', 'botcore-executor']]);
  });
});
