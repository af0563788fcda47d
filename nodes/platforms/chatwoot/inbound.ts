/**
 * Chatwoot webhook / agent-bot payloads → Turn. Only `message_created` carries a turn; its shape is
 * Chatwoot's `Message#webhook_data`: `{event, id, content, created_at, message_type, private,
 * sender: {id, name, type}, conversation: {id (the display id the API uses), status, channel,
 * meta: {sender, assignee}}, inbox: {id, name}, account: {id, name}}`.
 */
import { z } from 'zod';

import type { Turn } from '../../engine/types';
import {
	compact,
	contactOf,
	fail,
	ignore,
	isPlainObject,
	messageText,
	notAnObject,
	optionalId,
	optionalText,
	parseWith,
	requiredId,
	toIsoTimestamp,
	type InboundResult,
} from '../payload';

export interface ChatwootParseOptions {
	/**
	 * Treat an `open` conversation as already with the agents (default true). Chatwoot agent bots
	 * answer `pending` conversations and hand off by opening them; set this to false when a bot
	 * answers open conversations (an account webhook without an agent bot).
	 */
	ignoreOpenConversations?: boolean;
}

/** Who wrote a message: `contact`, `user` (an agent), `agent_bot`, `captain_assistant`. */
const senderSchema = z
	.object({
		id: optionalId,
		name: optionalText,
		email: optionalText,
		phone_number: optionalText,
		type: optionalText,
	})
	.passthrough();

const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;

export const chatwootMessageCreatedSchema = z
	.object({
		event: z.literal('message_created'),
		id: optionalId,
		content: z.string().nullish(),
		created_at: z.union([z.string(), z.number()]).nullish(),
		// Text in webhooks; the numeric enum (0..3) appears in Chatwoot's push payloads.
		message_type: z.preprocess(
			(type) => (typeof type === 'number' ? (MESSAGE_TYPES[type] ?? type) : type),
			z.enum(MESSAGE_TYPES),
		),
		private: z.boolean().nullish(),
		sender: senderSchema.nullish(),
		conversation: z
			.object({
				id: requiredId,
				status: optionalText,
				channel: optionalText,
				meta: z
					.object({ sender: senderSchema.nullish(), assignee: z.unknown() })
					.passthrough()
					.nullish(),
				contact_inbox: z.object({ contact_id: optionalId }).passthrough().nullish(),
			})
			.passthrough(),
		inbox: z.object({ id: optionalId, name: optionalText }).passthrough().nullish(),
		account: z.object({ id: requiredId }).passthrough(),
	})
	.passthrough();

export type ChatwootMessageCreated = z.output<typeof chatwootMessageCreatedSchema>;

function assigneeName(assignee: unknown): string | undefined {
	if (!isPlainObject(assignee)) return undefined;
	return typeof assignee.name === 'string' && assignee.name.trim() !== ''
		? assignee.name.trim()
		: undefined;
}

/** Why a conversation is already with a person, or undefined when the bot has it. */
function withAPerson(
	conversation: ChatwootMessageCreated['conversation'],
	options: ChatwootParseOptions,
): string | undefined {
	const assignee = conversation.meta?.assignee;
	if (assignee != null) {
		const name = assigneeName(assignee);
		return `Chatwoot conversation is assigned to ${name ?? 'an agent'}: a person already handles it`;
	}
	if (conversation.status === 'open' && options.ignoreOpenConversations !== false) {
		return "Chatwoot conversation is open (in the agents' queue): a person already handles it";
	}
	return undefined;
}

function fromMessage(
	message: ChatwootMessageCreated,
	options: ChatwootParseOptions,
): InboundResult {
	if (message.private) return ignore('Chatwoot private note is not part of the conversation');
	if (message.message_type === 'activity' || message.message_type === 'template') {
		return ignore(`Chatwoot ${message.message_type} message is not part of the conversation`);
	}

	const { conversation } = message;
	const contactSender = conversation.meta?.sender;
	const text = messageText(message.content);
	const base = {
		conversationId: conversation.id,
		platform: 'chatwoot' as const,
		accountId: message.account.id,
		channel: conversation.channel,
		timestamp: toIsoTimestamp(message.created_at),
		messageId: message.id,
	};

	if (message.message_type === 'incoming') {
		const busy = withAPerson(conversation, options);
		if (busy) return ignore(busy);
		if (!text) return ignore('Chatwoot message has no text (attachment only)');
		// The sender of an incoming message is the contact; the conversation's meta has the fuller
		// record (e-mail, phone) on Chatwoot versions whose sender carries only id and name.
		const sender =
			message.sender?.type === undefined || message.sender.type === 'contact'
				? message.sender
				: undefined;
		return {
			ok: true,
			turn: compact<Turn>({
				...base,
				contactId: sender?.id ?? contactSender?.id ?? conversation.contact_inbox?.contact_id,
				userMessage: text,
				contact: contactOf({
					name: sender?.name ?? contactSender?.name,
					email: sender?.email ?? contactSender?.email,
					phone: sender?.phone_number ?? contactSender?.phone_number,
				}),
			}),
		};
	}

	const contactId = contactSender?.id ?? conversation.contact_inbox?.contact_id;
	const contact = contactOf({
		name: contactSender?.name,
		email: contactSender?.email,
		phone: contactSender?.phone_number,
	});
	if (message.sender?.type === 'user') {
		// An agent wrote to the contact: staff took over, even with an attachment and no text.
		return {
			ok: true,
			turn: compact<Turn>({ ...base, contactId, botReply: text, staffReply: true, contact }),
		};
	}
	// agent_bot, captain_assistant, or no sender (automation rules): the bot's side.
	const busy = withAPerson(conversation, options);
	if (busy) return ignore(busy);
	if (!text) return ignore('Chatwoot bot message has no text (attachment only)');
	return {
		ok: true,
		turn: compact<Turn>({ ...base, contactId, botReply: text, staffReply: false, contact }),
	};
}

/** Conversation events whose new status may end a handover. */
const CONVERSATION_EVENTS = new Set([
	'conversation_status_changed',
	'conversation_updated',
	'conversation_resolved',
]);

/**
 * Statuses that end a handover: resolved, or pending — the bot's queue, where agents give a
 * conversation back to the bot.
 */
const CLOSING_STATUSES = new Set(['resolved', 'pending']);

const idOf = (value: unknown): string | undefined =>
	(typeof value === 'number' && Number.isInteger(value)) ||
	(typeof value === 'string' && /^\d{1,20}$/.test(value))
		? String(value)
		: undefined;

/** Whether `conversation_updated` changed the status (its changed_attributes name it). */
function statusChanged(changed: unknown): boolean {
	const entries = Array.isArray(changed) ? changed : [changed];
	return entries.some((entry) => isPlainObject(entry) && 'status' in entry);
}

/**
 * A conversation event (the conversation itself at the top level): a status that ends the
 * handover closes it; anything else is ignored. The account is the payload's `account`, its
 * `account_id`, or that of its messages, as Chatwoot versions differ.
 */
function fromConversationEvent(body: Record<string, unknown>): InboundResult {
	const status = typeof body.status === 'string' ? body.status : '';
	const event = String(body.event);
	const closes =
		event === 'conversation_resolved' ||
		(CLOSING_STATUSES.has(status) &&
			(event === 'conversation_status_changed' || statusChanged(body.changed_attributes)));
	if (!closes) {
		return ignore(`Chatwoot ${event}${status ? ` (status "${status}")` : ''}: nothing to close`);
	}
	const conversationId = idOf(body.id);
	if (conversationId === undefined) {
		return fail('Invalid payload: "id" must be the Chatwoot conversation number');
	}
	const messages = Array.isArray(body.messages) ? body.messages : [];
	const firstMessage = isPlainObject(messages[0]) ? messages[0] : {};
	const account = isPlainObject(body.account) ? body.account.id : undefined;
	const accountId = idOf(account) ?? idOf(body.account_id) ?? idOf(firstMessage.account_id);
	if (accountId === undefined) {
		return ignore('Chatwoot conversation event names no account: cannot tell which conversation');
	}
	return {
		ok: true,
		close: { platform: 'chatwoot', conversationId, accountId },
		why: event === 'conversation_resolved' ? 'resolved' : status,
	};
}

/** Reads a Chatwoot webhook or agent-bot body. */
export function parseChatwoot(body: unknown, options: ChatwootParseOptions = {}): InboundResult {
	if (!isPlainObject(body)) return notAnObject(body);
	if (typeof body.event !== 'string' || body.event === '') {
		return fail('Invalid payload: "event" is required for a Chatwoot payload');
	}
	if (CONVERSATION_EVENTS.has(body.event)) return fromConversationEvent(body);
	if (body.event !== 'message_created') {
		return ignore(`Chatwoot event "${body.event}" is not a new message`);
	}
	const parsed = parseWith(chatwootMessageCreatedSchema, body);
	return parsed.ok ? fromMessage(parsed.data, options) : fail(parsed.error);
}
