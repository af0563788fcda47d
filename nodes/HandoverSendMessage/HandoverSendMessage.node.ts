import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runForEachItem } from '../shared/actionRunner';
import {
	PLATFORM_NAME,
	authenticationProperties,
	contactIdProperty,
	conversationIdProperty,
	platformsActingOn,
	platformCredentials,
	platformProperty,
} from '../shared/properties';
import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';
import { MESSAGE_TYPE_OPTIONS } from '../platforms/highlevel/messageTypes';
import {
	DEFAULT_AWAY_MESSAGE,
	DEFAULT_EMAIL_SUBJECT,
	DEFAULT_MESSAGE,
	sendMessage,
} from './sendMessage';

const typeOptions = MESSAGE_TYPE_OPTIONS.map(({ name, value }) => ({ name, value }));

export class HandoverSendMessage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Send Message',
		name: 'handoverSendMessage',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{"Send on " + ${PLATFORM_NAME}}}`,
		description:
			'Tells the contact that a person will take over, on the channel they wrote on; sent at most once per handover, even when retried',
		defaults: { name: 'Send Message' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [...(platformCredentials ?? []), redisStoreCredential],
		properties: [
			platformProperty,
			...authenticationProperties,
			contactIdProperty,
			{
				...conversationIdProperty,
				displayOptions: platformsActingOn('conversationId'),
				description:
					'The conversation to reply in; the reply goes out through its own inbox, the channel the contact wrote on. Taken from the Handover Detector event by default.',
			},
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 3 },
				default: DEFAULT_MESSAGE,
				required: true,
				description:
					'What the contact receives; expressions work, e.g. {{ $json.contact.name }} or {{ $json.actions.assign.userName }}',
			},
			{
				displayName: 'Away Message',
				name: 'awayMessage',
				type: 'string',
				typeOptions: { rows: 3 },
				default: DEFAULT_AWAY_MESSAGE,
				description:
					'Sent instead when Handover Assign found no one there (outside its Business Hours, or no agent online). "{{ next opening }}" becomes the next opening, e.g. "Monday 09:00". Empty sends the Message as always.',
			},
			{
				displayName: 'Message Type',
				name: 'messageType',
				type: 'options',
				default: 'fromEvent',
				displayOptions: { show: { platform: ['highlevel'] } },
				options: [
					{
						name: 'From Event',
						value: 'fromEvent',
						description: 'The channel the contact wrote on, from the Handover Detector event',
					},
					...typeOptions,
				],
				description: 'The HighLevel channel to send on',
			},
			{
				displayName: 'Fallback Message Type',
				name: 'fallbackType',
				type: 'options',
				default: 'sms',
				displayOptions: { show: { platform: ['highlevel'], messageType: ['fromEvent'] } },
				options: [
					{
						name: 'Fail the Item',
						value: 'fail',
						description: 'Send nothing and report an error for the item',
					},
					...typeOptions,
				],
				description:
					'Used when the event has no channel or one HighLevel cannot send on (e.g. GMB, calls); the result says why it was used',
			},
			{
				displayName: 'Email Subject',
				name: 'emailSubject',
				type: 'string',
				default: DEFAULT_EMAIL_SUBJECT,
				displayOptions: { show: { platform: ['highlevel'], messageType: ['fromEvent', 'email'] } },
				description: 'Subject of the e-mail when the message goes out as Email',
			},
			...stateStoreProperties,
			{
				displayName:
					'The message is sent once per handover and node: a retried node or workflow skips it (result "sent: false"), also when testing again with the same pinned event.',
				name: 'sentOnceNotice',
				type: 'notice',
				default: '',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(
			this,
			'message',
			async (itemIndex, item) => await sendMessage(this, itemIndex, item),
		);
	}
}
