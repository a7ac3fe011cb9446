import { describe, expect, it } from 'vitest';
import { roleServiceName, telemetrySettings } from './settings.ts';

describe('telemetrySettings', () => {
  it('is off with no endpoint and no exporter named: nothing is started', () => {
    expect(telemetrySettings('botcore-feed', {})).toEqual({
      enabled: false,
      reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT',
      serviceName: 'botcore-feed',
    });
    expect(telemetrySettings('x', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).enabled).toBe(false);
  });

  it('is on with an OTLP endpoint, general or for traces', () => {
    expect(telemetrySettings('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({
      enabled: true,
      reason: 'OTLP to OTEL_EXPORTER_OTLP_ENDPOINT',
    });
    expect(
      telemetrySettings('x', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
    ).toMatchObject({ enabled: true, reason: 'OTLP to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' });
  });

  it('is on with an exporter named explicitly, even without an endpoint', () => {
    expect(telemetrySettings('x', { OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({
      enabled: true,
      reason: 'OTEL_TRACES_EXPORTER=console',
    });
    expect(telemetrySettings('x', { OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(true);
  });

  it('OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none win over an endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(telemetrySettings('x', { ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toMatchObject({
      enabled: false,
      reason: 'OTEL_SDK_DISABLED is true',
    });
    expect(telemetrySettings('x', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toMatchObject({
      enabled: false,
      reason: 'OTEL_TRACES_EXPORTER is none',
    });
    expect(telemetrySettings('x', { ...endpoint, OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });

  it('takes OTEL_SERVICE_NAME over the role default', () => {
    expect(telemetrySettings('botcore-executor', { OTEL_SERVICE_NAME: 'desk-a-executor' }).serviceName).toBe(
      'desk-a-executor',
    );
    expect(roleServiceName('strategy')).toBe('botcore-strategy');
    expect(roleServiceName('standalone')).toBe('botcore');
  });
});
