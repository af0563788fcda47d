import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { actionResult, type MessageResult } from '../event/actionResults';
import { optionalString, requiredString, subjectParameter } from '../shared/parameters';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import { handoverActionKey, ONCE_TTL_MS, surelyNotDone } from '../shared/oncePerHandover';
import { storeFromParameters } from '../shared/storeProvider';

export const DEFAULT_MESSAGE = 'Thank you! Someone from the team will get back to you.';
export const DEFAULT_EMAIL_SUBJECT = 'Thank you for your message';
export const DEFAULT_AWAY_MESSAGE =
	'Thanks! Our team is away right now and will get back to you from {{ next opening }}.';

const NEXT_OPENING = /\{\{\s*next opening\s*\}\}/gi;

/**
 * The away text with the next opening filled in. Without a known opening (agents offline, no
 * business hours), "from {{ next opening }}" reads "as soon as possible".
 */
export function awayText(template: string, openingText: string | undefined): string {
	if (openingText) return template.replace(NEXT_OPENING, openingText);
	return template
		.replace(/\bfrom\s+\{\{\s*next opening\s*\}\}/gi, 'as soon as possible')
		.replace(NEXT_OPENING, 'soon');
}

/** The text to send: the away text when Assign found no one there and the user gave one. */
function messageFor(context: IExecuteFunctions, itemIndex: number, item: IDataObject) {
	const message = requiredString(context, 'message', 'Message', itemIndex);
	const assigned = actionResult(item, 'assign');
	if (assigned?.available !== false) return { text: message, away: false };
	const template = optionalString(context, 'awayMessage', itemIndex);
	if (!template) return { text: message, away: false };
	return { text: awayText(template, assigned.nextOpeningText), away: true };
}

/** How long a sent message blocks another send for the same handover: longer than any retry. */
export const SENT_ONCE_TTL_MS = ONCE_TTL_MS;

export const ALREADY_SENT = 'already sent for this handover';

/** The sent-once key: one per handover and Send Message node (see handoverActionKey). */
export const sentOnceKey = (context: IExecuteFunctions, itemIndex: number, item: IDataObject) =>
	handoverActionKey(context, itemIndex, item, 'message');

/**
 * Sends the closing message at most once per handover: the sent-once key is claimed in the store
 * before sending, so a retried node or workflow skips it; it is given back when the platform surely
 * did not take the message, so that a retry can send it then.
 */
export async function sendMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	connect = connectPlatform,
): Promise<MessageResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const { text: message, away } = messageFor(context, itemIndex, item);
	const adapter = await connect(context, platform, itemIndex);
	// Everything that can be wrong with the parameters fails here, before the key is claimed.
	const delivery = adapter.prepareReply(subjectParameter(context, adapter, itemIndex), {
		message,
		eventChannel: item.channel,
		eventConversationId: item.conversationId,
		messageType: context.getNodeParameter('messageType', itemIndex, 'fromEvent') as string,
		fallbackType: context.getNodeParameter('fallbackType', itemIndex, 'sms') as string,
		emailSubject: optionalString(context, 'emailSubject', itemIndex) || DEFAULT_EMAIL_SUBJECT,
	});

	const store = await storeFromParameters(context, itemIndex);
	const key = sentOnceKey(context, itemIndex, item);
	if (!(await store.claimOnce(key, SENT_ONCE_TTL_MS))) {
		return { platform, sent: false, skipped: ALREADY_SENT, idempotencyKey: key };
	}
	try {
		const result = await delivery.send();
		return { platform, sent: true, ...result, ...(away && { away }), idempotencyKey: key };
	} catch (error) {
		if (surelyNotDone(error)) {
			// The send's own error is the one to show; a store that also fails keeps the key taken.
			await store.releaseClaim(key).catch(() => undefined);
		} else if (error instanceof NodeApiError) {
			error.description = [
				error.description,
				'The message may have been delivered, so it will not be sent again for this handover (sent at most once).',
			]
				.filter(Boolean)
				.join(' ');
		}
		if (error instanceof NodeApiError || error instanceof NodeOperationError) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already says what to fix
			throw error;
		}
		throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	}
}
