import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
} from 'n8n-workflow';

import { HandoverNotify } from '../../../nodes/HandoverNotify/HandoverNotify.node';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import { handoverEvent, nodeContext, type ParameterValue } from '../../helpers/nodeContext';
import { chatwootCredentials, highLevelCredentials, tempStore } from '../../helpers/actionNodes';
import { defaultParameters } from '../../helpers/nodeDefaults';

const HL_TOKEN = 'pit-notify-token';
const LOCATION = 'loc-1';
const CW_TOKEN = 'chatwoot-notify-token';
const ACCOUNT = 7;
const HL_LINK = `https://app.gohighlevel.com/v2/location/${LOCATION}/conversations/conversations?contactId=contact-1`;

const node = new HandoverNotify();

interface HookRequest {
	method: string;
	path: string;
	contentType: string;
	body: unknown;
}

interface HookAnswer {
	status: number;
	headers?: Record<string, string>;
	body?: string;
}

/** A stand-in for Slack, Teams, Discord or any incoming webhook: records posts, answers in turn. */
class WebhookReceiver {
	readonly requests: HookRequest[] = [];

	/** Answers for the next requests, in order; after them, 200 "ok" as Slack answers. */
	readonly answers: HookAnswer[] = [];

	private server: Server | undefined;

	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				this.requests.push({
					method: req.method ?? '',
					path: req.url ?? '',
					contentType: req.headers['content-type'] ?? '',
					body: text ? (JSON.parse(text) as unknown) : undefined,
				});
				const answer = this.answers.shift() ?? { status: 200, body: 'ok' };
				res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
				res.end(answer.body ?? '');
			});
		});
		await new Promise<void>((listening) => this.server!.listen(0, '127.0.0.1', listening));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		await new Promise<void>((closed) => {
			server.close(() => closed());
			server.closeAllConnections();
		});
	}
}

let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;
let hooks: WebhookReceiver;

interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	token?: string;
}

/** The node as a user drops it (defaults), with `parameters` changed. */
async function run(
	platform: 'highlevel' | 'chatwoot',
	parameters: Record<string, ParameterValue> = {},
	options: RunOptions = {},
): Promise<INodeExecutionData[]> {
	const items = options.items ?? [platform === 'highlevel' ? highLevelEvent() : chatwootEvent()];
	const context = nodeContext({
		items,
		parameters: defaultParameters(node.description, {
			platform,
			storeFile: store.file,
			...parameters,
		}),
		credentials: {
			...highLevelCredentials(highLevel, options.token),
			...chatwootCredentials(chatwoot, options.token),
		},
		continueOnFail: options.continueOnFail,
	});
	const [output] = await node.execute.call(context);
	return output;
}

/** What the Handover Detector and then Handover Assign put out. */
function highLevelEvent(fields: IDataObject = {}): IDataObject {
	return handoverEvent({
		actions: {
			assign: { userId: 'u-ana', userName: 'Ana Pereira', strategy: 'roundRobin', tried: [] },
		},
		...fields,
	});
}

function chatwootEvent(fields: IDataObject = {}): IDataObject {
	return handoverEvent({
		platform: 'chatwoot',
		conversationId: '42',
		contactId: '142',
		locationId: undefined,
		accountId: String(ACCOUNT),
		actions: {
			assign: { userId: '3', userName: 'Ana García', strategy: 'roundRobin', tried: [] },
		},
		...fields,
	});
}

const notifyOf = (item: INodeExecutionData) =>
	(item.json.actions as IDataObject).notify as IDataObject;

async function failureOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the node to fail, it succeeded');
}

/** A fresh store per test: each test is a handover of its own (a re-run gets its note back). */
let store: ReturnType<typeof tempStore>;
afterEach(async () => await store.close());

beforeEach(async () => {
	store = tempStore();
	highLevel = new HighLevelFake({ token: HL_TOKEN, locationId: LOCATION });
	highLevel.addUser({ id: 'u-ana', name: 'Ana Pereira' });
	highLevel.addUser({ id: 'u-bo', name: 'Bo Chen' });
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima' });

	chatwoot = new ChatwootFake({ accountId: ACCOUNT, token: CW_TOKEN });
	chatwoot.addAgent({ id: 3, name: 'Ana García' });
	chatwoot.addAgent({ id: 4, name: 'Luis' });
	chatwoot.addConversation({ id: 42, status: 'open' });

	hooks = new WebhookReceiver();
	await Promise.all([highLevel.start(), chatwoot.start(), hooks.start()]);
});

afterEach(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop(), hooks.stop()]);
});

describe('Handover Notify on Chatwoot', () => {
	it('with defaults only, writes a private note mentioning the assignee with who, why, messages and link', async () => {
		const event = chatwootEvent();

		const output = await run('chatwoot', {}, { items: [event] });

		const [note] = chatwoot.conversation(42).messages;
		expect(note.private).toBe(true);
		expect(note.content).toBe(
			[
				'[@Ana García](mention://user/3/Ana%20Garc%C3%ADa)',
				'Conversation with Ana Lima assigned to Ana García',
				'Contact: Ana Lima, +15550001111, ana@example.com',
				'Why: The contact asked to talk to a person ("can i talk to a human")',
				'',
				'Last 3 messages:',
				'Contact: Is the house on Oak Street available?',
				'Bot: Yes, from March.',
				'Contact: Can I talk to a human?',
				'',
				`Open the conversation: ${chatwoot.baseUrl}/app/accounts/7/conversations/42`,
			].join('\n'),
		);
		expect(output).toEqual([
			{
				json: {
					...event,
					actions: {
						...(event.actions as IDataObject),
						notify: {
							channel: 'platform',
							recipientId: '3',
							recipientIds: ['3'],
							conversationId: '42',
							delivered: true,
							messageId: note.id,
						},
					},
				},
				pairedItem: { item: 0 },
			},
		]);
		// The name came from the event: no agent list needed, which a bot token could not read.
		expect(chatwoot.callsTo('GET', /./)).toHaveLength(0);
	});

	it('mentions a recipient set by hand, named from the agent list', async () => {
		await run('chatwoot', { recipientId: '4' });

		expect(chatwoot.conversation(42).messages[0].content).toMatch(
			/^\[@Luis\]\(mention:\/\/user\/4\/Luis\)\nConversation with Ana Lima assigned to Luis\n/,
		);
	});

	it('still mentions by number when the token may not list agents', async () => {
		chatwoot.tokenOwner = { type: 'agent_bot', id: 9 };

		await run('chatwoot', { recipientId: '4' });

		expect(chatwoot.conversation(42).messages[0].content).toMatch(
			/^\[@Agent 4\]\(mention:\/\/user\/4\/Agent%204\)\n/,
		);
	});

	it('includes only the last messages asked for, and the task when there is one', async () => {
		const event = chatwootEvent({
			actions: {
				assign: { userId: '3', userName: 'Ana García' },
				task: { kind: 'note', id: 7, title: 'Call Ana back', dueDate: '2026-11-26T10:01:00.000Z' },
			},
		});

		await run('chatwoot', { transcriptMessages: 1 }, { items: [event] });

		const content = chatwoot.conversation(42).messages[0].content ?? '';
		expect(content).toContain('Task: Call Ana back, due 2026-11-26T10:01:00.000Z\n');
		expect(content).toContain('Last message:\nContact: Can I talk to a human?\n');
		expect(content).not.toContain('Oak Street');
	});

	it('uses a custom message but keeps the mention, title and link', async () => {
		await run('chatwoot', { message: 'VIP customer, call within 10 minutes.' });

		expect(chatwoot.conversation(42).messages[0].content).toBe(
			[
				'[@Ana García](mention://user/3/Ana%20Garc%C3%ADa)',
				'Conversation with Ana Lima assigned to Ana García',
				'',
				'VIP customer, call within 10 minutes.',
				'',
				`Open the conversation: ${chatwoot.baseUrl}/app/accounts/7/conversations/42`,
			].join('\n'),
		);
	});

	it('fails naming Recipient when no one was assigned before it', async () => {
		const error = await failureOf(run('chatwoot', {}, { items: [chatwootEvent({ actions: {} })] }));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Recipient is empty');
		expect((error as NodeOperationError).description).toContain(
			'Add a Handover Assign node before this one or set Recipient',
		);
		expect(chatwoot.requests).toHaveLength(0);
	});

	it('refuses a recipient that is not an agent number', async () => {
		const error = await failureOf(run('chatwoot', { recipientId: 'ana@example.com' }));

		expect(error.message).toBe('Recipient is not a Chatwoot agent number');
		expect(chatwoot.requests).toHaveLength(0);
	});

	it('says to check the Conversation ID when the conversation does not exist', async () => {
		const error = await failureOf(
			run('chatwoot', {}, { items: [chatwootEvent({ conversationId: '999' })] }),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(
			'Chatwoot says conversation 999 does not exist in account 7: check the Conversation ID',
		);
	});

	it('says to check the credential on a 401', async () => {
		const error = await failureOf(run('chatwoot', {}, { token: 'wrong' }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('Chatwoot rejected the credentials');
		expect(chatwoot.conversation(42).messages).toHaveLength(0);
	});

	it('waits out a 429 and writes the note once', async () => {
		chatwoot.failNext(/\/messages$/, 429, 1, { 'Retry-After': '0' });

		const [item] = await run('chatwoot');

		expect(notifyOf(item).delivered).toBe(true);
		expect(chatwoot.callsTo('POST', /\/messages$/)).toHaveLength(2);
		expect(chatwoot.conversation(42).messages).toHaveLength(1);
	});

	it('retries a 503 but not a 500, after which Chatwoot may have stored the note', async () => {
		chatwoot.failNext(/\/messages$/, 503, 1, { 'Retry-After': '0' });
		await run('chatwoot');
		expect(chatwoot.callsTo('POST', /\/messages$/)).toHaveLength(2);

		chatwoot.failNext(/\/messages$/, 500, 1);
		// Another handover: this one's note was delivered and a re-run would only read it back.
		const next = chatwootEvent({ handoverId: 'another-handover' });
		const error = await failureOf(run('chatwoot', {}, { items: [next] }));
		expect(error.message).toContain('Chatwoot had a server error (500)');
		expect(chatwoot.callsTo('POST', /\/messages$/)).toHaveLength(3);
	});

	it('notifies once per handover: a re-run gets the first note back instead of writing another', async () => {
		const [first] = await run('chatwoot');
		const [again] = await run('chatwoot');
		expect(notifyOf(again)).toEqual(notifyOf(first));
		expect(chatwoot.conversation(42).messages).toHaveLength(1);
	});

	it('after a 500 on the note (it may be stored), a re-run does not write it again', async () => {
		chatwoot.failNext(/\/messages$/, 500, 1);
		await failureOf(run('chatwoot'));
		const error = await failureOf(run('chatwoot'));
		expect(error.message).toContain('Another run is doing this for the same handover');
		expect(chatwoot.callsTo('POST', /\/messages$/)).toHaveLength(1);
	}, 20_000);

	it('with Continue On Fail, passes the failed item on with its error, paired', async () => {
		const items = [chatwootEvent({ conversationId: '999' }), chatwootEvent()];

		const output = await run('chatwoot', {}, { items, continueOnFail: true });

		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.error).toContain('check the Conversation ID');
		expect(notifyOf(output[1]).delivered).toBe(true);
	});
});

describe('Handover Notify on HighLevel', () => {
	it('with defaults only, makes the assignee follow the contact and writes the summary as a note', async () => {
		const [item] = await run('highlevel');

		expect(highLevel.requests.map((call) => `${call.method} ${call.path}`)).toEqual([
			'POST /contacts/contact-1/followers',
			'POST /contacts/contact-1/notes',
		]);
		expect(highLevel.callsTo('POST', /\/followers$/)[0].body).toEqual({ followers: ['u-ana'] });
		const contact = highLevel.contact('contact-1')!;
		expect(contact.followers).toEqual(['u-ana']);
		expect(contact.notes).toEqual([
			expect.objectContaining({
				userId: 'u-ana',
				body: expect.stringContaining(
					'Conversation with Ana Lima assigned to Ana Pereira\nContact: Ana Lima, +15550001111, ana@example.com\nWhy: The contact asked to talk to a person',
				),
			}),
		]);
		expect(contact.notes[0].body).toContain(
			'Bot: Yes, from March.\nContact: Can I talk to a human?',
		);
		expect(contact.notes[0].body).toContain(`Open the conversation: ${HL_LINK}`);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(notifyOf(item)).toEqual({
			channel: 'platform',
			recipientId: 'u-ana',
			recipientIds: ['u-ana'],
			contactId: 'contact-1',
			delivered: true,
			noteId: contact.notes[0].id,
			followersAdded: ['u-ana'],
		});
	});

	it('notifies several recipients set by hand', async () => {
		await run('highlevel', { recipientId: 'u-ana, u-bo' });

		expect(highLevel.contact('contact-1')!.followers).toEqual(['u-ana', 'u-bo']);
		expect(highLevel.contact('contact-1')!.notes[0].body).toMatch(
			/^Conversation with Ana Lima assigned to Ana Pereira, Bo Chen\n/,
		);
	});

	it('writes no note when the recipient cannot follow the contact', async () => {
		highLevel.deactivateUser('u-ana');

		const error = await failureOf(run('highlevel'));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('followers: u-ana is not an active user of this location');
		expect(highLevel.contact('contact-1')!.notes).toHaveLength(0);
	});

	it('says to check the Contact ID when the contact does not exist', async () => {
		const error = await failureOf(
			run('highlevel', {}, { items: [highLevelEvent({ contactId: 'nobody' })] }),
		);

		expect(error.message).toContain(
			'HighLevel says the contact does not exist in this sub-account: check Contact ID',
		);
	});

	it('says to check the token on a 401', async () => {
		const error = await failureOf(run('highlevel', {}, { token: 'wrong' }));

		expect(error.message).toContain(
			'HighLevel rejected the credentials: check the Private Integration token',
		);
		expect(highLevel.requests).toHaveLength(1);
	});

	it('waits out a 429 and writes one note', async () => {
		highLevel.failNext(/\/notes$/, 429, 1, { 'Retry-After': '0' });

		await run('highlevel');

		expect(highLevel.callsTo('POST', /\/notes$/)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.notes).toHaveLength(1);
	});

	it('retries a 500 on the followers call, which is safe to repeat', async () => {
		highLevel.failNext(/\/followers$/, 500, 1);

		const [item] = await run('highlevel');

		expect(notifyOf(item).delivered).toBe(true);
		expect(highLevel.callsTo('POST', /\/followers$/)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.notes).toHaveLength(1);
	});
});

describe('Handover Notify through incoming webhooks', () => {
	it('posts {text} to Slack, escaping what Slack would read as a mention', async () => {
		const event = highLevelEvent({ evidence: 'get me a human <!channel>' });

		const [item] = await run(
			'highlevel',
			{ channel: 'slack', webhookUrl: `${hooks.url}/services/T1/B1/x` },
			{ items: [event] },
		);

		expect(hooks.requests).toHaveLength(1);
		const [post] = hooks.requests;
		expect(post).toEqual(
			expect.objectContaining({
				method: 'POST',
				path: '/services/T1/B1/x',
				contentType: 'application/json',
			}),
		);
		const { text } = post.body as { text: string };
		expect(Object.keys(post.body as object)).toEqual(['text']);
		expect(text).toMatch(/^Conversation with Ana Lima assigned to Ana Pereira\n/);
		expect(text).toContain('("get me a human &lt;!channel&gt;")');
		expect(text).toContain('Contact: Can I talk to a human?');
		expect(text).toContain(`Open the conversation: ${HL_LINK.replace(/&/g, '&amp;')}`);
		expect(notifyOf(item)).toEqual({
			channel: 'slack',
			recipientId: 'u-ana',
			recipientIds: ['u-ana'],
			contactId: 'contact-1',
			delivered: true,
			status: 200,
		});
		expect(highLevel.requests).toHaveLength(0);
	});

	it('posts {content} to Discord without pinging anyone, within 2000 characters', async () => {
		const long = 'x'.repeat(480);
		const event = highLevelEvent({
			transcript: Array.from({ length: 6 }, (_, i) => ({
				role: 'user',
				text: `${i} ${long} @everyone`,
				at: '',
			})),
		});
		hooks.answers.push({ status: 204 });

		const [item] = await run(
			'highlevel',
			{ channel: 'discord', webhookUrl: `${hooks.url}/api/webhooks/1/abc` },
			{ items: [event] },
		);

		const body = hooks.requests[0].body as { content: string; allowed_mentions: unknown };
		expect(body.allowed_mentions).toEqual({ parse: [] });
		expect(body.content.length).toBeLessThanOrEqual(2000);
		expect(body.content).toMatch(/^Conversation with Ana Lima assigned to Ana Pereira\n/);
		expect(notifyOf(item).status).toBe(204);
	});

	it('posts MessageCard {text} to Teams with a line break Teams keeps', async () => {
		await run('chatwoot', { channel: 'teams', webhookUrl: `${hooks.url}/webhookb2/x` });

		const { text } = hooks.requests[0].body as { text: string };
		expect(text).toContain(
			'Conversation with Ana Lima assigned to Ana García\n\nContact: Ana Lima',
		);
		expect(text).toContain(
			`Open the conversation: ${chatwoot.baseUrl}/app/accounts/7/conversations/42`,
		);
		expect(chatwoot.requests).toHaveLength(0);
	});

	it('posts the whole notification as JSON to a generic webhook', async () => {
		const [item] = await run('highlevel', {
			channel: 'webhook',
			webhookUrl: `${hooks.url}/handover`,
			transcriptMessages: 2,
		});

		expect(hooks.requests[0].body).toEqual({
			title: 'Conversation with Ana Lima assigned to Ana Pereira',
			text: expect.stringContaining('Why: The contact asked to talk to a person'),
			handoverId: '5b6f3c2e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
			reason: 'contact_request',
			reasonText: 'The contact asked to talk to a person',
			evidence: 'can i talk to a human',
			contact: { name: 'Ana Lima', phone: '+15550001111', email: 'ana@example.com' },
			transcript: [
				{ role: 'Bot', text: 'Yes, from March.', at: '2026-11-25T10:00:01.000Z' },
				{ role: 'Contact', text: 'Can I talk to a human?', at: '2026-11-25T10:01:00.000Z' },
			],
			link: HL_LINK,
			recipients: [{ id: 'u-ana', name: 'Ana Pereira' }],
		});
		expect(notifyOf(item).channel).toBe('webhook');
	});

	it('sends without a recipient, saying the conversation needs a person', async () => {
		await run(
			'highlevel',
			{ channel: 'webhook', webhookUrl: `${hooks.url}/handover` },
			{ items: [handoverEvent()] },
		);

		expect(hooks.requests[0].body).toEqual(
			expect.objectContaining({
				title: 'Conversation with Ana Lima needs a person',
				recipients: [],
			}),
		);
	});

	it('waits out a 429 from the service and posts once more', async () => {
		hooks.answers.push({ status: 429, headers: { 'Retry-After': '0' }, body: 'rate_limited' });

		const [item] = await run('highlevel', { channel: 'slack', webhookUrl: `${hooks.url}/s` });

		expect(hooks.requests).toHaveLength(2);
		expect(notifyOf(item).delivered).toBe(true);
	});

	it('says to check the webhook URL when the service does not know it', async () => {
		hooks.answers.push({ status: 404, body: 'no_service' });

		const error = await failureOf(
			run('highlevel', { channel: 'slack', webhookUrl: `${hooks.url}/s` }),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Slack says the webhook does not exist (404): check the webhook URL',
		);
		expect((error as NodeApiError).description).toBe('Slack answered: no_service');
		expect(hooks.requests).toHaveLength(1);
	});

	it('does not post again after a 500: the service may have posted it', async () => {
		hooks.answers.push({ status: 500, body: 'oops' });

		const error = await failureOf(
			run('highlevel', { channel: 'discord', webhookUrl: `${hooks.url}/d` }),
		);

		expect(error.message).toBe(
			'Discord had a server error (500): try again later, or check the webhook URL',
		);
		expect(hooks.requests).toHaveLength(1);
	});

	it('says to check the webhook URL when nothing answers there', async () => {
		const closed = new WebhookReceiver();
		await closed.start();
		await closed.stop();

		const error = await failureOf(
			run('highlevel', { channel: 'teams', webhookUrl: `${closed.url}/x` }),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Could not reach Microsoft Teams: check the webhook URL and the network',
		);
	});

	it.each(['hooks.slack.com/services/x', 'ftp://example.com/hook', ''])(
		'refuses the webhook URL "%s" before sending anything',
		async (webhookUrl) => {
			const error = await failureOf(run('highlevel', { channel: 'slack', webhookUrl }));

			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/^Webhook URL (is not an http\(s\) address|is empty)$/);
			expect(hooks.requests).toHaveLength(0);
		},
	);
});
