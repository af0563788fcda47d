/**
 * The HighLevel fake itself, spoken to with plain fetch: if it is lax where the real API is strict,
 * the client tests that run against it prove nothing.
 */
import { CONTACTS_VERSION, CONVERSATIONS_VERSION, HighLevelFake } from './HighLevelFake';

const TOKEN = 'pit-fake-token';

interface Call {
	method?: string;
	body?: unknown;
	headers?: Record<string, string>;
	version?: string | null;
}

describe('HighLevelFake', () => {
	let fake: HighLevelFake;
	let baseUrl: string;
	let clock: number;

	async function call(path: string, { method = 'GET', body, headers = {}, version }: Call = {}) {
		const family = path.startsWith('/conversations') ? CONVERSATIONS_VERSION : CONTACTS_VERSION;
		const response = await fetch(`${baseUrl}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${TOKEN}`,
				Accept: 'application/json',
				...(version === null ? {} : { Version: version ?? family }),
				...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		return {
			status: response.status,
			headers: response.headers,
			body: text ? JSON.parse(text) : undefined,
		};
	}

	beforeEach(async () => {
		clock = 1_000_000;
		fake = new HighLevelFake({ token: TOKEN, locationId: 'loc1', now: () => clock });
		baseUrl = await fake.start();
		fake.addUser({ id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com' });
		fake.addUser({ id: 'u2', name: 'Grace Hopper' });
		fake.addContact({ id: 'c1', firstName: 'Jo', tags: ['lead'] });
		fake.addConversation({ id: 'conv1', contactId: 'c1' });
	});

	afterEach(async () => {
		await fake.stop();
	});

	describe('authentication and headers', () => {
		it('answers 401 with the UnauthorizedDTO shape to a wrong or missing token', async () => {
			const wrong = await call('/contacts/c1', { headers: { Authorization: 'Bearer nope' } });
			expect(wrong.status).toBe(401);
			expect(wrong.body).toEqual({
				statusCode: 401,
				message: expect.stringMatching(/token/i),
				error: 'Unauthorized',
			});
			const missing = await fetch(`${baseUrl}/contacts/c1`, {
				headers: { Version: CONTACTS_VERSION, Accept: 'application/json' },
			});
			expect(missing.status).toBe(401);
		});

		it('answers 400 when the Version header is missing or belongs to another API family', async () => {
			const missing = await call('/contacts/c1', { version: null });
			expect(missing.status).toBe(400);
			expect(missing.body.message).toBe('Version header was not found');
			const conversationsVersionOnContacts = await call('/contacts/c1', {
				version: CONVERSATIONS_VERSION,
			});
			expect(conversationsVersionOnContacts.status).toBe(400);
			expect(conversationsVersionOnContacts.body.message).toContain(CONTACTS_VERSION);
			const contactsVersionOnConversations = await call('/conversations/conv1', {
				version: CONTACTS_VERSION,
			});
			expect(contactsVersionOnConversations.status).toBe(400);
			expect((await call('/users/u1', { version: CONTACTS_VERSION })).status).toBe(200);
		});

		it('answers 406 when Accept does not allow JSON', async () => {
			expect((await call('/contacts/c1', { headers: { Accept: 'text/html' } })).status).toBe(406);
			expect((await call('/contacts/c1', { headers: { Accept: '*/*' } })).status).toBe(200);
		});

		it('answers 404 "Cannot METHOD path" to an endpoint it does not have', async () => {
			const response = await call('/contacts/c1/appointments');
			expect(response.status).toBe(404);
			expect(response.body.message).toBe('Cannot GET /contacts/c1/appointments');
		});
	});

	describe('validation', () => {
		it('refuses a field the DTO does not declare, as NestJS whitelisting does', async () => {
			const response = await call('/contacts/c1', {
				method: 'PUT',
				body: { assignedTo: 'u1', locationId: 'loc1' },
			});
			expect(response.status).toBe(422);
			expect(response.body).toEqual({
				statusCode: 422,
				message: ['property locationId should not exist'],
				error: 'Unprocessable Entity',
			});
			expect(fake.contact('c1')?.assignedTo).toBeUndefined();
		});

		it('requires a non-empty tags array of strings', async () => {
			for (const body of [{}, { tags: [] }, { tags: 'vip' }, { tags: [''] }]) {
				const response = await call('/contacts/c1/tags', { method: 'POST', body });
				expect(response.status).toBe(422);
			}
			expect(fake.contact('c1')?.tags).toEqual(['lead']);
		});

		it('treats a body sent without a JSON content type as empty, and malformed JSON as 400', async () => {
			const plain = await fetch(`${baseUrl}/contacts/c1/tags`, {
				method: 'POST',
				headers: {
					Authorization: `Bearer ${TOKEN}`,
					Version: CONTACTS_VERSION,
					Accept: 'application/json',
					'Content-Type': 'text/plain',
				},
				body: JSON.stringify({ tags: ['vip'] }),
			});
			expect(plain.status).toBe(422);
			const malformed = await fetch(`${baseUrl}/contacts/c1/tags`, {
				method: 'POST',
				headers: {
					Authorization: `Bearer ${TOKEN}`,
					Version: CONTACTS_VERSION,
					Accept: 'application/json',
					'Content-Type': 'application/json',
				},
				body: '{"tags": [',
			});
			expect(malformed.status).toBe(400);
		});

		it('requires title, an ISO dueDate and completed on a task', async () => {
			const missing = await call('/contacts/c1/tasks', { method: 'POST', body: { title: 'Call' } });
			expect(missing.status).toBe(422);
			expect(missing.body.message).toEqual(
				expect.arrayContaining(['dueDate should not be empty', 'completed should not be empty']),
			);
			const badDate = await call('/contacts/c1/tasks', {
				method: 'POST',
				body: { title: 'Call', dueDate: 'tomorrow', completed: false },
			});
			expect(badDate.status).toBe(422);
			expect(badDate.body.message).toEqual(['dueDate must be a valid ISO 8601 date string']);
			const ok = await call('/contacts/c1/tasks', {
				method: 'POST',
				body: { title: 'Call', dueDate: '2030-01-02T03:04:05.000Z', completed: false },
			});
			expect(ok.status).toBe(201);
			expect(fake.contact('c1')?.tasks).toHaveLength(1);
		});

		it('requires a type from the enum, a contactId, and subject + html for Email', async () => {
			const badType = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'Telegram', contactId: 'c1', message: 'hi' },
			});
			expect(badType.status).toBe(422);
			expect(badType.body.message[0]).toMatch(/^type must be one of/);
			const noContact = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'SMS', message: 'hi' },
			});
			expect(noContact.body.message).toEqual(['contactId should not be empty']);
			const bareEmail = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'Email', contactId: 'c1', message: 'hi' },
			});
			expect(bareEmail.status).toBe(422);
			expect(bareEmail.body.message).toEqual([
				'subject is required for Email',
				'html is required for Email',
			]);
			const emptySms = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'SMS', contactId: 'c1' },
			});
			expect(emptySms.status).toBe(422);
			expect(fake.messages).toHaveLength(0);
		});
	});

	describe('records', () => {
		it('answers 404 for an unknown contact, user or conversation in the path', async () => {
			expect((await call('/contacts/nobody')).body).toEqual({
				statusCode: 404,
				message: 'Contact not found',
				error: 'Not Found',
			});
			expect((await call('/users/nobody')).status).toBe(404);
			expect((await call('/conversations/nothing')).status).toBe(404);
			const toNobody = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'SMS', contactId: 'nobody', message: 'hi' },
			});
			expect(toNobody.status).toBe(404);
		});

		it('merges added tags without duplicates, lower-cased, and removes them again', async () => {
			const added = await call('/contacts/c1/tags', {
				method: 'POST',
				body: { tags: ['VIP', 'lead', ' ai_paused '] },
			});
			expect(added.status).toBe(201);
			expect(added.body).toEqual({ tags: ['lead', 'vip', 'ai_paused'] });
			const again = await call('/contacts/c1/tags', { method: 'POST', body: { tags: ['vip'] } });
			expect(again.body.tags).toEqual(['lead', 'vip', 'ai_paused']);
			const removed = await call('/contacts/c1/tags', {
				method: 'DELETE',
				body: { tags: ['AI_PAUSED', 'never-there'] },
			});
			expect(removed.status).toBe(200);
			expect(fake.contact('c1')?.tags).toEqual(['lead', 'vip']);
		});

		it('refuses to assign, task, note or follow with a deactivated or unknown user (422)', async () => {
			fake.deactivateUser('u2');
			const assign = await call('/contacts/c1', { method: 'PUT', body: { assignedTo: 'u2' } });
			expect(assign.status).toBe(422);
			expect(assign.body.message).toEqual([
				'assignedTo: u2 is not an active user of this location',
			]);
			const unknown = await call('/contacts/c1', { method: 'PUT', body: { assignedTo: 'ghost' } });
			expect(unknown.status).toBe(422);
			const task = await call('/contacts/c1/tasks', {
				method: 'POST',
				body: { title: 't', dueDate: '2030-01-01T00:00:00Z', completed: false, assignedTo: 'u2' },
			});
			expect(task.status).toBe(422);
			expect(
				(await call('/contacts/c1/notes', { method: 'POST', body: { body: 'n', userId: 'u2' } }))
					.status,
			).toBe(422);
			expect(
				(
					await call('/contacts/c1/followers', {
						method: 'POST',
						body: { followers: ['u1', 'u2'] },
					})
				).status,
			).toBe(422);
			expect(fake.contact('c1')?.assignedTo).toBeUndefined();
			expect(fake.contact('c1')).toMatchObject({ tasks: [], notes: [], followers: [] });
			const listed = await call('/users/?locationId=loc1');
			expect(listed.body.users).toEqual(
				expect.arrayContaining([expect.objectContaining({ id: 'u2', deleted: true })]),
			);
		});

		it('lists the location users and refuses another location with 403', async () => {
			const listed = await call('/users/?locationId=loc1');
			expect(listed.body.users.map((user: { id: string }) => user.id)).toEqual(['u1', 'u2']);
			expect((await call('/users/?locationId=other')).status).toBe(403);
			expect((await call('/users/')).status).toBe(422);
		});

		it('stores a sent message in the contact conversation and answers its ids', async () => {
			const sent = await call('/conversations/messages', {
				method: 'POST',
				body: { type: 'SMS', contactId: 'c1', message: 'A person will answer shortly' },
			});
			expect(sent.status).toBe(200);
			expect(sent.body).toMatchObject({ conversationId: 'conv1', messageId: expect.any(String) });
			expect(fake.messages).toEqual([
				expect.objectContaining({
					conversationId: 'conv1',
					type: 'SMS',
					message: 'A person will answer shortly',
				}),
			]);
		});
	});

	describe('rate limits', () => {
		it('sends the five X-RateLimit headers on every answer, errors included', async () => {
			for (const response of [await call('/contacts/c1'), await call('/contacts/nobody')]) {
				expect(response.headers.get('x-ratelimit-max')).toBe('100');
				expect(response.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
				expect(response.headers.get('x-ratelimit-limit-daily')).toBe('200000');
				expect(response.headers.get('x-ratelimit-daily-remaining')).toMatch(/^\d+$/);
			}
			expect((await call('/contacts/c1')).headers.get('x-ratelimit-remaining')).toBe('97');
		});

		it('answers 429 with Retry-After past the burst and serves again once the window rolls', async () => {
			await fake.stop();
			fake = new HighLevelFake({
				token: TOKEN,
				rateLimit: { max: 2, intervalMs: 10_000 },
				now: () => clock,
			});
			baseUrl = await fake.start();
			fake.addContact({ id: 'c1' });
			expect((await call('/contacts/c1')).status).toBe(200);
			clock += 2_500;
			expect((await call('/contacts/c1')).status).toBe(200);
			const limited = await call('/contacts/c1');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('8');
			expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
			clock += 7_500;
			expect((await call('/contacts/c1')).status).toBe(200);
		});

		it('answers 429 when the daily quota is spent', async () => {
			await fake.stop();
			fake = new HighLevelFake({ token: TOKEN, rateLimit: { daily: 1 }, now: () => clock });
			baseUrl = await fake.start();
			fake.addContact({ id: 'c1' });
			expect((await call('/contacts/c1')).status).toBe(200);
			const limited = await call('/contacts/c1');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('x-ratelimit-daily-remaining')).toBe('0');
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3600);
		});
	});

	describe('failure injection and recording', () => {
		it('answers an injected status the given number of times, then serves normally', async () => {
			fake.failNext(/^\/contacts\/c1$/, 500, 2);
			fake.failNext(/^\/users\//, 429, 1, { 'Retry-After': '1' });
			expect((await call('/contacts/c1')).status).toBe(500);
			expect((await call('/contacts/c1')).status).toBe(500);
			expect((await call('/contacts/c1')).status).toBe(200);
			const limited = await call('/users/u1');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('1');
			expect(limited.headers.get('x-ratelimit-max')).toBe('100');
			expect((await call('/users/u1')).status).toBe(200);
		});

		it('drops the connection of a request it has read, which the caller sees as a network error', async () => {
			fake.dropNext(/\/tags$/);
			await expect(
				call('/contacts/c1/tags', { method: 'POST', body: { tags: ['x'] } }),
			).rejects.toThrow();
			expect(fake.callsTo('POST', /\/tags$/)).toHaveLength(1);
			expect(
				(await call('/contacts/c1/tags', { method: 'POST', body: { tags: ['x'] } })).status,
			).toBe(201);
		});

		it('records method, path, query, lower-case headers and the parsed body of every request', async () => {
			await call('/users/?locationId=loc1');
			await call('/contacts/c1/notes', { method: 'POST', body: { body: 'Summary' } });
			expect(fake.requests).toEqual([
				expect.objectContaining({ method: 'GET', path: '/users/', query: { locationId: 'loc1' } }),
				expect.objectContaining({
					method: 'POST',
					path: '/contacts/c1/notes',
					body: { body: 'Summary' },
					headers: expect.objectContaining({
						version: CONTACTS_VERSION,
						authorization: `Bearer ${TOKEN}`,
					}),
				}),
			]);
			expect(fake.callsTo('post', /notes/)).toHaveLength(1);
			expect(fake.callsTo('GET', /notes/)).toHaveLength(0);
		});

		it('refuses connections once stopped', async () => {
			await fake.stop();
			await expect(fetch(`${baseUrl}/contacts/c1`)).rejects.toThrow();
			baseUrl = await fake.start();
		});
	});
});
