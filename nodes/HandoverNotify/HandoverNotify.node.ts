import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { actionFieldExpression } from '../event/actionResults';
import { runForEachItem } from '../shared/actionRunner';
import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';
import {
	PLATFORM_NAME,
	authenticationProperties,
	subjectProperties,
	platformCredentials,
	platformProperty,
} from '../shared/properties';
import { notify } from './notify';

const webhookChannels = ['slack', 'teams', 'discord', 'webhook'];

export class HandoverNotify implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Notify',
		name: 'handoverNotify',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{"Notify via " + ($parameter["channel"] === "platform" ? ${PLATFORM_NAME} + " note" : ({"slack": "Slack", "teams": "Microsoft Teams", "discord": "Discord", "webhook": "a webhook"})[$parameter["channel"]])}}`,
		description:
			'Tells the person taking over who is waiting, why, the last messages and where to answer: a Chatwoot private note, a HighLevel contact note, or Slack, Teams, Discord or any webhook',
		defaults: { name: 'Notify' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// The platform credential also builds the link to the conversation on webhook channels.
		credentials: [...(platformCredentials ?? []), redisStoreCredential],
		properties: [
			platformProperty,
			...authenticationProperties,
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'options',
				default: 'platform',
				options: [
					{
						name: 'Note on the Platform',
						value: 'platform',
						description:
							'Chatwoot: a private note that @mentions the recipient. HighLevel: a contact note, with the recipient following the contact.',
					},
					{ name: 'Slack', value: 'slack', description: 'A Slack incoming webhook' },
					{
						name: 'Microsoft Teams',
						value: 'teams',
						description: 'A Teams incoming webhook that takes MessageCard JSON',
					},
					{ name: 'Discord', value: 'discord', description: 'A Discord channel webhook' },
					{
						name: 'Generic Webhook',
						value: 'webhook',
						description:
							'Any URL; gets the notification as JSON (title, text, contact, reason, transcript, link)',
					},
				],
				description: 'Where the notification goes',
			},
			{
				displayName:
					"Chatwoot notifies agents mentioned in a private note. HighLevel's API cannot message a user directly, so the recipient is made a follower of the contact (HighLevel notifies followers) and the summary is added as a note on the contact, written as the recipient.",
				name: 'platformNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { channel: ['platform'] } },
			},
			{
				displayName: 'Recipient',
				name: 'recipientId',
				type: 'string',
				default: actionFieldExpression('assign', 'userId'),
				displayOptions: { show: { channel: ['platform'] } },
				required: true,
				description:
					'User ID (HighLevel) or agent number (Chatwoot) to notify; by default the person Handover Assign chose. Separate several with commas.',
			},
			{
				displayName: 'Recipient',
				name: 'recipientId',
				type: 'string',
				default: actionFieldExpression('assign', 'userId'),
				displayOptions: { show: { channel: webhookChannels } },
				description:
					'Who the notification names as assignee; by default the person Handover Assign chose. Empty leaves the name out.',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://hooks.slack.com/services/…',
				displayOptions: { show: { channel: webhookChannels } },
				description:
					'The incoming-webhook URL the service gave you; it is a secret, keep it private',
			},
			...subjectProperties,
			{
				displayName: 'Last Messages',
				name: 'transcriptMessages',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'How many of the last messages of the conversation to include; 0 for none',
			},
			{
				displayName: 'Custom Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				description:
					'Your own text instead of the contact, reason and messages (expressions allowed); the title, link and mentions stay. Empty for the built summary.',
			},
			...stateStoreProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(
			this,
			'notify',
			async (itemIndex, item) => await notify(this, itemIndex, item),
		);
	}
}
