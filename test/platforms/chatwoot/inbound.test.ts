import { parseChatwoot } from '../../../nodes/platforms/chatwoot/inbound';
import {
	chatwootAgent,
	chatwootAgentBot,
	chatwootIncoming,
	chatwootOutgoing,
	chatwootStatusChanged,
} from '../fixtures/payloads';

type Conversation = ReturnType<typeof chatwootIncoming>['conversation'];

/** The payload with its conversation changed, as Chatwoot would send it later on. */
function inConversation<T extends { conversation: Conversation }>(
	body: T,
	change: Record<string, unknown>,
): T {
	return { ...body, conversation: { ...body.conversation, ...change } };
}

/** The payload once Luis (an agent) has been assigned: Chatwoot opens the conversation too. */
const assigned = <T extends { conversation: Conversation }>(body: T): T =>
	inConversation(body, {
		status: 'open',
		meta: {
			...body.conversation.meta,
			assignee: { ...chatwootAgent, availability_status: 'online' },
		},
	});

describe('parseChatwoot: message_created', () => {
	it("turns a contact's message into a user turn with string ids", () => {
		expect(parseChatwoot(chatwootIncoming())).toEqual({
			ok: true,
			turn: {
				conversationId: '13098',
				messageId: '77287',
				contactId: '52870',
				platform: 'chatwoot',
				accountId: '3',
				channel: 'Channel::WebWidget',
				userMessage: 'Can I speak to a real person please?',
				contact: { name: 'Ana García', email: 'ana@example.com', phone: '+34600111222' },
				timestamp: '2025-07-10T15:36:22.262Z',
			},
		});
	});

	it('fills the contact from the conversation when the sender has only id and name', () => {
		const body = {
			...chatwootIncoming(),
			sender: { id: 52870, name: 'Ana', avatar: '', type: 'contact' },
		};
		expect(parseChatwoot(body)).toMatchObject({
			ok: true,
			turn: {
				contactId: '52870',
				contact: { name: 'Ana', email: 'ana@example.com', phone: '+34600111222' },
			},
		});
	});

	it("accepts the ids and time format of Chatwoot's own docs sample", () => {
		const body = {
			...chatwootIncoming(),
			id: '1',
			created_at: '2020-03-03 13:05:57 UTC',
			account: { id: '1', name: 'Chatwoot' },
			conversation: { ...chatwootIncoming().conversation, id: '1' },
		};
		expect(parseChatwoot(body)).toMatchObject({
			ok: true,
			turn: { conversationId: '1', accountId: '1', timestamp: '2020-03-03T13:05:57.000Z' },
		});
	});

	it('accepts the numeric message_type of push payloads', () => {
		expect(parseChatwoot({ ...chatwootIncoming(), message_type: 0 })).toMatchObject({
			ok: true,
			turn: { userMessage: 'Can I speak to a real person please?' },
		});
	});

	it("reads an agent bot's answer as the bot reply", () => {
		const body = chatwootOutgoing(chatwootAgentBot, "I'm not sure about that.");
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			turn: {
				conversationId: '13098',
				messageId: '77288',
				contactId: '52870',
				platform: 'chatwoot',
				accountId: '3',
				channel: 'Channel::WebWidget',
				botReply: "I'm not sure about that.",
				staffReply: false,
				contact: { name: 'Ana García', email: 'ana@example.com', phone: '+34600111222' },
				timestamp: '2025-07-10T15:36:25.001Z',
			},
		});
	});

	it('reads Captain and sender-less automation messages as the bot too', () => {
		const captain = { id: 1, name: 'Captain', type: 'captain_assistant' };
		for (const sender of [captain, null]) {
			expect(
				parseChatwoot(chatwootOutgoing(sender, 'Our opening hours are 9 to 5.')),
			).toMatchObject({
				ok: true,
				turn: { botReply: 'Our opening hours are 9 to 5.', staffReply: false },
			});
		}
	});

	it("reads an agent's message as a staff reply, also in an assigned conversation", () => {
		const body = assigned(chatwootOutgoing(chatwootAgent, 'Hi Ana, Luis here. How can I help?'));
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			turn: {
				conversationId: '13098',
				messageId: '77288',
				contactId: '52870',
				platform: 'chatwoot',
				accountId: '3',
				channel: 'Channel::WebWidget',
				botReply: 'Hi Ana, Luis here. How can I help?',
				staffReply: true,
				contact: { name: 'Ana García', email: 'ana@example.com', phone: '+34600111222' },
				timestamp: '2025-07-10T15:36:25.001Z',
			},
		});
	});

	it("counts an agent's attachment without text as a staff reply", () => {
		const result = parseChatwoot(chatwootOutgoing(chatwootAgent, null));
		expect(result).toMatchObject({ ok: true, turn: { staffReply: true } });
		expect(result.ok && 'turn' in result && 'botReply' in result.turn).toBe(false);
	});
});

describe('parseChatwoot: ignored messages and events', () => {
	it("ignores private notes, even an agent's", () => {
		const body = { ...chatwootOutgoing(chatwootAgent, 'Customer is VIP'), private: true };
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			ignore: 'Chatwoot private note is not part of the conversation',
		});
	});

	it.each(['activity', 'template'])('ignores %s messages', (type) => {
		const body = { ...chatwootIncoming(), message_type: type, sender: null };
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			ignore: `Chatwoot ${type} message is not part of the conversation`,
		});
	});

	it("ignores a contact's message in a conversation assigned to an agent", () => {
		const body = inConversation(assigned(chatwootIncoming()), { status: 'pending' });
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			ignore: 'Chatwoot conversation is assigned to Luis Ortega: a person already handles it',
		});
	});

	it("ignores a contact's message in an open conversation unless told otherwise", () => {
		const body = inConversation(chatwootIncoming(), { status: 'open' });
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			ignore: "Chatwoot conversation is open (in the agents' queue): a person already handles it",
		});
		expect(parseChatwoot(body, { ignoreOpenConversations: false })).toMatchObject({
			ok: true,
			turn: { userMessage: 'Can I speak to a real person please?' },
		});
	});

	it('ignores a bot message in a conversation a person already has', () => {
		const body = assigned(chatwootOutgoing(chatwootAgentBot, 'Anything else?'));
		expect(parseChatwoot(body)).toMatchObject({
			ok: true,
			ignore: expect.stringContaining('assigned'),
		});
	});

	it('ignores messages without text', () => {
		expect(parseChatwoot({ ...chatwootIncoming(), content: null })).toEqual({
			ok: true,
			ignore: 'Chatwoot message has no text (attachment only)',
		});
		expect(parseChatwoot(chatwootOutgoing(chatwootAgentBot, ' '))).toEqual({
			ok: true,
			ignore: 'Chatwoot bot message has no text (attachment only)',
		});
	});

	it('ignores a status change that does not end a handover, naming the status', () => {
		expect(parseChatwoot(chatwootStatusChanged())).toEqual({
			ok: true,
			ignore: 'Chatwoot conversation_status_changed (status "open"): nothing to close',
		});
	});
});

describe('parseChatwoot: the end of a handover', () => {
	const accountOf = (body: Record<string, unknown>) =>
		((body.messages as Array<Record<string, unknown>> | undefined)?.[0]?.account_id ??
			body.account_id) as number | undefined;

	it.each([['resolved'], ['pending']])('closes the conversation when it is set %s', (status) => {
		const body = { ...chatwootStatusChanged(), status, account: { id: 3 } };
		expect(parseChatwoot(body)).toEqual({
			ok: true,
			close: { platform: 'chatwoot', conversationId: String(body.id), accountId: '3' },
			why: status,
		});
	});

	it('reads the account from the messages when the payload has no account object', () => {
		const { account: _account, ...body } = {
			...chatwootStatusChanged(),
			status: 'resolved',
			account: undefined,
			messages: [{ id: 1, account_id: 7 }],
		};
		expect(accountOf(body)).toBe(7);
		expect(parseChatwoot(body)).toMatchObject({ close: { accountId: '7' } });
	});

	it('closes on conversation_updated only when the status changed to an ending one', () => {
		const base = { ...chatwootStatusChanged(), event: 'conversation_updated', account: { id: 3 } };
		expect(
			parseChatwoot({
				...base,
				status: 'resolved',
				changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
			}),
		).toMatchObject({ close: { accountId: '3' } });
		expect(
			parseChatwoot({
				...base,
				status: 'resolved',
				changed_attributes: [{ assignee_id: { previous_value: null, current_value: 4 } }],
			}),
		).toMatchObject({ ignore: expect.stringContaining('nothing to close') });
	});

	it('ignores a conversation event without an account, rather than closing another one', () => {
		const {
			account: _account,
			messages: _messages,
			...body
		} = {
			...chatwootStatusChanged(),
			status: 'resolved',
			account: undefined,
			messages: [],
		};
		expect(parseChatwoot(body)).toMatchObject({
			ignore: expect.stringContaining('names no account'),
		});
	});

	it('ignores other events', () => {
		for (const event of ['conversation_created', 'message_updated', 'webwidget_triggered']) {
			expect(parseChatwoot({ ...chatwootIncoming(), event })).toEqual({
				ok: true,
				ignore: `Chatwoot event "${event}" is not a new message`,
			});
		}
	});
});

describe('parseChatwoot: invalid bodies', () => {
	it.each([
		[{ event: undefined }, 'Invalid payload: "event" is required for a Chatwoot payload'],
		[{ account: undefined }, 'Invalid payload: "account" is required'],
		[{ account: { name: 'Acme' } }, 'Invalid payload: "account.id" is required'],
		[{ conversation: undefined }, 'Invalid payload: "conversation" is required'],
		[{ conversation: { id: '' } }, 'Invalid payload: "conversation.id" must not be empty'],
		[
			{ conversation: { id: true } },
			'Invalid payload: "conversation.id" must be a string or a number',
		],
		[{ message_type: undefined }, 'Invalid payload: "message_type" is required'],
		[
			{ message_type: 'inbound' },
			'Invalid payload: "message_type" must be one of incoming, outgoing, activity, template',
		],
		[{ content: 42 }, 'Invalid payload: "content" must be a string, not a number'],
		[
			{ sender: { id: 1, type: 'contact', email: 5 } },
			'Invalid payload: "sender.email" must be a string, not a number',
		],
	])('names the field for %p', (change, error) => {
		const body: Record<string, unknown> = { ...chatwootIncoming(), ...change };
		for (const [key, value] of Object.entries(change)) if (value === undefined) delete body[key];
		expect(parseChatwoot(body)).toEqual({ ok: false, error });
	});

	it.each([null, [], '{"event":"message_created"}', 0])(
		'rejects %p as not a JSON object',
		(body) => {
			expect(parseChatwoot(body)).toMatchObject({
				ok: false,
				error: expect.stringMatching(/^Invalid payload: expected a JSON object/),
			});
		},
	);
});
