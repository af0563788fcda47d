import { NodeApiError } from 'n8n-workflow';

import {
	ChatwootClient,
	ChatwootClientError,
	chatwootMention,
} from '../../../nodes/platforms/chatwoot/client';
import { createTransport } from '../../../nodes/shared/transport';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { transportContext } from '../../helpers/transportContext';

const TOKEN = 'token-of-an-administrator';
const ACCOUNT = 7;
const ACCOUNT_PATH = `/api/v1/accounts/${ACCOUNT}`;
const CREDENTIAL_HINT = 'the Access Token in the Chatwoot credential';

let fake: ChatwootFake;
let baseUrl: string;
/** The fake's clock: the sleep recorder moves it, so a rate-limit window really passes. */
let clock: number;
let waits: number[];

const sleep = async (ms: number) => {
	waits.push(ms);
	clock += ms;
};

function clientFor(
	options: { token?: string; accountId?: string; networkErrors?: 'wrapped' | 'raw' } = {},
): ChatwootClient {
	const accountId = options.accountId ?? String(ACCOUNT);
	const context = transportContext({
		credentials: {
			chatwootApi: { baseUrl, accountId, apiAccessToken: options.token ?? TOKEN },
		},
		networkErrors: options.networkErrors,
	});
	const send = createTransport(context, {
		platformName: 'Chatwoot',
		credentialType: 'chatwootApi',
		baseUrl,
		credentialHint: CREDENTIAL_HINT,
		retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 2000 },
		// The top of the jitter range: the plain exponential back-off, so the waits are exact.
		random: () => 1,
		sleep,
	});
	return new ChatwootClient(send, accountId);
}

/** The error a promise rejects with, so a test can check its class and message together. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the call to fail, it succeeded');
}

beforeEach(async () => {
	clock = 0;
	waits = [];
	fake = new ChatwootFake({ accountId: ACCOUNT, token: TOKEN, now: () => clock });
	fake.addAgent({ id: 3, name: 'Ana García', email: 'ana@example.com' });
	fake.addAgent({ id: 4, name: 'Luis', availability_status: 'busy', role: 'administrator' });
	fake.addTeam({ id: 20, name: 'Sales', memberIds: [3], allow_auto_assign: false });
	fake.addAccountLabels('vip', 'handover');
	fake.addConversation({ id: 42, status: 'pending', labels: ['billing', 'bot'] });
	baseUrl = await fake.start();
});

afterEach(async () => {
	await fake.stop();
});

describe('ChatwootClient requests', () => {
	it('lists agents with the token header n8n adds from the credential', async () => {
		const agents = await clientFor().listAgents();

		expect(agents).toEqual([
			expect.objectContaining({
				id: 3,
				name: 'Ana García',
				email: 'ana@example.com',
				availability_status: 'online',
				role: 'agent',
			}),
			expect.objectContaining({ id: 4, availability_status: 'busy', role: 'administrator' }),
		]);
		const [call] = fake.callsTo('GET', /\/agents$/);
		expect(call.path).toBe(`${ACCOUNT_PATH}/agents`);
		expect(call.headers.api_access_token).toBe(TOKEN);
	});

	it('lists teams and the members of one team', async () => {
		const client = clientFor();

		expect(await client.listTeams()).toEqual([expect.objectContaining({ id: 20, name: 'Sales' })]);
		expect(await client.listTeamMembers(20)).toEqual([expect.objectContaining({ id: 3 })]);
		expect(fake.callsTo('GET', /./).map((call) => call.path)).toEqual([
			`${ACCOUNT_PATH}/teams`,
			`${ACCOUNT_PATH}/teams/20/team_members`,
		]);
	});

	it('says to check the Team ID when the team does not exist', async () => {
		const error = await failureOf(clientFor().listTeamMembers(99));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('team 99 does not exist in account 7: check the Team ID');
	});

	it('assigns an agent with assignee_id and returns the agent', async () => {
		const agent = await clientFor().assign('42', { assigneeId: '3' });

		expect(agent).toEqual(expect.objectContaining({ id: 3, name: 'Ana García' }));
		const [call] = fake.callsTo('POST', /\/assignments$/);
		expect(call.path).toBe(`${ACCOUNT_PATH}/conversations/42/assignments`);
		expect(call.body).toEqual({ assignee_id: 3 });
		expect(fake.conversation(42).assignee_id).toBe(3);
	});

	it('assigns a team with team_id', async () => {
		const team = await clientFor().assign(42, { teamId: 20 });

		expect(team).toEqual(expect.objectContaining({ id: 20, name: 'Sales' }));
		expect(fake.callsTo('POST', /\/assignments$/)[0].body).toEqual({ team_id: 20 });
		expect(fake.conversation(42).team_id).toBe(20);
	});

	it('fails when Chatwoot answers null for an agent removed from the account', async () => {
		fake.conversation(42).assignee_id = 4;
		fake.deactivateAgent(3);

		const error = await failureOf(clientFor().assign(42, { assigneeId: 3 }));

		expect(error).toBeInstanceOf(ChatwootClientError);
		expect(error.message).toBe(
			'Chatwoot left conversation 42 unassigned because account 7 has no agent 3: check the Agent ID (the agent may have been removed from the account)',
		);
		// What makes the error necessary: Chatwoot cleared the assignment and said 200.
		expect(fake.conversation(42).assignee_id).toBeNull();
		expect(fake.callsTo('POST', /\/assignments$/)).toHaveLength(1);
	});

	it('fails when the team does not exist', async () => {
		const error = await failureOf(clientFor().assign(42, { teamId: 99 }));

		expect(error).toBeInstanceOf(ChatwootClientError);
		expect(error.message).toContain('has no team 99: check the Team ID');
	});

	it('reads the labels of a conversation', async () => {
		expect(await clientFor().getLabels(42)).toEqual(['billing', 'bot']);
		expect(fake.callsTo('GET', /\/labels$/)[0].path).toBe(
			`${ACCOUNT_PATH}/conversations/42/labels`,
		);
	});

	it('replaces the labels, lowercased as Chatwoot stores titles', async () => {
		const update = await clientFor().setLabels(42, ['VIP', ' vip ', 'Handover']);

		expect(fake.callsTo('POST', /\/labels$/)[0].body).toEqual({ labels: ['vip', 'handover'] });
		expect(update).toEqual({ labels: ['vip', 'handover'], notApplied: [] });
		expect(fake.conversation(42).labels).toEqual(['vip', 'handover']);
	});

	it('adds labels and keeps the ones already on the conversation', async () => {
		const update = await clientFor().addLabels(42, ['VIP', 'billing']);

		expect(fake.requests.map((call) => `${call.method} ${call.path}`)).toEqual([
			`GET ${ACCOUNT_PATH}/conversations/42/labels`,
			`POST ${ACCOUNT_PATH}/conversations/42/labels`,
		]);
		expect(fake.callsTo('POST', /\/labels$/)[0].body).toEqual({
			labels: ['billing', 'bot', 'vip'],
		});
		expect(fake.conversation(42).labels).toEqual(['billing', 'bot', 'vip']);
		expect(update.notApplied).toEqual([]);
	});

	it('reports added labels the account has not defined, which Chatwoot drops silently', async () => {
		const update = await clientFor().addLabels(42, ['vip', 'no-such-label']);

		expect(update).toEqual({ labels: ['billing', 'bot', 'vip'], notApplied: ['no-such-label'] });
	});

	it('sends an outgoing reply', async () => {
		const message = await clientFor().sendMessage(42, { content: 'A person will answer soon.' });

		const [call] = fake.callsTo('POST', /\/messages$/);
		expect(call.path).toBe(`${ACCOUNT_PATH}/conversations/42/messages`);
		expect(call.body).toEqual({
			content: 'A person will answer soon.',
			message_type: 'outgoing',
			private: false,
		});
		expect(message).toEqual(
			expect.objectContaining({
				content: 'A person will answer soon.',
				private: false,
				message_type: 1,
			}),
		);
		expect(fake.conversation(42).messages).toEqual([
			expect.objectContaining({ message_type: 'outgoing', private: false }),
		]);
	});

	it('sends a private note that mentions an agent', async () => {
		const client = clientFor();
		const note = `${client.mention({ id: 3, name: 'Ana García' })} please take over`;

		await client.sendMessage(42, { content: note, private: true });

		expect(fake.callsTo('POST', /\/messages$/)[0].body).toEqual(
			expect.objectContaining({ private: true, message_type: 'outgoing' }),
		);
		expect(fake.conversation(42).messages[0]).toEqual(
			expect.objectContaining({
				private: true,
				content: '[@Ana García](mention://user/3/Ana%20Garc%C3%ADa) please take over',
			}),
		);
	});

	it('refuses an empty message without calling Chatwoot, which would store it', async () => {
		const error = await failureOf(clientFor().sendMessage(42, { content: '  ' }));

		expect(error).toBeInstanceOf(ChatwootClientError);
		expect(fake.requests).toHaveLength(0);
	});

	it('opens a conversation with toggle_status', async () => {
		const change = await clientFor().toggleStatus(42, 'open');

		const [call] = fake.callsTo('POST', /\/toggle_status$/);
		expect(call.path).toBe(`${ACCOUNT_PATH}/conversations/42/toggle_status`);
		expect(call.body).toEqual({ status: 'open' });
		expect(change).toEqual(
			expect.objectContaining({ success: true, conversation_id: 42, current_status: 'open' }),
		);
		expect(fake.conversation(42).status).toBe('open');
	});

	it('snoozes until a time given in unix seconds, or until the next reply', async () => {
		const client = clientFor();

		await client.toggleStatus(42, 'snoozed', new Date('2030-01-02T03:04:05.678Z'));
		expect(fake.callsTo('POST', /\/toggle_status$/)[0].body).toEqual({
			status: 'snoozed',
			snoozed_until: 1893553445,
		});
		expect(fake.conversation(42).snoozed_until).toBe(1893553445);

		await client.toggleStatus(42, 'open');
		const change = await client.toggleStatus(42, 'snoozed');
		expect(fake.callsTo('POST', /\/toggle_status$/)[2].body).toEqual({ status: 'snoozed' });
		expect(change.current_status).toBe('snoozed');
		expect(fake.conversation(42).snoozed_until).toBeNull();
	});

	it('refuses an unknown status, which Chatwoot would answer with a 500 worth retrying', async () => {
		const error = await failureOf(clientFor().toggleStatus(42, 'closed' as 'open'));

		expect(error).toBeInstanceOf(ChatwootClientError);
		expect(error.message).toContain('use open, pending, resolved, snoozed');
		expect(fake.requests).toHaveLength(0);
	});

	it('replaces custom attributes, or merges them over the ones there', async () => {
		fake.conversation(42).custom_attributes = { order_id: 'A-1' };
		const client = clientFor();

		expect(await client.setCustomAttributes(42, { reason: 'asked for a human' })).toEqual({
			reason: 'asked for a human',
		});
		expect(fake.callsTo('POST', /\/custom_attributes$/)[0].body).toEqual({
			custom_attributes: { reason: 'asked for a human' },
		});

		fake.conversation(42).custom_attributes = { order_id: 'A-1' };
		await client.mergeCustomAttributes(42, { reason: 'asked for a human' });
		expect(fake.conversation(42).custom_attributes).toEqual({
			order_id: 'A-1',
			reason: 'asked for a human',
		});
	});

	it('reads a conversation with its assignee and labels', async () => {
		fake.conversation(42).assignee_id = 4;

		const conversation = await clientFor().getConversation(42);

		expect(fake.requests[0].path).toBe(`${ACCOUNT_PATH}/conversations/42`);
		expect(conversation).toEqual(
			expect.objectContaining({
				id: 42,
				status: 'pending',
				labels: ['billing', 'bot'],
				meta: expect.objectContaining({ assignee: expect.objectContaining({ id: 4 }) }),
			}),
		);
	});

	it('builds the dashboard link of a conversation', () => {
		expect(clientFor().conversationUrl('https://chat.example.com/', 42)).toBe(
			'https://chat.example.com/app/accounts/7/conversations/42',
		);
	});

	it('refuses ids that are not numbers before calling Chatwoot', async () => {
		expect(() => clientFor({ accountId: 'acme' })).toThrow(ChatwootClientError);
		const error = await failureOf(clientFor().getConversation('abc'));

		expect(error.message).toContain('Conversation ID must be a number');
		expect(fake.requests).toHaveLength(0);
	});
});

describe('chatwootMention', () => {
	it('writes the markup Chatwoot parses for mention notifications', () => {
		expect(chatwootMention({ id: 3, name: 'Ana García' })).toBe(
			'[@Ana García](mention://user/3/Ana%20Garc%C3%ADa)',
		);
	});

	it('keeps brackets and parentheses in a name from breaking the link', () => {
		expect(chatwootMention({ id: 5, name: 'Bo [Sales] (EU)' })).toBe(
			'[@Bo \\[Sales\\] (EU)](mention://user/5/Bo%20%5BSales%5D%20%28EU%29)',
		);
	});
});

describe('ChatwootClient errors through the transport', () => {
	it('says to check the token when Chatwoot rejects it, without retrying', async () => {
		const error = await failureOf(clientFor({ token: 'wrong' }).listAgents());

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			`Chatwoot rejected the credentials: check ${CREDENTIAL_HINT} (Chatwoot: Invalid Access Token)`,
		);
		expect(fake.requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it("passes on devise's message when the token header is empty", async () => {
		const error = await failureOf(clientFor({ token: '' }).getLabels(42));

		expect(error.message).toContain(
			'check the Access Token in the Chatwoot credential (Chatwoot: You need to sign in or sign up before continuing.)',
		);
	});

	it('says to check the Conversation ID when the conversation does not exist', async () => {
		const error = await failureOf(clientFor().sendMessage(999, { content: 'Hello' }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('404');
		expect(error.message).toContain(
			'Chatwoot says conversation 999 does not exist in account 7: check the Conversation ID',
		);
		expect(fake.requests).toHaveLength(1);
	});

	it('points at the Account ID when the account does not exist', async () => {
		const error = await failureOf(clientFor({ accountId: '8' }).listAgents());

		expect(error.message).toContain(
			'Chatwoot says account 8 does not exist: check the Account ID in the Chatwoot credential',
		);
	});

	it("reports a 422 as an invalid request with Chatwoot's reason, without retrying", async () => {
		const error = await failureOf(clientFor().sendMessage(42, { content: 'x'.repeat(150_001) }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('422');
		expect(error.message).toBe(
			'Chatwoot refused the request as invalid (Chatwoot: Validation failed: Content is too long (maximum is 150000 characters))',
		);
		expect(fake.requests).toHaveLength(1);
	});

	it('waits as long as Retry-After says on a 429, then succeeds', async () => {
		fake.rateLimit({ limit: 1, periodMs: 1000, retryAfterHeader: true });
		const client = clientFor();
		await client.getLabels(42);

		const labels = await client.getLabels(42);

		expect(labels).toEqual(['billing', 'bot']);
		expect(waits).toEqual([1000]);
		expect(fake.callsTo('GET', /\/labels$/)).toHaveLength(3);
	});

	it('retries a rate-limited message: a 429 means Chatwoot did not take it', async () => {
		fake.failNext(/\/messages$/, 429, 1, { 'Retry-After': '1' });

		await clientFor().sendMessage(42, { content: 'Hello' });

		expect(waits).toEqual([1000]);
		expect(fake.callsTo('POST', /\/messages$/)).toHaveLength(2);
		expect(fake.conversation(42).messages).toHaveLength(1);
	});

	it("backs off and gives up on Chatwoot's usual 429, which has no Retry-After", async () => {
		fake.rateLimit({ limit: 0, retryAfterHeader: false });

		const error = await failureOf(clientFor().listTeams());

		expect(waits).toEqual([10, 20, 40]);
		expect(error.message).toContain('Chatwoot rate limit still exceeded after retries');
		expect(fake.requests).toHaveLength(4);
	});

	it('retries a 500 with back-off, then succeeds', async () => {
		fake.failNext(/\/conversations\/42$/, 500, 2);

		const conversation = await clientFor().getConversation(42);

		expect(conversation.id).toBe(42);
		expect(waits).toEqual([10, 20]);
		expect(fake.requests).toHaveLength(3);
	});

	it('gives up on a 500 that lasts, saying retries did not help', async () => {
		fake.failNext(/\/agents$/, 500, 10);

		const error = await failureOf(clientFor().listAgents());

		expect(error.message).toBe(
			'Chatwoot had a server error (500) and retries did not help (Chatwoot: Internal Server Error)',
		);
		expect(fake.requests).toHaveLength(4);
	});

	it.each(['wrapped', 'raw'] as const)(
		'never resends a message after a network error (n8n errors %s)',
		async (networkErrors) => {
			fake.dropNext(/\/messages$/);

			const error = await failureOf(
				clientFor({ networkErrors }).sendMessage(42, { content: 'Hello' }),
			);

			expect(error).toBeInstanceOf(NodeApiError);
			expect(fake.callsTo('POST', /\/messages$/)).toHaveLength(1);
			expect(waits).toEqual([]);
		},
	);

	it('retries a read after a network error when the error arrives unwrapped', async () => {
		fake.dropNext(/\/labels$/);

		expect(await clientFor({ networkErrors: 'raw' }).getLabels(42)).toEqual(['billing', 'bot']);
		expect(fake.callsTo('GET', /\/labels$/)).toHaveLength(2);
		expect(waits).toEqual([10]);
	});

	it("tells a bot token's owner that agents cannot be listed with it", async () => {
		fake.tokenOwner = { type: 'agent_bot', id: 9 };

		const error = await failureOf(clientFor().listAgents());

		expect(error.message).toContain(
			'(Chatwoot: Access to this endpoint is not authorized for bots)',
		);
	});
});
