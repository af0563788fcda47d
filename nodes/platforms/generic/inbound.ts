/**
 * The generic payload: the Turn itself (DESIGN.md §3), for any bot that can POST JSON.
 *
 * ```json
 * { "conversationId": "c-42", "userMessage": "can I talk to a person?", "botReply": "…",
 *   "botConfidence": 0.3, "botUnanswered": false, "contactId": "u-7", "channel": "web",
 *   "contact": { "name": "Ana", "email": "ana@example.com", "phone": "+34…" } }
 * ```
 * Ids may be numbers; numbers and booleans may also arrive as text ("0.3", "true"), as values typed
 * into low-code tools do.
 */
import { z } from 'zod';

import type { Platform, Turn } from '../../engine/types';
import {
	compact,
	contactOf,
	fail,
	flexibleBoolean,
	flexibleNumber,
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

const BETWEEN_0_AND_1 = 'must be a number between 0 and 1';

export const genericTurnSchema = z
	.object({
		conversationId: requiredId,
		// A webhook body says nothing about the platform: see parseGeneric.
		platform: z
			.literal('generic', {
				errorMap: () => ({
					message:
						'must be "generic" or left out: HighLevel and Chatwoot turns come through their own webhooks, or the Handover Check\'s Platform',
				}),
			})
			.nullish(),
		contactId: optionalId,
		accountId: optionalId,
		locationId: optionalId,
		channel: optionalText,
		userMessage: z.string().nullish(),
		botReply: z.string().nullish(),
		botConfidence: flexibleNumber(
			z
				.number({ invalid_type_error: BETWEEN_0_AND_1 })
				.min(0, BETWEEN_0_AND_1)
				.max(1, BETWEEN_0_AND_1),
		),
		botUnanswered: flexibleBoolean('must be true or false'),
		staffReply: flexibleBoolean('must be true or false'),
		contact: z
			.object({ name: optionalText, email: optionalText, phone: optionalText })
			.passthrough()
			.nullish(),
		timestamp: z.union([z.string(), z.number()]).nullish(),
		/** The bot's id of this message: a delivery seen again is answered as the first, once. */
		messageId: optionalId,
		/** "resolved": the conversation's handover is over and the bot has it again. */
		event: z.string().nullish(),
	})
	.passthrough();

export interface GenericParseOptions {
	/**
	 * The platform the conversation lives on, from a trusted source (the Handover Check's own
	 * Platform parameter); 'generic' when absent.
	 */
	platform?: string;
}

const PLATFORMS: readonly Platform[] = ['highlevel', 'chatwoot', 'generic'];

/**
 * Reads the generic payload. Its turns are generic turns, keyed as such: a body that anyone able
 * to reach the webhook can write must not be able to say it belongs to a HighLevel or Chatwoot
 * conversation, and so pause, count or hand over that conversation's state. Only a trusted
 * caller names another platform, through `options`.
 */
export function parseGeneric(body: unknown, options: GenericParseOptions = {}): InboundResult {
	if (!isPlainObject(body)) return notAnObject(body);
	const platform = options.platform ?? 'generic';
	if (!PLATFORMS.includes(platform as Platform)) {
		return fail(`Invalid payload: "platform" must be one of ${PLATFORMS.join(', ')}`);
	}
	const parsed = parseWith(genericTurnSchema, body);
	if (!parsed.ok) return fail(parsed.error);
	const payload = parsed.data;

	if (payload.event === 'resolved') {
		return {
			ok: true,
			close: compact({
				platform: platform as Platform,
				conversationId: payload.conversationId,
				accountId: payload.accountId,
				locationId: payload.locationId,
			}),
			why: 'resolved',
		};
	}
	const userMessage = messageText(payload.userMessage);
	const botReply = messageText(payload.botReply);
	// A person's reply is news even without text; anything else needs words to judge.
	if (!userMessage && !botReply && payload.staffReply !== true) {
		return fail('Invalid payload: "userMessage" or "botReply" is required (non-empty text)');
	}
	return {
		ok: true,
		turn: compact<Turn>({
			conversationId: payload.conversationId,
			contactId: payload.contactId,
			platform: platform as Platform,
			accountId: payload.accountId,
			locationId: payload.locationId,
			channel: payload.channel,
			userMessage,
			botReply,
			botConfidence: payload.botConfidence ?? undefined,
			botUnanswered: payload.botUnanswered ?? undefined,
			staffReply: payload.staffReply ?? undefined,
			contact: payload.contact ? contactOf(payload.contact) : undefined,
			timestamp: toIsoTimestamp(payload.timestamp),
			messageId: payload.messageId,
		}),
	};
}
