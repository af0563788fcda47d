import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { actionResult, type NotifyResult } from '../event/actionResults';
import { listParameter, requiredString } from '../shared/parameters';
import {
	platformAccess,
	type ActionPlatform,
	type PlatformAccess,
} from '../platforms/platformList';
import { createApiCall } from '../shared/transport';
import {
	buildNotification,
	webhookBody,
	type Notification,
	type Recipient,
	type WebhookService,
} from './message';

export type NotifyChannel = 'platform' | WebhookService;

const SERVICE_NAMES: Record<WebhookService, string> = {
	slack: 'Slack',
	teams: 'Microsoft Teams',
	discord: 'Discord',
	webhook: 'The webhook',
};

function optionalString(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * Tells the recipients about item `itemIndex`'s handover: who, why, the last messages, the task and
 * the link, on the platform itself or through an incoming webhook.
 */
export async function notify(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
): Promise<NotifyResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const channel = context.getNodeParameter('channel', itemIndex, 'platform') as NotifyChannel;
	const recipientIds = listParameter(context, 'recipientId', itemIndex);
	if (channel === 'platform' && recipientIds.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Recipient is empty', {
			itemIndex,
			description:
				'Add a Handover Assign node before this one or set Recipient to the user ID (HighLevel) or agent number (Chatwoot) to notify',
		});
	}
	const targetField = platform === 'highlevel' ? 'contactId' : 'conversationId';
	const targetLabel = platform === 'highlevel' ? 'Contact ID' : 'Conversation ID';
	// The platform channel writes on the contact or conversation; a webhook only links to it.
	const targetId =
		channel === 'platform'
			? requiredString(context, targetField, targetLabel, itemIndex)
			: optionalString(context, targetField, itemIndex);
	if (platform === 'chatwoot') {
		checkChatwootIds(context, itemIndex, targetId, channel, recipientIds);
	}
	// Checked before any call, so that a mistyped URL costs no platform request.
	const url = channel === 'platform' ? '' : webhookUrl(context, itemIndex, channel);

	const access = await platformAccess(context, platform, itemIndex);
	const notification = buildNotification(item, {
		recipients: await recipientsOf(access, item, recipientIds),
		...(targetId ? { link: access.conversationLink(targetId) } : {}),
		transcriptMessages: Number(context.getNodeParameter('transcriptMessages', itemIndex, 5)) || 0,
		override: optionalString(context, 'message', itemIndex),
	});
	const result = {
		channel,
		recipientId: recipientIds[0] ?? '',
		recipientIds,
		...(targetId ? { [targetField]: targetId } : {}),
	};

	if (channel === 'platform') {
		return { ...result, ...(await deliverOnPlatform(access, targetId, notification)) };
	}
	const status = await postToWebhook(
		context,
		itemIndex,
		channel,
		url,
		webhookBody(channel, notification),
	);
	return { ...result, delivered: true, status };
}

function checkChatwootIds(
	context: IExecuteFunctions,
	itemIndex: number,
	conversationId: string,
	channel: NotifyChannel,
	recipientIds: string[],
): void {
	if (conversationId && !/^\d+$/.test(conversationId)) {
		throw new NodeOperationError(
			context.getNode(),
			'Conversation ID is not a Chatwoot conversation number',
			{
				itemIndex,
				description: `Got "${conversationId}": use the number in the conversation's address, which the Handover Detector event carries as conversationId`,
			},
		);
	}
	const notANumber = recipientIds.find((id) => !/^\d+$/.test(id));
	// A mention of a non-number would render but notify no one.
	if (channel === 'platform' && notANumber !== undefined) {
		throw new NodeOperationError(context.getNode(), 'Recipient is not a Chatwoot agent number', {
			itemIndex,
			description: `Got "${notANumber}": use the agent's number (Settings → Agents), or leave the default to notify the agent Handover Assign chose`,
		});
	}
}

/**
 * Recipients with their names: Handover Assign's assignee is named in the event; anyone else is
 * looked up in the platform's user list.
 */
async function recipientsOf(
	access: PlatformAccess,
	item: IDataObject,
	ids: string[],
): Promise<Recipient[]> {
	const names = new Map<string, string>();
	const assigned = actionResult(item, 'assign');
	if (
		assigned?.userId !== undefined &&
		typeof assigned.userName === 'string' &&
		assigned.userName
	) {
		names.set(String(assigned.userId), assigned.userName);
	}
	if (ids.some((id) => !names.has(id))) {
		try {
			for (const person of await access.listPeople()) {
				if (!names.has(person.id)) names.set(person.id, person.name);
			}
		} catch {
			// Names are only labels; a token that may not list users (a Chatwoot agent bot's) can
			// still notify by ID, and a real credential problem fails the delivery itself.
		}
	}
	const fallback = access.platform === 'chatwoot' ? 'Agent' : 'User';
	return ids.map((id) => ({ id, name: names.get(id) ?? `${fallback} ${id}` }));
}

/**
 * Chatwoot: a private note that @mentions each recipient; Chatwoot notifies mentioned agents.
 * HighLevel, whose API cannot message a user: the recipients follow the contact and the summary
 * is written as a note on it.
 */
async function deliverOnPlatform(
	access: PlatformAccess,
	targetId: string,
	notification: Notification,
): Promise<Pick<NotifyResult, 'delivered' | 'messageId' | 'noteId' | 'followersAdded'>> {
	const recipientIds = notification.recipients.map((recipient) => recipient.id);
	if (access.platform === 'chatwoot') {
		const mentions = notification.recipients.map((recipient) => access.client.mention(recipient));
		const note = await access.client.sendMessage(targetId, {
			content: `${mentions.join(' ')}\n${notification.text}`,
			private: true,
		});
		return { delivered: true, messageId: note.id };
	}
	// Followers first: adding them twice is harmless, while the note is a POST that running the
	// item again after a failure would write twice.
	const followers = await access.client.addFollowers(targetId, recipientIds);
	const note = await access.client.createNote(targetId, {
		body: notification.text,
		userId: recipientIds[0],
	});
	return { delivered: true, noteId: note.id, followersAdded: followers.followersAdded };
}

function webhookUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	service: WebhookService,
): string {
	const url = requiredString(context, 'webhookUrl', 'Webhook URL', itemIndex);
	let protocol: string | undefined;
	try {
		protocol = new URL(url).protocol;
	} catch {
		protocol = undefined;
	}
	if (protocol !== 'https:' && protocol !== 'http:') {
		const where = service === 'webhook' ? 'your service' : SERVICE_NAMES[service];
		throw new NodeOperationError(context.getNode(), 'Webhook URL is not an http(s) address', {
			itemIndex,
			description: `Paste the whole incoming-webhook URL from ${where}, starting with https://`,
		});
	}
	return url;
}

function answerText(body: unknown): string {
	if (typeof body === 'string') return body.slice(0, 300);
	return body === undefined || body === null ? '' : JSON.stringify(body).slice(0, 300);
}

function refusal(name: string, status: number): string {
	if (status === 404 || status === 410) {
		return `${name} says the webhook does not exist (${status}): check the webhook URL`;
	}
	if (status === 401 || status === 403) {
		return `${name} refused the webhook (${status}): check the webhook URL, it may have been revoked`;
	}
	if (status === 429) return `${name} rate limit still exceeded after retries: try again later`;
	if (status >= 500)
		return `${name} had a server error (${status}): try again later, or check the webhook URL`;
	return `${name} refused the notification (${status}): check the webhook URL`;
}

/**
 * POSTs the notification to an incoming webhook through the package transport, with its retry
 * rules: a POST is sent again only after 429 or 503, which mean it was not taken; anything else is
 * not, because the service may already have posted it. The URL carries the secret: no credential.
 */
async function postToWebhook(
	context: IExecuteFunctions,
	itemIndex: number,
	service: WebhookService,
	url: string,
	body: object,
): Promise<number> {
	const name = SERVICE_NAMES[service];
	const call = createApiCall(context, {
		platformName: name,
		baseUrl: url,
		credentialHint: 'the webhook URL',
		itemIndex,
		unreachableMessage: `Could not reach ${name === 'The webhook' ? 'the webhook' : name}: check the webhook URL and the network`,
		explainFailure: (status, answer) => {
			const said = answerText(answer);
			return {
				message: refusal(name, status),
				...(said ? { description: `${name} answered: ${said}` } : {}),
				errorBody: { message: said },
			};
		},
	});
	const response = await call({ method: 'POST', path: '', body: body as IDataObject });
	return response.status;
}
