import * as workflow from 'n8n-workflow';
import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { detectionProperties, detectorCredentials } from '../detector/properties';
import { receiveTurn } from './receiveTurn';

const PATH_TEMPLATE = '={{$parameter["path"]}}';

/**
 * The webhook path follows the Path parameter. Declared with a native resolver where the running
 * n8n has one (2.40+), so n8n reads the parameter directly instead of starting its expression
 * engine on every webhook call; older n8n evaluates the same template.
 */
function pathField(): { path: string } {
	const { webhookDescriptionFields, fromParameter } = workflow as Partial<typeof workflow>;
	if (typeof webhookDescriptionFields !== 'function' || typeof fromParameter !== 'function') {
		return { path: PATH_TEMPLATE };
	}
	return webhookDescriptionFields({ path: fromParameter('path') }) as { path: string };
}

// The user pastes the URL into their platform (like n8n's own Webhook node): nothing is registered
// on a third-party service, so there is no checkExists/create/delete to implement.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class HandoverDetectorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Detector Trigger',
		name: 'handoverDetectorTrigger',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST /" + $parameter["path"]}}',
		description:
			'Receives each chatbot turn and starts the workflow when a human is needed: the contact asks for one, the bot lacks the information, or it failed to resolve the issue',
		defaults: { name: 'Handover Detector' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: detectorCredentials,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				isFullPath: true,
				...pathField(),
			},
		],
		properties: [
			{
				displayName:
					'Point your chat platform at the Production URL above (HighLevel workflow or app webhook, Chatwoot webhook or agent bot, or any bot that POSTs JSON). Each turn is answered at once with {handover, reason, handoverId, botPaused, pausedUntil}; only turns that hand over start an execution.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'handover',
				required: true,
				description: 'The last part of the webhook URL',
			},
			...detectionProperties,
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveTurn(this);
	}
}
