import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import type { MessageResult } from '../event/actionResults';
import type { HighLevelMessageType } from '../platforms/highlevel/client';
import { requiredString } from '../shared/parameters';
import {
	platformAccess,
	type ActionPlatform,
	type PlatformAccess,
} from '../platforms/platformList';
import { storeFromParameters } from '../shared/storeProvider';
import { typeForChannel, typeOfOption } from './messageTypes';

export const DEFAULT_MESSAGE = 'Thank you! Someone from the team will get back to you.';
export const DEFAULT_EMAIL_SUBJECT = 'Thank you for your message';

/** How long a sent message blocks another send for the same handover: longer than any retry. */
export const SENT_ONCE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const ALREADY_SENT = 'already sent for this handover';

/**
 * The sent-once key: one per handover and Send Message node, so a retried node or workflow finds
 * it taken while two different Send Message nodes of one flow each send theirs. An item that is
 * not a HandoverEvent falls back to the execution and item, which still covers a node retry.
 */
export function sentOnceKey(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
): string {
	const handoverId = typeof item.handoverId === 'string' ? item.handoverId.trim() : '';
	const scope = handoverId || `${context.getExecutionId()}:${itemIndex}`;
	return `message:${scope}:${context.getNode().name}`;
}

/**
 * True when the platform surely did not take the message: refused (4xx), rate-limited (429) or
 * unavailable (503), or stopped before any request. A dropped connection or another 5xx may come
 * after the message went out, and a second send would reach the contact twice.
 */
function surelyNotSent(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return true;
	const status = Number(error.httpCode);
	if (!Number.isFinite(status) || status === 0) return false;
	return status < 500 || status === 503;
}

/** What a delivery adds to the result: where the message went and its id. */
type Delivered = Omit<MessageResult, 'platform' | 'sent' | 'skipped' | 'idempotencyKey'>;

interface Delivery {
	send: () => Promise<Delivered>;
}

function highLevelDelivery(
	context: IExecuteFunctions,
	access: Extract<PlatformAccess, { platform: 'highlevel' }>,
	itemIndex: number,
	item: IDataObject,
	message: string,
): Delivery {
	const contactId = requiredString(context, 'contactId', 'Contact ID', itemIndex);
	const choice = context.getNodeParameter('messageType', itemIndex, 'fromEvent') as string;
	let type: HighLevelMessageType | undefined;
	let note: string | undefined;
	if (choice === 'fromEvent') {
		const mapped = typeForChannel(item.channel);
		if (mapped.ok) {
			type = mapped.type;
		} else {
			const fallback = context.getNodeParameter('fallbackType', itemIndex, 'sms') as string;
			type = typeOfOption(fallback);
			if (!type) {
				throw new NodeOperationError(
					context.getNode(),
					`Cannot answer on the contact's channel: ${mapped.why}`,
					{
						itemIndex,
						description: `Choose a Message Type, or a Fallback Message Type other than "Fail the Item" (item ${itemIndex})`,
					},
				);
			}
			note = `Sent as ${type}: ${mapped.why}`;
		}
	} else {
		type = typeOfOption(choice);
		if (!type) {
			throw new NodeOperationError(context.getNode(), `Unknown Message Type "${choice}"`, {
				itemIndex,
				description: 'Pick a Message Type from the list',
			});
		}
	}
	const subject =
		type === 'Email'
			? String(
					context.getNodeParameter('emailSubject', itemIndex, DEFAULT_EMAIL_SUBJECT) ?? '',
				).trim() || DEFAULT_EMAIL_SUBJECT
			: undefined;
	const sentType = type;
	return {
		send: async () => {
			const sent = await access.client.sendMessage({
				type: sentType,
				contactId,
				message,
				...(subject !== undefined ? { subject } : {}),
			});
			return {
				contactId,
				conversationId: sent.conversationId,
				messageId: sent.messageId,
				type: sentType,
				...(note !== undefined ? { note } : {}),
			};
		},
	};
}

function chatwootDelivery(
	context: IExecuteFunctions,
	access: Extract<PlatformAccess, { platform: 'chatwoot' }>,
	itemIndex: number,
	item: IDataObject,
	message: string,
): Delivery {
	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	return {
		send: async () => {
			// A public reply goes out through the conversation's own inbox: the contact's channel.
			const sent = await access.client.sendMessage(conversationId, { content: message });
			return {
				conversationId,
				messageId: sent.id,
				...(String(item.conversationId) === conversationId && typeof item.channel === 'string'
					? { channel: item.channel }
					: {}),
			};
		},
	};
}

/**
 * Sends the closing message at most once per handover: the sent-once key is claimed in the store
 * before sending, so a retried node or workflow skips it; it is given back when the platform surely
 * did not take the message, so that a retry can send it then.
 */
export async function sendMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
): Promise<MessageResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const message = requiredString(context, 'message', 'Message', itemIndex);
	const access = await platformAccess(context, platform, itemIndex);
	// Everything that can be wrong with the parameters fails here, before the key is claimed.
	const delivery =
		access.platform === 'highlevel'
			? highLevelDelivery(context, access, itemIndex, item, message)
			: chatwootDelivery(context, access, itemIndex, item, message);

	const store = await storeFromParameters(context, itemIndex);
	const key = sentOnceKey(context, itemIndex, item);
	if (!(await store.claimOnce(key, SENT_ONCE_TTL_MS))) {
		return { platform, sent: false, skipped: ALREADY_SENT, idempotencyKey: key };
	}
	try {
		const result = await delivery.send();
		return { platform, sent: true, ...result, idempotencyKey: key };
	} catch (error) {
		if (surelyNotSent(error)) {
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
