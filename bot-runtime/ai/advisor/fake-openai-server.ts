// A local stand-in for an OpenAI-compatible API: POST /v1/chat/completions
// with bearer authentication, answering in the API's documented response
// shape (id, object, created, model, choices[].message, usage). Each answer
// comes from the test's script; every request is kept so tests can check what
// was sent. For tests only.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  /** The assistant message's content. */
  readonly content?: string;
  /** An HTTP error instead of an answer. */
  readonly status?: number;
  /** Wait this long before answering (to test time-outs). */
  readonly delayMs?: number;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
}

export interface RecordedRequest {
  readonly authorization: string | undefined;
  readonly body: { model: string; messages: { role: string; content: string }[]; response_format?: unknown };
}

export interface FakeOpenAi {
  /** Base URL to give as the advisor's endpoint: http://127.0.0.1:<port>/v1 */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAi(
  apiKey: string,
  script: (request: RecordedRequest) => ScriptedAnswer,
): Promise<FakeOpenAi> {
  const requests: RecordedRequest[] = [];
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      send(404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      return;
    }
    const recorded: RecordedRequest = {
      authorization: req.headers.authorization,
      body: JSON.parse(await readBody(req)) as RecordedRequest['body'],
    };
    requests.push(recorded);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      send(401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
      return;
    }
    const answer = script(recorded);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.status) {
      send(answer.status, { error: { message: 'The server had an error.', type: 'server_error' } });
      return;
    }
    const prompt = answer.promptTokens ?? 300;
    const completion = answer.completionTokens ?? 20;
    send(200, {
      id: `chatcmpl-${++n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: recorded.body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answer.content ?? '' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
