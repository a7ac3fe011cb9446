import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';
import { StepError } from './runtime/steps.ts';

describe('describeError', () => {
  it('shows the API server message of an API error, with its code', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'exceeded quota: q, requested: count/deployments.apps=1',
      code: 403,
    });
    expect(describeError(new ApiException(403, 'HTTP-Code: 403', body, {}))).toBe(
      '403: exceeded quota: q, requested: count/deployments.apps=1',
    );
  });

  it('keeps plain errors short', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('x'.repeat(2000))).toHaveLength(512);
  });

  it('names the step a failure came from and describes its cause', () => {
    const body = { kind: 'Status', message: 'exceeded quota: q', code: 403 };
    const error = new StepError('ensure-workloads', Object.assign(new Error('x'), { code: 403, body }));
    expect(describeError(error)).toBe('ensure-workloads: 403: exceeded quota: q');
  });
});
