/**
 * Entry point for the Handover Detector trigger: any supported webhook body → InboundResult.
 * Pure TypeScript, no n8n import.
 */
import { parseChatwoot, type ChatwootParseOptions } from './chatwoot/inbound';
import { parseGeneric } from './generic/inbound';
import { parseHighLevel } from './highlevel/inbound';
import { fail, isPlainObject, notAnObject, type InboundResult } from './payload';

export type { InboundResult } from './payload';
export { MAX_MESSAGE_CHARS, formatPayloadError } from './payload';
export { parseChatwoot, type ChatwootParseOptions } from './chatwoot/inbound';
export { parseGeneric } from './generic/inbound';
export { parseHighLevel } from './highlevel/inbound';

export type PayloadFormat = 'auto' | 'highlevel' | 'chatwoot' | 'generic';
export type DetectedFormat = Exclude<PayloadFormat, 'auto'>;

export interface InboundOptions {
	chatwoot?: ChatwootParseOptions;
}

/**
 * The format a body is in, from fields only that format has, or undefined.
 * - HighLevel app webhook: `type` + `locationId`; workflow webhook: `contact_id` + `location` or
 *   `message`.
 * - Chatwoot: `event` + `account`/`conversation` (message events), or conversation fields at the
 *   top level (`conversation_*` events carry the conversation itself).
 * - Generic: `conversationId`, `userMessage` or `botReply`. Checked last, because HighLevel's
 *   webhooks also have a `conversationId`.
 */
export function detectFormat(body: Record<string, unknown>): DetectedFormat | undefined {
	const has = (key: string) => body[key] !== undefined && body[key] !== null;
	if (typeof body.type === 'string' && has('locationId')) return 'highlevel';
	if (has('contact_id') && (isPlainObject(body.location) || has('message'))) return 'highlevel';
	if (
		typeof body.event === 'string' &&
		['account', 'conversation', 'inbox', 'meta', 'contact_inbox'].some(has)
	) {
		return 'chatwoot';
	}
	if (has('conversationId') || has('userMessage') || has('botReply')) return 'generic';
	return undefined;
}

export function parseInbound(
	body: unknown,
	format: PayloadFormat,
	options: InboundOptions = {},
): InboundResult {
	if (!isPlainObject(body)) return notAnObject(body);
	switch (format) {
		case 'highlevel':
			return parseHighLevel(body);
		case 'chatwoot':
			return parseChatwoot(body, options.chatwoot);
		case 'generic':
			return parseGeneric(body);
		case 'auto':
			break;
		default:
			return fail(
				`Unknown payload format "${String(format)}": use auto, highlevel, chatwoot or generic`,
			);
	}

	const detected = detectFormat(body);
	if (detected === 'highlevel') return parseHighLevel(body);
	if (detected === 'chatwoot') return parseChatwoot(body, options.chatwoot);
	if (detected === 'generic') return parseGeneric(body);
	// Nothing recognisable: the generic format is the documented one for any bot, so say what it
	// lacks, and that the body was not taken for a platform webhook either.
	const generic = parseGeneric(body);
	return generic.ok
		? generic
		: fail(
				`${generic.error}; the body was read as the generic format because it is not a HighLevel or Chatwoot webhook`,
			);
}
