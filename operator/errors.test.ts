import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';

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
});
