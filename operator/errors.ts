// A short, human message for an error, as status conditions and events show
// it: the API server's own `message` for API errors, not the whole response.
import { ApiException } from '@kubernetes/client-node';

const maxLength = 512;

export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    let message: string | undefined;
    try {
      message = (JSON.parse(body) as { message?: string }).message;
    } catch {
      message = undefined;
    }
    text = `${error.code}: ${message ?? body}`;
  } else if (error instanceof Error) {
    text = error.message;
  } else {
    text = String(error);
  }
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 3)}...`;
}
