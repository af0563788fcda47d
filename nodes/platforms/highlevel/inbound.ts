/**
 * HighLevel webhook payloads → Turn. Two shapes reach the trigger:
 *
 * 1. App (marketplace) webhooks `InboundMessage` / `OutboundMessage`, as documented in
 *    shared/platforms/highlevel/{InboundMessage,OutboundMessage}.md.
 * 2. The body a HighLevel workflow's "Webhook" action posts. HighLevel does not publish a schema
 *    for it; observed payloads carry the contact's fields at the top level (`contact_id`,
 *    `first_name`, `last_name`, `full_name`, `email`, `phone`, `tags`, …), `location: {id, name,
 *    …}`, `workflow: {id, name}`, `user` (the contact's assigned user, NOT the sender),
 *    `contact: {attributionSource, …}`, the trigger's `message: {type, body}` when the workflow was
 *    started by a message (e.g. "Customer Replied"), and `customData: {…}` with the key/value pairs
 *    the user typed into the action. That shape is read as a message from the contact.
 */
import { z } from 'zod';

import type { Turn } from '../../engine/types';
import {
	compact,
	contactOf,
	fail,
	htmlToText,
	ignore,
	isPlainObject,
	messageText,
	notAnObject,
	optionalId,
	optionalText,
	parseWith,
	requiredText,
	toIsoTimestamp,
	type InboundResult,
} from '../payload';

/**
 * `source` values of automated sends (GetMessageResponseDto.source). A message from a workflow or
 * the API is the bot's or an automation's even when it carries the assigned user's id; campaign and
 * bulk sends are marketing, not a reply in the conversation.
 */
const AUTOMATED_SOURCES = new Set(['workflow', 'api']);
const BROADCAST_SOURCES: Record<string, string> = {
	campaign: 'a campaign',
	bulk_actions: 'a bulk action',
};

export const highLevelMessageEventSchema = z
	.object({
		type: z.enum(['InboundMessage', 'OutboundMessage']),
		locationId: requiredText,
		contactId: requiredText,
		conversationId: requiredText,
		body: z.string().nullish(),
		// SMS, Email, WhatsApp, GMB, IG, FB, Custom, Live_Chat… but the docs' own examples also show
		// "CALL", "VoiceMail" and "Live Chat", so any text is accepted and passed on as the channel.
		messageType: optionalText,
		contentType: optionalText,
		direction: optionalText,
		dateAdded: optionalText,
		messageId: optionalId,
		userId: optionalId,
		source: optionalText,
		status: optionalText,
		attachments: z.array(z.unknown()).nullish(),
	})
	.passthrough();

export type HighLevelMessageEvent = z.output<typeof highLevelMessageEventSchema>;

const workflowMessageSchema = z.preprocess(
	// A hand-written body may send the text itself as `message`.
	(message) => (typeof message === 'string' ? { body: message } : message),
	z
		.object({
			body: z.string(),
			// A number in observed payloads (2 for SMS); the numbering is not documented.
			type: z.union([z.string(), z.number()]).nullish(),
		})
		.passthrough(),
);

export const highLevelWorkflowSchema = z
	.object({
		contact_id: requiredText,
		first_name: optionalText,
		last_name: optionalText,
		full_name: optionalText,
		email: optionalText,
		phone: optionalText,
		location: z.object({ id: optionalId, name: optionalText }).passthrough().nullish(),
		message: workflowMessageSchema,
		conversationId: optionalId,
		customData: z
			.object({ conversationId: optionalId, channel: optionalText })
			.passthrough()
			.nullish(),
	})
	.passthrough();

export type HighLevelWorkflowPayload = z.output<typeof highLevelWorkflowSchema>;

/** E-mail bodies arrive as HTML; the detector reads words. */
function bodyText(event: HighLevelMessageEvent): string | undefined {
	const html =
		event.contentType?.toLowerCase().includes('html') === true ||
		event.messageType?.toLowerCase() === 'email';
	return messageText(html && event.body ? htmlToText(event.body) : event.body);
}

function fromMessageEvent(event: HighLevelMessageEvent): InboundResult {
	const base = {
		conversationId: event.conversationId,
		contactId: event.contactId,
		platform: 'highlevel' as const,
		locationId: event.locationId,
		channel: event.messageType,
		timestamp: toIsoTimestamp(event.dateAdded),
		messageId: event.messageId,
	};
	const text = bodyText(event);

	// `type`, not `direction`, says who wrote it: the docs' own OutboundMessage example carries
	// `direction: "inbound"`.
	if (event.type === 'InboundMessage') {
		if (!text) return ignore(noTextReason(event));
		return { ok: true, turn: compact<Turn>({ ...base, userMessage: text }) };
	}

	const broadcast = event.source === undefined ? undefined : BROADCAST_SOURCES[event.source];
	if (broadcast) return ignore(`HighLevel message sent by ${broadcast} is not a reply`);
	const sentByPerson =
		event.userId !== undefined && !(event.source && AUTOMATED_SOURCES.has(event.source));
	if (sentByPerson) {
		// A person's reply counts even without text (a call, an attachment): staff took over.
		return { ok: true, turn: compact<Turn>({ ...base, botReply: text, staffReply: true }) };
	}
	if (!text) return ignore(noTextReason(event));
	return { ok: true, turn: compact<Turn>({ ...base, botReply: text, staffReply: false }) };
}

function noTextReason(event: HighLevelMessageEvent): string {
	const kind = event.messageType ? `${event.messageType} ` : '';
	return `HighLevel ${kind}message has no text (call, voicemail or attachment only)`;
}

function fromWorkflow(payload: HighLevelWorkflowPayload): InboundResult {
	const text = messageText(payload.message.body);
	if (!text) {
		return ignore(
			'HighLevel workflow webhook has no message text: start the workflow with a message trigger such as "Customer Replied"',
		);
	}
	const messageType = payload.message.type;
	const name =
		payload.full_name ??
		([payload.first_name, payload.last_name].filter(Boolean).join(' ') || undefined);
	return {
		ok: true,
		turn: compact<Turn>({
			// A HighLevel contact has one conversation per location, so the contact id is a stable
			// conversation key when the user did not add `conversationId` to the custom data.
			conversationId:
				payload.customData?.conversationId ?? payload.conversationId ?? payload.contact_id,
			contactId: payload.contact_id,
			platform: 'highlevel',
			locationId: payload.location?.id,
			channel:
				payload.customData?.channel ??
				(typeof messageType === 'string' && messageType.trim() !== ''
					? messageType.trim()
					: undefined),
			userMessage: text,
			contact: contactOf({ name, email: payload.email, phone: payload.phone }),
		}),
	};
}

/** Reads a HighLevel app webhook or workflow webhook body. */
export function parseHighLevel(body: unknown): InboundResult {
	if (!isPlainObject(body)) return notAnObject(body);

	if (typeof body.type === 'string' && body.type !== '') {
		if (body.type !== 'InboundMessage' && body.type !== 'OutboundMessage') {
			return ignore(`HighLevel event "${body.type}" is not a message`);
		}
		const parsed = parseWith(highLevelMessageEventSchema, body);
		return parsed.ok ? fromMessageEvent(parsed.data) : fail(parsed.error);
	}
	if ('contact_id' in body || 'location' in body) {
		const parsed = parseWith(highLevelWorkflowSchema, body);
		return parsed.ok ? fromWorkflow(parsed.data) : fail(parsed.error);
	}
	return fail(
		'Invalid payload: "type" (HighLevel app webhook) or "contact_id" (HighLevel workflow webhook) is required',
	);
}
