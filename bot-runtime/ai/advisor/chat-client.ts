// The one call the advisor makes: an OpenAI-compatible chat completion
// (POST <endpoint>/chat/completions), through the `openai` package, asking for
// a JSON object. Servers that speak the same API (vLLM, Ollama, LiteLLM,
// Azure's compatible endpoint) work with their base URL as the endpoint.

import type { TokenUsage } from './prices.ts';
import type { ChatMessage } from './prompt.ts';

export interface ChatReply {
  readonly text: string;
  readonly usage: TokenUsage;
}

export interface ChatClient {
  complete(
    messages: readonly ChatMessage[],
    options: { model: string; timeoutMs: number },
  ): Promise<ChatReply>;
}

export class ChatTimeoutError extends Error {
  override readonly name = 'ChatTimeoutError';
}

/** The client for `endpoint` with `apiKey` (from BOTCORE_ADVISOR_API_KEY; never logged, never in errors). */
export async function openAiChatClient(endpoint: string, apiKey: string): Promise<ChatClient> {
  const { default: OpenAI, APIConnectionTimeoutError } = await import('openai');
  // Retries would spend the decision's time and the budget twice; the timeout is the whole allowance.
  const client = new OpenAI({ baseURL: endpoint, apiKey, maxRetries: 0 });
  return {
    async complete(messages, { model, timeoutMs }) {
      try {
        const completion = await client.chat.completions.create(
          { model, messages: [...messages], response_format: { type: 'json_object' }, temperature: 0 },
          { timeout: timeoutMs },
        );
        return {
          text: completion.choices[0]?.message.content ?? '',
          usage: {
            inputTokens: completion.usage?.prompt_tokens ?? 0,
            outputTokens: completion.usage?.completion_tokens ?? 0,
          },
        };
      } catch (error) {
        if (error instanceof APIConnectionTimeoutError)
          throw new ChatTimeoutError(`no answer within ${timeoutMs} ms`);
        // The SDK's errors carry the status and the server's message, not the key.
        throw new Error(`advisor request failed: ${(error as Error).message}`);
      }
    },
  };
}
