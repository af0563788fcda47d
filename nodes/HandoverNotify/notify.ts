import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { actionResult, type NotifyResult } from '../event/actionResults';
import { listParameter, optionalString, requiredString } from '../shared/parameters';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import { ParameterProblem, type PlatformAdapter } from '../platforms/platformAdapter';
import { handoverActionKey, oncePerHandover } from '../shared/oncePerHandover';
import { storeFromParameters } from '../shared/storeProvider';
import { createApiCall } from '../shared/transport';
import { buildNotification, webhookBody, type Recipient, type WebhookService } from './message';

export type NotifyChannel = 'platform' | WebhookService;

const SERVICE_NAMES: Record<WebhookService, string> = {
	slack: 'Slack',
	teams: 'Microsoft Teams',
	discord: 'Discord',
	webhook: 'The webhook',
};

/**
 * Tells the recipients about item `itemIndex`'s handover: who, why, the last messages, the task and
 * the link, on the platform itself or through an incoming webhook.
 */
export async function notify(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	connect = connectPlatform,
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
	// Checked before any call, so that a mistyped URL costs no platform request.
	const url = channel === 'platform' ? '' : webhookUrl(context, itemIndex, channel);
	const adapter = await connect(context, platform, itemIndex);
	const { field, label } = adapter.descriptor.subject;
	// The platform channel writes on the contact or conversation; a webhook only links to it.
	const targetId =
		channel === 'platform'
			? requiredString(context, field, label, itemIndex)
			: optionalString(context, field, itemIndex);
	if (targetId) adapter.checkSubjectId(targetId);
	if (channel === 'platform') {
		for (const id of recipientIds) checkRecipient(context, itemIndex, adapter, id);
	}

	const store = await storeFromParameters(context, itemIndex);
	// One notification per handover: a re-run gets the first delivery back instead of a second note.
	return await oncePerHandover(
		store,
		handoverActionKey(context, itemIndex, item, 'notify'),
		async () => await deliver(),
	);

	async function deliver(): Promise<NotifyResult> {
		const notification = buildNotification(item, {
			recipients: await recipientsOf(adapter, item, recipientIds),
			...(targetId ? { link: adapter.conversationLink(targetId) } : {}),
			transcriptMessages: Number(context.getNodeParameter('transcriptMessages', itemIndex, 5)) || 0,
			override: optionalString(context, 'message', itemIndex),
		});
		const result = {
			channel,
			recipientId: recipientIds[0] ?? '',
			recipientIds,
			...(targetId ? { [field]: targetId } : {}),
		};

		if (channel === 'platform') {
			const told = await adapter.notifyPeople(targetId, notification.recipients, notification.text);
			return { ...result, delivered: true, ...told };
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
}

/** A recipient the platform cannot notify, said in the words of this node's fields. */
function checkRecipient(
	context: IExecuteFunctions,
	itemIndex: number,
	adapter: PlatformAdapter,
	id: string,
): void {
	try {
		adapter.checkPersonId(id, 'Recipient');
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not a parameter problem: passed on as it came
		if (!(error instanceof ParameterProblem)) throw error;
		throw new NodeOperationError(context.getNode(), error.message, {
			itemIndex,
			description: `${error.description}, or leave the default to notify the person Handover Assign chose`,
		});
	}
}

/**
 * Recipients with their names: Handover Assign's assignee is named in the event; anyone else is
 * looked up in the platform's user list.
 */
async function recipientsOf(
	adapter: PlatformAdapter,
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
			for (const person of await adapter.listPeople()) {
				if (!names.has(person.id)) names.set(person.id, person.name);
			}
		} catch {
			// Names are only labels; a token that may not list users (a Chatwoot agent bot's) can
			// still notify by ID, and a real credential problem fails the delivery itself.
		}
	}
	const noun = adapter.descriptor.personNoun;
	return ids.map((id) => ({ id, name: names.get(id) ?? `${noun} ${id}` }));
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
