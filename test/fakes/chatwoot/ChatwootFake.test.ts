import { ChatwootFake, type ChatwootFakeOptions } from './ChatwootFake';

/**
 * The fake's own contract: each case is an answer Chatwoot's code gives (see the table in
 * ChatwootFake.ts), so a client tested against the fake meets the same answers in production.
 */

const TOKEN = 'secret';
const ACCOUNT_PATH = '/api/v1/accounts/1';

let fake: ChatwootFake;
let baseUrl: string;
let clock: number;

async function startFake(options: ChatwootFakeOptions = {}): Promise<void> {
	fake = new ChatwootFake({ token: TOKEN, now: () => clock, ...options });
	fake.addAgent({ id: 3, name: 'Ana' });
	fake.addAgent({ id: 4, name: 'Luis', availability_status: 'offline' });
	fake.addAgent({ id: 5, name: 'Mia' });
	fake.addTeam({ id: 20, name: 'Sales', memberIds: [4, 5] });
	fake.addAccountLabels('vip');
	fake.addConversation({ id: 42, status: 'pending', labels: ['billing'] });
	baseUrl = await fake.start();
}

interface Answer {
	status: number;
	headers: Headers;
	body: unknown;
}

async function call(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = { api_access_token: TOKEN },
): Promise<Answer> {
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Rack::Attack answers plain text.
	}
	return { status: response.status, headers: response.headers, body: parsed };
}

const conversationPath = (id: number | string, rest = '') =>
	`${ACCOUNT_PATH}/conversations/${id}${rest}`;

beforeEach(async () => {
	clock = 0;
	await startFake();
});

afterEach(async () => {
	await fake.stop();
});

describe('ChatwootFake authentication and routing', () => {
	it("answers a missing token with devise's errors array", async () => {
		expect(await call('GET', `${ACCOUNT_PATH}/agents`, undefined, {})).toMatchObject({
			status: 401,
			body: { errors: ['You need to sign in or sign up before continuing.'] },
		});
	});

	it('answers a wrong token with Invalid Access Token', async () => {
		expect(
			await call('GET', `${ACCOUNT_PATH}/agents`, undefined, { api_access_token: 'nope' }),
		).toMatchObject({ status: 401, body: { error: 'Invalid Access Token' } });
	});

	it('answers 404 for an account that does not exist, 401 for one the owner is not in', async () => {
		await fake.stop();
		await startFake({ otherAccountIds: [2] });

		expect(await call('GET', '/api/v1/accounts/9/agents')).toMatchObject({
			status: 404,
			body: { error: 'Resource could not be found' },
		});
		expect(await call('GET', '/api/v1/accounts/2/agents')).toMatchObject({
			status: 401,
			body: { error: 'You are not authorized to access this account' },
		});
	});

	it('answers 404 for unknown conversations, teams and routes', async () => {
		expect((await call('GET', conversationPath(7))).status).toBe(404);
		expect((await call('GET', conversationPath('abc'))).status).toBe(404);
		expect((await call('GET', `${ACCOUNT_PATH}/teams/99/team_members`)).status).toBe(404);
		expect(await call('GET', `${ACCOUNT_PATH}/inboxes`)).toMatchObject({
			status: 404,
			body: { status: 404, error: 'Not Found' },
		});
	});

	it('answers a body that is not JSON with 400', async () => {
		expect((await call('POST', conversationPath(42, '/labels'), '{"labels": [')).status).toBe(400);
	});

	it('keeps agent-bot tokens to the endpoints Chatwoot lets bots use', async () => {
		fake.tokenOwner = { type: 'agent_bot', id: 9 };

		expect(await call('GET', `${ACCOUNT_PATH}/teams`)).toMatchObject({
			status: 401,
			body: { error: 'Access to this endpoint is not authorized for bots' },
		});
		expect((await call('GET', '/api/v1/profile')).status).toBe(401);
		expect((await call('POST', conversationPath(42, '/messages'), { content: 'hi' })).status).toBe(
			200,
		);
	});

	it('records every request with method, path, query, headers and body', async () => {
		await call('POST', `${conversationPath(42, '/labels')}?x=1`, { labels: ['vip'] });

		expect(fake.requests[0]).toMatchObject({
			method: 'POST',
			path: conversationPath(42, '/labels'),
			query: { x: '1' },
			headers: expect.objectContaining({ api_access_token: TOKEN }),
			body: { labels: ['vip'] },
		});
		expect(fake.callsTo('post', /\/labels$/)).toHaveLength(1);
	});
});

describe('ChatwootFake conversations', () => {
	it('replaces labels and drops titles the account has not defined', async () => {
		const answer = await call('POST', conversationPath(42, '/labels'), {
			labels: ['vip', 'VIP', 'unknown'],
		});

		expect(answer.body).toEqual({ payload: ['vip'] });
		expect(fake.conversation(42).labels).toEqual(['vip']);
	});

	it('keeps any title when configured as an older Chatwoot', async () => {
		await fake.stop();
		await startFake({ acceptAnyLabel: true });

		await call('POST', conversationPath(42, '/labels'), { labels: ['anything'] });
		expect(fake.conversation(42).labels).toEqual(['anything']);
	});

	it('answers null and clears the assignee for an agent not in the account', async () => {
		fake.conversation(42).assignee_id = 3;

		const answer = await call('POST', conversationPath(42, '/assignments'), { assignee_id: 77 });

		expect(answer).toMatchObject({ status: 200, body: null });
		expect(fake.conversation(42).assignee_id).toBeNull();
	});

	it('makes a removed agent unassignable and drops them from teams and conversations', async () => {
		fake.conversation(42).assignee_id = 5;
		fake.deactivateAgent(5);

		expect(fake.conversation(42).assignee_id).toBeNull();
		expect(fake.team(20)?.memberIds).toEqual([4]);
		expect((await call('GET', `${ACCOUNT_PATH}/agents`)).body).toHaveLength(2);
		expect(
			(await call('POST', conversationPath(42, '/assignments'), { assignee_id: 5 })).body,
		).toBe(null);
	});

	it('drops an assignee outside a newly assigned team and auto-assigns an online member', async () => {
		fake.conversation(42).assignee_id = 3;

		const answer = await call('POST', conversationPath(42, '/assignments'), { team_id: 20 });

		expect(answer.body).toMatchObject({ id: 20, name: 'Sales' });
		// Luis (4) is offline, so the online member Mia (5) gets it.
		expect(fake.conversation(42)).toMatchObject({ team_id: 20, assignee_id: 5 });
	});

	it('validates messages as Chatwoot does, and stores an empty one', async () => {
		expect(
			await call('POST', conversationPath(42, '/messages'), { content: 'x', message_type: 'note' }),
		).toMatchObject({ status: 422, body: { error: "'note' is not a valid message_type" } });
		expect(
			await call('POST', conversationPath(42, '/messages'), {
				content: 'x',
				message_type: 'incoming',
			}),
		).toMatchObject({
			status: 422,
			body: { error: 'Incoming messages are only allowed in Api inboxes' },
		});

		const empty = await call('POST', conversationPath(42, '/messages'), {});
		expect(empty).toMatchObject({
			status: 200,
			body: { content: null, message_type: 1, private: false },
		});
	});

	it('refuses more messages a minute than the limit', async () => {
		await fake.stop();
		await startFake({ messagesPerMinute: 2 });
		for (let i = 0; i < 2; i++)
			await call('POST', conversationPath(42, '/messages'), { content: 'a' });

		expect(await call('POST', conversationPath(42, '/messages'), { content: 'a' })).toMatchObject({
			status: 422,
			body: { error: 'Validation failed: Too many messages' },
		});
		clock += 60_001;
		expect((await call('POST', conversationPath(42, '/messages'), { content: 'a' })).status).toBe(
			200,
		);
	});

	it('answers an unknown status or snooze time with a 500, as the Rails enum raises', async () => {
		expect(
			(await call('POST', conversationPath(42, '/toggle_status'), { status: 'closed' })).status,
		).toBe(500);
		expect(
			(
				await call('POST', conversationPath(42, '/toggle_status'), {
					status: 'snoozed',
					snoozed_until: 'tomorrow',
				})
			).status,
		).toBe(500);
		expect(fake.conversation(42).status).toBe('pending');
	});

	it('snoozes without a time until the next reply, and clears the time when reopened', async () => {
		await call('POST', conversationPath(42, '/toggle_status'), {
			status: 'snoozed',
			snoozed_until: 1893553445,
		});
		expect(fake.conversation(42).snoozed_until).toBe(1893553445);

		await call('POST', conversationPath(42, '/toggle_status'), { status: 'open' });
		expect(fake.conversation(42).snoozed_until).toBeNull();

		const answer = await call('POST', conversationPath(42, '/toggle_status'), {
			status: 'snoozed',
		});
		expect(answer.body).toEqual({
			meta: {},
			payload: {
				success: true,
				conversation_id: 42,
				current_status: 'snoozed',
				snoozed_until: null,
			},
		});
	});

	it('toggles between open and resolved without a status', async () => {
		fake.conversation(42).status = 'open';
		await call('POST', conversationPath(42, '/toggle_status'), {});
		expect(fake.conversation(42).status).toBe('resolved');
	});

	it("records a bot's hand-off of a pending conversation, answering success null", async () => {
		fake.tokenOwner = { type: 'agent_bot', id: 9 };

		const answer = await call('POST', conversationPath(42, '/toggle_status'), { status: 'open' });

		expect(answer.body).toMatchObject({ payload: { success: null, current_status: 'open' } });
		expect(fake.conversation(42).botHandedOff).toBe(true);
	});

	it('assigns a conversation to the agent whose token opens it', async () => {
		fake.tokenOwner = { type: 'user', id: 3, role: 'agent' };

		await call('POST', conversationPath(42, '/toggle_status'), { status: 'open' });

		expect(fake.conversation(42).assignee_id).toBe(3);
	});

	it('replaces custom attributes', async () => {
		fake.conversation(42).custom_attributes = { a: 1 };

		const answer = await call('POST', conversationPath(42, '/custom_attributes'), {
			custom_attributes: { b: 2 },
		});

		expect(answer.body).toEqual({ custom_attributes: { b: 2 } });
	});
});

describe('ChatwootFake rate limit and injected failures', () => {
	it('throttles in fixed windows with Retry-After to the end of the window', async () => {
		fake.rateLimit({ limit: 2, periodMs: 10_000 });
		clock = 4_000;
		await call('GET', `${ACCOUNT_PATH}/teams`);
		await call('GET', `${ACCOUNT_PATH}/teams`);

		const throttled = await call('GET', `${ACCOUNT_PATH}/teams`);
		expect(throttled).toMatchObject({ status: 429, body: 'Retry later\n' });
		expect(throttled.headers.get('retry-after')).toBe('6');

		clock = 10_000;
		expect((await call('GET', `${ACCOUNT_PATH}/teams`)).status).toBe(200);
	});

	it('throttles before authentication, and can leave Retry-After out as Rack::Attack does', async () => {
		fake.rateLimit({ limit: 0, retryAfterHeader: false });

		const throttled = await call('GET', `${ACCOUNT_PATH}/teams`, undefined, {});

		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBeNull();
	});

	it('fails the next matching calls with the injected status and headers', async () => {
		fake.failNext(/\/labels$/, 503, 2, { 'Retry-After': '3' });

		const first = await call('GET', conversationPath(42, '/labels'));
		expect(first).toMatchObject({
			status: 503,
			body: { status: 503, error: 'Service Unavailable' },
		});
		expect(first.headers.get('retry-after')).toBe('3');
		expect(await call('GET', conversationPath(42))).toMatchObject({ status: 200 });
		expect((await call('GET', conversationPath(42, '/labels'))).status).toBe(503);
		expect((await call('GET', conversationPath(42, '/labels'))).status).toBe(200);
	});
});
