// A short, human message for an error, as status conditions and events show
// it: the API server's own `message` for API errors, not the whole response.

import { StepError } from './runtime/steps.ts';

const maxLength = 512;

export function describeError(error: unknown): string {
  // A failed reconcile step: name the step, then describe what it threw.
  if (error instanceof StepError) return clip(`${error.step}: ${describeError(error.cause)}`);
  let text: string;
  const api = apiError(error);
  if (api !== undefined) {
    const body = typeof api.body === 'string' ? api.body : JSON.stringify(api.body);
    let message: string | undefined;
    try {
      message = (JSON.parse(body) as { message?: string }).message;
    } catch {
      message = undefined;
    }
    text = `${api.code}: ${message ?? body}`;
  } else if (error instanceof Error) {
    text = error.message;
  } else {
    text = String(error);
  }
  return clip(text);
}

function clip(text: string): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 3)}...`;
}

/** An API error (RestClient's KubeApiError, client-node's ApiException): an HTTP status and the server's body. */
function apiError(error: unknown): { code: number; body: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, body } = error as { code?: unknown; body?: unknown };
  return typeof code === 'number' && body !== undefined ? { code, body } : undefined;
}
