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

import type { Turn } from '../../engine/types';
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
		platform: z.enum(['highlevel', 'chatwoot', 'generic']).nullish(),
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
	})
	.passthrough();

/** Reads the generic payload. */
export function parseGeneric(body: unknown): InboundResult {
	if (!isPlainObject(body)) return notAnObject(body);
	const parsed = parseWith(genericTurnSchema, body);
	if (!parsed.ok) return fail(parsed.error);
	const payload = parsed.data;

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
			platform: payload.platform ?? 'generic',
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
		}),
	};
}
