/**
 * HighLevelClient over the real transport, through an n8n-like context that makes real HTTP
 * requests, against the strict HighLevel fake: what is asserted is what went over the wire.
 */
import { NodeApiError } from 'n8n-workflow';

import {
	HIGHLEVEL_CONTACTS_VERSION,
	HIGHLEVEL_CONVERSATIONS_VERSION,
	HighLevelClient,
	textToEmailHtml,
} from '../../../nodes/platforms/highlevel/client';
import { createTransport, type RetryPolicy } from '../../../nodes/shared/transport';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import { transportContext, type FullHttpResponse } from '../../helpers/transportContext';

const TOKEN = 'pit-0123456789';
const LOCATION = 'loc_handover';
const RETRY: RetryPolicy = { retries: 3, baseDelayMs: 10, maxDelayMs: 2000 };
const CREDENTIAL_HINT = 'the Private Integration token in the HighLevel credential';

interface Setup {
	token?: string;
	networkErrors?: 'wrapped' | 'raw';
	/** Called with each wait the transport asks for, instead of waiting. */
	onSleep?: (ms: number) => void;
}

describe('HighLevelClient against the HighLevel fake', () => {
	let fake: HighLevelFake;
	let fakeUrl: string;
	let clock: number;
	let sleeps: number[];

	function connect({ token = TOKEN, networkErrors, onSleep }: Setup = {}) {
		sleeps = [];
		const context = transportContext({
			credentials: {
				highLevelPrivateIntegrationApi: {
					accessToken: token,
					locationId: LOCATION,
					baseUrl: fakeUrl,
				},
			},
			networkErrors,
		});
		const send = createTransport(context, {
			platformName: 'HighLevel',
			credentialType: 'highLevelPrivateIntegrationApi',
			baseUrl: fakeUrl,
			credentialHint: CREDENTIAL_HINT,
			retry: RETRY,
			// The top of the jitter range: the plain exponential back-off, so the waits are exact.
			random: () => 1,
			sleep: async (ms) => {
				sleeps.push(ms);
				onSleep?.(ms);
			},
		});
		return { client: new HighLevelClient(send, LOCATION), context };
	}

	async function startFake(options: ConstructorParameters<typeof HighLevelFake>[0] = {}) {
		fake = new HighLevelFake({ token: TOKEN, locationId: LOCATION, now: () => clock, ...options });
		fakeUrl = await fake.start();
		fake.addUser({ id: 'u_ada', name: 'Ada Lovelace', email: 'ada@example.com' });
		fake.addUser({
			id: 'u_grace',
			name: '',
			firstName: 'Grace',
			lastName: 'Hopper',
			email: 'grace@example.com',
		});
		fake.addContact({
			id: 'c_jo',
			name: 'Jo Bloggs',
			email: 'jo@example.com',
			phone: '+15550100',
			tags: ['lead'],
		});
		fake.addConversation({ id: 'conv_jo', contactId: 'c_jo', unreadCount: 2 });
	}

	/** Error thrown by `promise`, failing the test when it resolves. */
	async function failureOf(promise: Promise<unknown>): Promise<NodeApiError> {
		const outcome = await promise.then(
			() => undefined,
			(error: unknown) => error,
		);
		if (!(outcome instanceof NodeApiError))
			throw new Error(`expected a NodeApiError, got ${String(outcome)}`);
		return outcome;
	}

	beforeEach(async () => {
		clock = 5_000_000;
		await startFake();
	});

	afterEach(async () => {
		await fake.stop();
	});

	describe('requests on the wire', () => {
		it('lists users with GET /users/?locationId=, Version 2021-07-28 and the bearer token', async () => {
			const { client } = connect();
			fake.deactivateUser('u_grace');

			const users = await client.listUsers();

			expect(users).toEqual([
				{ id: 'u_ada', name: 'Ada Lovelace', email: 'ada@example.com', deleted: false },
				{ id: 'u_grace', name: 'Grace Hopper', email: 'grace@example.com', deleted: true },
			]);
			const [request] = fake.callsTo('GET', /^\/users\/$/);
			expect(request.query).toEqual({ locationId: LOCATION });
			expect(request.headers).toMatchObject({
				authorization: `Bearer ${TOKEN}`,
				version: HIGHLEVEL_CONTACTS_VERSION,
				accept: 'application/json',
			});
			expect(request.body).toBeUndefined();
		});

		it('gets one user by id', async () => {
			const { client } = connect();
			expect(await client.getUser('u_ada')).toEqual({
				id: 'u_ada',
				name: 'Ada Lovelace',
				email: 'ada@example.com',
				deleted: false,
			});
			expect(fake.callsTo('GET', /^\/users\/u_ada$/)[0].headers.version).toBe(
				HIGHLEVEL_CONTACTS_VERSION,
			);
		});

		it('assigns a contact with PUT /contacts/{id} carrying only assignedTo', async () => {
			const { client } = connect();

			expect(await client.assignContact('c_jo', 'u_ada')).toEqual({
				contactId: 'c_jo',
				assignedTo: 'u_ada',
			});

			const [request] = fake.callsTo('PUT', /^\/contacts\/c_jo$/);
			expect(request.body).toEqual({ assignedTo: 'u_ada' });
			expect(request.headers).toMatchObject({
				version: HIGHLEVEL_CONTACTS_VERSION,
				'content-type': 'application/json',
			});
			expect(fake.contact('c_jo')?.assignedTo).toBe('u_ada');
		});

		it('adds tags with POST and removes them with DELETE on /contacts/{id}/tags', async () => {
			const { client } = connect();

			expect(await client.addTags('c_jo', ['ai_paused', 'handover'])).toEqual({
				tags: ['lead', 'ai_paused', 'handover'],
			});
			// Adding again changes nothing: the reason addTags may be retried.
			await client.addTags('c_jo', ['ai_paused']);
			expect(fake.contact('c_jo')?.tags).toEqual(['lead', 'ai_paused', 'handover']);

			expect(await client.removeTags('c_jo', ['ai_paused'])).toEqual({
				tags: ['lead', 'handover'],
			});

			const [added] = fake.callsTo('POST', /^\/contacts\/c_jo\/tags$/);
			const [removed] = fake.callsTo('DELETE', /^\/contacts\/c_jo\/tags$/);
			expect(added.body).toEqual({ tags: ['ai_paused', 'handover'] });
			expect(removed.body).toEqual({ tags: ['ai_paused'] });
			expect(removed.headers.version).toBe(HIGHLEVEL_CONTACTS_VERSION);
		});

		it('creates an open task with an ISO due date from a Date', async () => {
			const { client } = connect();
			const due = new Date('2030-03-04T05:06:07.000Z');

			const task = await client.createTask('c_jo', {
				title: 'Call Jo back',
				body: 'Asked for a person about a refund',
				dueDate: due,
				assignedTo: 'u_ada',
			});

			expect(task).toEqual({
				id: expect.any(String),
				title: 'Call Jo back',
				dueDate: '2030-03-04T05:06:07.000Z',
				completed: false,
				assignedTo: 'u_ada',
			});
			expect(fake.callsTo('POST', /\/tasks$/)[0].body).toEqual({
				title: 'Call Jo back',
				body: 'Asked for a person about a refund',
				dueDate: '2030-03-04T05:06:07.000Z',
				completed: false,
				assignedTo: 'u_ada',
			});
			expect(fake.contact('c_jo')?.tasks.map((t) => t.id)).toEqual([task.id]);
		});

		it('creates a note as a user', async () => {
			const { client } = connect();

			const note = await client.createNote('c_jo', {
				body: 'Handover: wants a refund',
				userId: 'u_ada',
			});

			expect(note).toEqual({
				id: expect.any(String),
				body: 'Handover: wants a refund',
				userId: 'u_ada',
			});
			expect(fake.callsTo('POST', /\/notes$/)[0].body).toEqual({
				body: 'Handover: wants a refund',
				userId: 'u_ada',
			});
		});

		it('adds followers', async () => {
			const { client } = connect();

			expect(await client.addFollowers('c_jo', ['u_ada', 'u_grace'])).toEqual({
				followers: ['u_ada', 'u_grace'],
				followersAdded: ['u_ada', 'u_grace'],
			});
			expect(fake.callsTo('POST', /\/followers$/)[0].body).toEqual({
				followers: ['u_ada', 'u_grace'],
			});
		});

		it('sends an SMS with POST /conversations/messages and Version 2021-04-15', async () => {
			const { client } = connect();

			const sent = await client.sendMessage({
				type: 'SMS',
				contactId: 'c_jo',
				message: 'A colleague will reply shortly.',
			});

			expect(sent).toEqual({ conversationId: 'conv_jo', messageId: expect.any(String) });
			const [request] = fake.callsTo('POST', /^\/conversations\/messages$/);
			expect(request.headers.version).toBe(HIGHLEVEL_CONVERSATIONS_VERSION);
			expect(request.body).toEqual({
				type: 'SMS',
				contactId: 'c_jo',
				message: 'A colleague will reply shortly.',
			});
			expect(fake.messages).toHaveLength(1);
		});

		it('sends an Email with a subject and HTML built, escaped, from the text', async () => {
			const { client } = connect();

			const sent = await client.sendMessage({
				type: 'Email',
				contactId: 'c_jo',
				subject: 'We are on it',
				message: 'Hello Jo,\n\n<b>A person</b> & a coffee\nare coming.',
			});

			expect(sent.emailMessageId).toEqual(expect.any(String));
			expect(fake.messages[0]).toMatchObject({
				type: 'Email',
				subject: 'We are on it',
				html: '<p>Hello Jo,</p><p>&lt;b&gt;A person&lt;/b&gt; &amp; a coffee<br>are coming.</p>',
			});
		});

		it('keeps the HTML given for an Email', async () => {
			const { client } = connect();
			await client.sendMessage({
				type: 'Email',
				contactId: 'c_jo',
				subject: 's',
				message: 'plain',
				html: '<h1>Rich</h1>',
			});
			expect(fake.messages[0].html).toBe('<h1>Rich</h1>');
		});

		it('reads a contact and a conversation', async () => {
			const { client } = connect();
			fake.contact('c_jo')!.assignedTo = 'u_ada';

			expect(await client.getContact('c_jo')).toEqual({
				id: 'c_jo',
				name: 'Jo Bloggs',
				email: 'jo@example.com',
				phone: '+15550100',
				tags: ['lead'],
				assignedTo: 'u_ada',
			});
			expect(await client.getConversation('conv_jo')).toEqual({
				id: 'conv_jo',
				contactId: 'c_jo',
				unreadCount: 2,
			});
			expect(fake.callsTo('GET', /^\/conversations\/conv_jo$/)[0].headers.version).toBe(
				HIGHLEVEL_CONVERSATIONS_VERSION,
			);
		});

		it('keeps an id inside its path segment, so user input cannot reach another endpoint', async () => {
			const { client } = connect();
			fake.addContact({ id: 'odd/id?x=1' });

			await client.addTags('odd/id?x=1', ['vip']);

			expect(fake.requests.at(-1)?.path).toBe('/contacts/odd%2Fid%3Fx%3D1/tags');
			expect(fake.contact('odd/id?x=1')?.tags).toEqual(['vip']);
		});
	});

	describe('errors a user can act on', () => {
		it('turns a 401 into a NodeApiError that says to check the token, without retrying', async () => {
			const { client } = connect({ token: 'pit-revoked' });

			const error = await failureOf(client.getContact('c_jo'));

			expect(error.httpCode).toBe('401');
			expect(error.message).toContain(
				`HighLevel rejected the credentials: check ${CREDENTIAL_HINT}`,
			);
			expect(fake.requests).toHaveLength(1);
		});

		it('names what to check on a 404: the contact, the user or the conversation', async () => {
			const { client } = connect();

			const contact = await failureOf(client.addTags('c_nobody', ['vip']));
			expect(contact.httpCode).toBe('404');
			expect(contact.message).toContain(
				'HighLevel says the contact does not exist in this sub-account: check Contact ID',
			);

			expect((await failureOf(client.getUser('u_nobody'))).message).toContain('check User ID');
			expect((await failureOf(client.getConversation('conv_nobody'))).message).toContain(
				'check Conversation ID',
			);
			const message = await failureOf(
				client.sendMessage({ type: 'SMS', contactId: 'c_nobody', message: 'hi' }),
			);
			expect(message.message).toContain('check Contact ID');
			expect(fake.requests).toHaveLength(4);
		});

		it('turns a 422 into an invalid-request error carrying HighLevel’s reasons', async () => {
			const { client } = connect();

			const noSubject = await failureOf(
				client.sendMessage({ type: 'Email', contactId: 'c_jo', message: 'hi' }),
			);
			expect(noSubject.httpCode).toBe('422');
			expect(noSubject.message).toBe(
				'HighLevel refused the request as invalid (HighLevel: subject is required for Email)',
			);

			const badDate = await failureOf(
				client.createTask('c_jo', { title: 'x', dueDate: 'next Tuesday' }),
			);
			expect(badDate.message).toContain('dueDate must be a valid ISO 8601 date string');

			const noTags = await failureOf(client.addTags('c_jo', []));
			expect(noTags.message).toContain('tags should not be empty');
			expect(fake.messages).toHaveLength(0);
		});

		it('refuses to assign a deactivated user, with the reason, and does not retry', async () => {
			const { client } = connect();
			fake.deactivateUser('u_grace');

			const error = await failureOf(client.assignContact('c_jo', 'u_grace'));

			expect(error.httpCode).toBe('422');
			expect(error.message).toContain('assignedTo: u_grace is not an active user of this location');
			expect(fake.callsTo('PUT', /^\/contacts\/c_jo$/)).toHaveLength(1);
			expect(fake.contact('c_jo')?.assignedTo).toBeUndefined();
		});
	});

	describe('retries', () => {
		it('waits the Retry-After of a 429, then succeeds', async () => {
			const { client } = connect();
			fake.failNext(/\/tags$/, 429, 1, { 'Retry-After': '1' });

			expect(await client.addTags('c_jo', ['vip'])).toEqual({ tags: ['lead', 'vip'] });

			expect(sleeps).toEqual([1000]);
			expect(fake.callsTo('POST', /\/tags$/)).toHaveLength(2);
		});

		it('backs off after a 500 on an idempotent call, then succeeds', async () => {
			const { client } = connect();
			fake.failNext(/^\/contacts\/c_jo$/, 500, 1);

			await client.assignContact('c_jo', 'u_ada');

			expect(sleeps).toEqual([RETRY.baseDelayMs]);
			expect(fake.callsTo('PUT', /^\/contacts\/c_jo$/)).toHaveLength(2);
		});

		it('does not resend a message after a 500 (it may have gone out), but does after a 503', async () => {
			const { client } = connect();
			fake.failNext(/^\/conversations\/messages$/, 500, 1);

			const error = await failureOf(
				client.sendMessage({ type: 'SMS', contactId: 'c_jo', message: 'hi' }),
			);
			expect(error.httpCode).toBe('500');
			expect(fake.callsTo('POST', /messages$/)).toHaveLength(1);

			fake.failNext(/^\/conversations\/messages$/, 503, 1);
			await client.sendMessage({ type: 'SMS', contactId: 'c_jo', message: 'hi' });
			expect(fake.callsTo('POST', /messages$/)).toHaveLength(3);
			expect(fake.messages).toHaveLength(1);
		});

		it('gives up after the configured retries with a server-error message', async () => {
			const { client } = connect();
			fake.failNext(/^\/contacts\/c_jo$/, 503, 10);

			const error = await failureOf(client.getContact('c_jo'));

			expect(error.httpCode).toBe('503');
			expect(error.message).toContain(
				'HighLevel had a server error (503) and retries did not help',
			);
			expect(sleeps).toEqual([10, 20, 40]);
			expect(fake.requests).toHaveLength(1 + RETRY.retries);
		});

		it('rides out the real burst limit: waits the Retry-After until the window rolls', async () => {
			await fake.stop();
			await startFake({ rateLimit: { max: 2, intervalMs: 2_000 } });
			// The recorded sleep moves the fake's clock, as a real wait would.
			const { client } = connect({ onSleep: (ms) => (clock += ms) });

			await client.getContact('c_jo');
			clock += 500;
			await client.getContact('c_jo');
			expect(await client.getContact('c_jo')).toMatchObject({ id: 'c_jo' });

			// 1.5 s were left in the window: Retry-After: 2 (whole seconds, rounded up).
			expect(sleeps).toEqual([2000]);
			expect(fake.requests).toHaveLength(4);
		});

		it('fails at once when Retry-After asks for more than it may wait', async () => {
			await fake.stop();
			await startFake({ rateLimit: { max: 1, intervalMs: 10_000 } });
			const { client } = connect({ onSleep: (ms) => (clock += ms) });
			await client.getContact('c_jo');

			const error = await failureOf(client.getContact('c_jo'));

			expect(error.httpCode).toBe('429');
			expect(error.message).toContain('HighLevel rate limit still exceeded after retries');
			expect(sleeps).toEqual([]);
			expect(fake.requests).toHaveLength(2);
		});

		it('exposes the rate-limit headers in the full response the transport reads', async () => {
			const { client, context } = connect();

			await client.getContact('c_jo');

			const response = (await context.helpers.httpRequestWithAuthentication.mock.results[0]
				.value) as FullHttpResponse;
			expect(response.statusCode).toBe(200);
			expect(response.headers).toMatchObject({
				'x-ratelimit-max': '100',
				'x-ratelimit-remaining': '99',
				'x-ratelimit-interval-milliseconds': '10000',
				'x-ratelimit-limit-daily': '200000',
				'x-ratelimit-daily-remaining': '199999',
			});
		});
	});

	describe('network errors (wrapped in a NodeApiError, as n8n does)', () => {
		it('does not retry a POST whose connection dropped: the message may have gone out', async () => {
			const { client } = connect();
			fake.dropNext(/^\/conversations\/messages$/);

			const error = await failureOf(
				client.sendMessage({ type: 'SMS', contactId: 'c_jo', message: 'hi' }),
			);

			expect(error).toBeInstanceOf(NodeApiError);
			expect(fake.callsTo('POST', /messages$/)).toHaveLength(1);
			expect(sleeps).toEqual([]);
		});

		it('retries a GET whose connection dropped, then succeeds', async () => {
			const { client } = connect();
			fake.dropNext(/^\/contacts\/c_jo$/);

			expect((await client.getContact('c_jo')).id).toBe('c_jo');

			expect(sleeps).toEqual([RETRY.baseDelayMs]);
			expect(fake.callsTo('GET', /^\/contacts\/c_jo$/)).toHaveLength(2);
		});

		it('retries a GET when nothing listens, then fails with a NodeApiError', async () => {
			const { client } = connect();
			await fake.stop();

			const error = await failureOf(client.getContact('c_jo'));

			expect(error).toBeInstanceOf(NodeApiError);
			expect(sleeps).toEqual([10, 20, 40]);
		});

		it('behaves the same when the helper throws the bare network error', async () => {
			const { client } = connect({ networkErrors: 'raw' });
			fake.dropNext(/^\/contacts\/c_jo$/);
			fake.dropNext(/^\/conversations\/messages$/);

			expect((await client.getContact('c_jo')).id).toBe('c_jo');
			await failureOf(client.sendMessage({ type: 'SMS', contactId: 'c_jo', message: 'hi' }));

			expect(fake.callsTo('GET', /^\/contacts\/c_jo$/)).toHaveLength(2);
			expect(fake.callsTo('POST', /messages$/)).toHaveLength(1);
		});

		it('names the base URL to check when nothing listens', async () => {
			const { client } = connect();
			await fake.stop();

			const error = await failureOf(client.getContact('c_jo'));

			expect(error.message).toBe(
				`Could not reach HighLevel at ${fakeUrl}: check the base URL and the network`,
			);
		});
	});
});

describe('textToEmailHtml', () => {
	it('escapes markup and keeps paragraphs and line breaks', () => {
		expect(textToEmailHtml(`a < b & "c"\nd\r\n\r\ne's`)).toBe(
			'<p>a &lt; b &amp; &quot;c&quot;<br>d</p><p>e&#39;s</p>',
		);
	});
});
