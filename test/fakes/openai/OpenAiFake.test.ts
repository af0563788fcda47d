import { FAKE_MODEL, OpenAiFake, type FakeReply } from './OpenAiFake';

/** The fake's own contract: the shapes OpenAI's Chat Completions API answers with. */

let fake: OpenAiFake;
let baseUrl: string;
let reply: FakeReply;

beforeEach(async () => {
	reply = { content: 'Hello there, how can I help?' };
	fake = new OpenAiFake(() => reply, 'sk-test');
	baseUrl = await fake.start();
});

afterEach(async () => await fake.stop());

const complete = async (body: unknown, key = 'sk-test', signal?: AbortSignal) =>
	await fetch(`${baseUrl}/v1/chat/completions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body),
		signal,
	});

const question = { model: FAKE_MODEL, messages: [{ role: 'user', content: 'Hi' }] };

describe('OpenAiFake', () => {
	it('answers a chat completion with the reply text and records the request', async () => {
		const res = await complete(question);
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			object: 'chat.completion',
			model: FAKE_MODEL,
			choices: [
				{
					index: 0,
					message: { role: 'assistant', content: 'Hello there, how can I help?' },
					finish_reason: 'stop',
				},
			],
			usage: { total_tokens: 15 },
		});
		expect(fake.chatRequests()).toEqual([question]);
	});

	it('answers tool calls with their arguments as a JSON string', async () => {
		reply = { toolCalls: [{ name: 'Handover_Assign', arguments: { conversationId: '42' } }] };
		const body = (await (await complete(question)).json()) as {
			choices: Array<{ message: { content: null; tool_calls: unknown[] }; finish_reason: string }>;
		};
		expect(body.choices[0].finish_reason).toBe('tool_calls');
		expect(body.choices[0].message.content).toBeNull();
		expect(body.choices[0].message.tool_calls).toEqual([
			{
				id: expect.stringMatching(/^call_/),
				type: 'function',
				function: { name: 'Handover_Assign', arguments: '{"conversationId":"42"}' },
			},
		]);
	});

	it('streams server-sent chunks that add up to the reply, then [DONE]', async () => {
		const res = await complete({
			...question,
			stream: true,
			stream_options: { include_usage: true },
		});
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const events = (await res.text())
			.split('\n\n')
			.filter(Boolean)
			.map((event) => event.replace(/^data: /, ''));
		expect(events.pop()).toBe('[DONE]');
		const chunks = events.map(
			(event) =>
				JSON.parse(event) as {
					object: string;
					choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
					usage?: unknown;
				},
		);
		expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
		const text = chunks
			.flatMap((chunk) => chunk.choices.map((c) => c.delta.content ?? ''))
			.join('');
		expect(text).toBe('Hello there, how can I help?');
		expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
		expect(chunks.at(-1)?.usage).toEqual({
			prompt_tokens: 10,
			completion_tokens: 5,
			total_tokens: 15,
		});
	});

	it('refuses a wrong key with 401, as OpenAI does', async () => {
		const res = await complete(question, 'sk-wrong');
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
	});

	it('answers an error status, or late, when told to', async () => {
		reply = { status: 429 };
		expect((await complete(question)).status).toBe(429);

		reply = { content: 'late', delayMs: 2000 };
		const started = Date.now();
		await expect(complete(question, 'sk-test', AbortSignal.timeout(200))).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(1500);
		expect(fake.completions()).toHaveLength(2);
	});
});
