/**
 * A fake of OpenAI's Chat Completions API on 127.0.0.1, for n8n's OpenAI Chat Model node pointed
 * at it through the `openAiApi` credential's Base URL (`http://127.0.0.1:<port>/v1`).
 *
 * - `POST /v1/chat/completions`: answers what the test's replier says for the request — text, tool
 *   calls, an error status — optionally after a delay. `stream: true` gets server-sent events
 *   (`chat.completion.chunk` deltas, then `data: [DONE]`), with a usage chunk when
 *   `stream_options.include_usage` asks for it; otherwise one `chat.completion` object.
 * - `GET /v1/models`: one model, for the node's model list.
 * - A wrong or missing `Authorization: Bearer <key>` is answered 401 as OpenAI does.
 *
 * Every request is recorded (`completions()` lists the chat calls), so tests count model calls.
 */
import { FakeServer, type FakeResponse, type RecordedRequest } from '../fakeServer';

export interface ChatMessage {
	role: string;
	content?: unknown;
	name?: string;
	tool_call_id?: string;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: Array<{ type: string; function: { name: string; description?: string } }>;
	stream?: boolean;
	stream_options?: { include_usage?: boolean };
}

export interface FakeToolCall {
	name: string;
	arguments: Record<string, unknown>;
}

/** What the fake answers one chat request. */
export interface FakeReply {
	/** The assistant's text. */
	content?: string;
	/** Tool calls the assistant makes instead of (or beside) text. */
	toolCalls?: FakeToolCall[];
	/** Wait this long before answering. */
	delayMs?: number;
	/** Answer with this error status (and an OpenAI error body) instead. */
	status?: number;
}

export type Replier = (request: ChatRequest) => FakeReply;

export const FAKE_MODEL = 'gpt-fake-mini';

const COMPLETIONS = /^\/v1\/chat\/completions$/;

/** The text of a message's content, whether a string or a list of text parts. */
export function messageText(message: ChatMessage | undefined): string {
	const content = message?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				typeof part === 'string' ? part : String((part as { text?: unknown }).text ?? ''),
			)
			.join('');
	}
	return '';
}

/** The last message of the request with the given role. */
export function lastMessage(request: ChatRequest, role: string): ChatMessage | undefined {
	return [...request.messages].reverse().find((message) => message.role === role);
}

const sleep = (ms: number) =>
	new Promise<void>((done) => {
		setTimeout(done, ms).unref();
	});

export class OpenAiFake extends FakeServer {
	private replier: Replier;

	private nextId = 1;

	constructor(
		replier: Replier = () => ({ content: 'OK' }),
		readonly apiKey = 'sk-fake-key',
	) {
		super();
		this.replier = replier;
	}

	/** From now on, answer chat requests with `replier`. */
	answerWith(replier: Replier): void {
		this.replier = replier;
	}

	/** Every chat completion request received so far, in order. */
	completions(): RecordedRequest[] {
		return this.callsTo('POST', COMPLETIONS);
	}

	/** The bodies of `completions()`. */
	chatRequests(): ChatRequest[] {
		return this.completions().map((request) => request.body as ChatRequest);
	}

	protected async handle(request: RecordedRequest): Promise<FakeResponse> {
		if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
			return {
				status: 401,
				body: {
					error: {
						message: 'Incorrect API key provided.',
						type: 'invalid_request_error',
						param: null,
						code: 'invalid_api_key',
					},
				},
			};
		}
		if (request.method === 'GET' && request.path === '/v1/models') {
			return {
				status: 200,
				body: {
					object: 'list',
					data: [{ id: FAKE_MODEL, object: 'model', created: 1_700_000_000, owned_by: 'fake' }],
				},
			};
		}
		if (request.method !== 'POST' || !COMPLETIONS.test(request.path)) {
			return {
				status: 404,
				body: { error: { message: 'Not found', type: 'invalid_request_error' } },
			};
		}
		const body = request.body as ChatRequest | undefined;
		if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
			return {
				status: 400,
				body: { error: { message: "'messages' is required", type: 'invalid_request_error' } },
			};
		}
		const reply = this.replier(body);
		if (reply.delayMs) await sleep(reply.delayMs);
		if (reply.status !== undefined && reply.status >= 400) {
			return {
				status: reply.status,
				body: { error: { message: `fake error ${reply.status}`, type: 'server_error' } },
			};
		}
		return body.stream ? this.streamed(body, reply) : this.completion(body, reply);
	}

	private toolCalls(reply: FakeReply) {
		return (reply.toolCalls ?? []).map((call) => ({
			id: `call_${this.nextId++}`,
			type: 'function',
			function: { name: call.name, arguments: JSON.stringify(call.arguments) },
		}));
	}

	private completion(request: ChatRequest, reply: FakeReply): FakeResponse {
		const toolCalls = this.toolCalls(reply);
		return {
			status: 200,
			body: {
				id: `chatcmpl-${this.nextId++}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: request.model,
				choices: [
					{
						index: 0,
						message: {
							role: 'assistant',
							content: reply.content ?? null,
							...(toolCalls.length > 0 && { tool_calls: toolCalls }),
						},
						finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
					},
				],
				usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
			},
		};
	}

	private streamed(request: ChatRequest, reply: FakeReply): FakeResponse {
		const id = `chatcmpl-${this.nextId++}`;
		const created = Math.floor(Date.now() / 1000);
		const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices, ...extra })}\n\n`;
		const toolCalls = this.toolCalls(reply);
		const events = [
			chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
		];
		// Text in a few pieces, as a model streams it.
		const text = reply.content ?? '';
		for (let start = 0; start < text.length; start += 8) {
			events.push(
				chunk([
					{ index: 0, delta: { content: text.slice(start, start + 8) }, finish_reason: null },
				]),
			);
		}
		toolCalls.forEach((call, index) => {
			events.push(
				chunk([
					{
						index: 0,
						delta: { tool_calls: [{ index, ...call }] },
						finish_reason: null,
					},
				]),
			);
		});
		events.push(
			chunk([{ index: 0, delta: {}, finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop' }]),
		);
		if (request.stream_options?.include_usage) {
			events.push(
				chunk([], { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }),
			);
		}
		events.push('data: [DONE]\n\n');
		return {
			status: 200,
			headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
			raw: events.join(''),
		};
	}
}
