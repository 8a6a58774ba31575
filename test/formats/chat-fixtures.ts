/**
 * Hand-built records in each chat format, shaped after each format's documentation (cited per
 * fixture). `format` is what detection must say; `file` is the name the CLI tests write it to.
 */
import type { RecordFormat } from '../../src/formats/types';

export interface ChatFixture {
  name: string;
  format: RecordFormat;
  file: string;
  records: unknown[];
}

export const CHAT_FIXTURES: ChatFixture[] = [
  {
    // OpenAI API reference, "The chat completion object" (id, object, created, model, choices[].message,
    // finish_reason, usage), with vLLM's reasoning outputs doc field `reasoning` (renamed from
    // `reasoning_content`, vLLM RFC #27755).
    name: 'openai chat completion, vLLM reasoning',
    format: 'openai-chat',
    file: 'vllm.jsonl',
    records: [
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1741569952,
        model: 'Qwen/QwQ-32B',
        messages: [{ role: 'user', content: 'What is 9.11 minus 9.8?' }],
        choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is -0.69.', reasoning: 'First, 9.11 - 9.8 = -0.69.\nWait, check: 9.80 - 9.11 = 0.69, so -0.69.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 40, total_tokens: 50 },
      },
    ],
  },
  {
    // DeepSeek API "Reasoning Model (deepseek-reasoner)" and LM Studio / llama.cpp server:
    // `choices[].message.reasoning_content`. Two choices (n=2): one trace each.
    name: 'openai chat completion, reasoning_content, n=2',
    format: 'openai-chat',
    file: 'deepseek.json',
    records: [
      {
        id: 'ds-7',
        object: 'chat.completion',
        model: 'deepseek-reasoner',
        choices: [
          { index: 0, message: { role: 'assistant', content: '4', reasoning_content: '2 + 2 is 4.' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: '4', reasoning_content: 'Adding two and two gives 4.' }, finish_reason: 'stop' },
        ],
      },
    ],
  },
  {
    // Hugging Face "Chat templates" docs: `messages` of {role, content}; thinking inline in <think>
    // (DeepSeek-R1 distill SFT sets, e.g. open-r1/Mixture-of-Thoughts); two assistant turns.
    name: 'hf chat messages, inline think, multi-turn',
    format: 'hf-chat',
    file: 'hf-messages.jsonl',
    records: [
      {
        id: 'row-1',
        messages: [
          { role: 'system', content: 'You are helpful.' },
          { role: 'user', content: 'What is 3 * 4?' },
          { role: 'assistant', content: '<think>\n3 * 4 = 12.\n</think>\n\n12' },
          { role: 'user', content: 'And plus 1?' },
          { role: 'assistant', content: '<think>\n12 + 1 = 13.\n</think>\n\n13' },
        ],
      },
    ],
  },
  {
    // ShareGPT rows (`conversations` of {from, value}, as in HF datasets like Sky-T1_data_17k),
    // with Sky-T1's thought tags in the gpt turn.
    name: 'sharegpt conversations, Sky-T1 tags',
    format: 'hf-chat',
    file: 'sharegpt.jsonl',
    records: [
      {
        system: 'Think step by step.',
        conversations: [
          { from: 'human', value: 'Compute 5 + 6.' },
          { from: 'gpt', value: '<|begin_of_thought|>\n5 + 6 = 11.\n<|end_of_thought|>\n<|begin_of_solution|>\n11\n<|end_of_solution|>' },
        ],
      },
    ],
  },
  {
    // Open WebUI export (Settings → Data Controls → Export Chats): a JSON array of chats
    // {id, user_id, title, chat: {models, messages, history}}; reasoning as written by
    // backend/open_webui/utils/middleware.py: <details type="reasoning" done="true" duration="N">.
    name: 'open webui export',
    format: 'open-webui',
    file: 'chat-export.json',
    records: [
      {
        id: 'c0ffee',
        user_id: 'u1',
        title: 'Arithmetic',
        chat: {
          models: ['deepseek-r1:7b'],
          messages: [
            { id: 'm1', parentId: null, role: 'user', content: 'What is 7 * 8?' },
            {
              id: 'm2',
              parentId: 'm1',
              role: 'assistant',
              model: 'deepseek-r1:7b',
              content: '<details type="reasoning" done="true" duration="2">\n<summary>Thought for 2 seconds</summary>\n> 7 * 8 = 56.\n>\n> Check: 8 * 7 = 56.\n</details>\nThe answer is 56.',
            },
          ],
        },
      },
    ],
  },
  {
    // OpenAI API reference, "The chat completion chunk object" (object: chat.completion.chunk,
    // choices[].delta, finish_reason on the last chunk); thinking in `delta.reasoning` as Ollama's
    // OpenAI-compatible endpoint and vLLM stream it (`delta.reasoning_content` for LM Studio/llama.cpp).
    name: 'streamed chunk log',
    format: 'openai-chunks',
    file: 'stream.jsonl',
    records: [
      { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'qwen3:8b', choices: [{ index: 0, delta: { role: 'assistant', reasoning: 'Two ' }, finish_reason: null }] },
      { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'qwen3:8b', choices: [{ index: 0, delta: { reasoning: 'apples plus three is five.' }, finish_reason: null }] },
      { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'qwen3:8b', choices: [{ index: 0, delta: { content: 'The answer ' }, finish_reason: null }] },
      { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'qwen3:8b', choices: [{ index: 0, delta: { content: 'is 5.' }, finish_reason: null }] },
      { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'qwen3:8b', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ],
  },
  {
    // OpenAI API reference, "The response object" (object: response, output[] of reasoning and
    // message items); reasoning_text content parts as vLLM's Responses endpoint returns for gpt-oss.
    name: 'responses api',
    format: 'openai-responses',
    file: 'responses.json',
    records: [
      {
        id: 'resp_1',
        object: 'response',
        status: 'completed',
        model: 'openai/gpt-oss-20b',
        input: 'What is 6 * 7?',
        output: [
          { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Multiplied.' }], content: [{ type: 'reasoning_text', text: '6 * 7 = 42.\n\nCheck: 7 * 6 = 42.' }] },
          { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: '42', annotations: [] }] },
        ],
      },
    ],
  },
];
