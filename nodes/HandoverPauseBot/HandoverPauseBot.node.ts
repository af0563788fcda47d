import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runForEachItem } from '../shared/actionRunner';
import {
	authenticationProperties,
	contactIdProperty,
	conversationIdProperty,
	platformCredentials,
	platformProperty,
} from '../shared/properties';
import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';
import { DEFAULT_PAUSE_TAG, pauseBot } from './pauseBot';

export class HandoverPauseBot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Pause Bot',
		name: 'handoverPauseBot',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] === "resume" ? "Hand back to the bot" : $parameter["pauseMode"] === "until" ? "Pause until " + $parameter["until"] : "Pause " + $parameter["duration"] + " " + $parameter["unit"]}}',
		description:
			'Keeps the bot quiet in the handed-over conversation for a while (the Handover Detector answers botPaused until then, and the bot resumes by itself afterwards), or hands it back to the bot now',
		defaults: { name: 'Pause Bot' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [...(platformCredentials ?? []), redisStoreCredential],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'pause',
				options: [
					{
						name: 'Pause',
						value: 'pause',
						action: 'Pause the bot',
						description: 'Keep the bot quiet while a person has the conversation',
					},
					{
						name: 'Resume',
						value: 'resume',
						action: 'Hand the conversation back to the bot',
						description:
							'End the pause now: the detector answers botPaused false, the pause tag comes off (HighLevel) or the conversation goes back to pending (Chatwoot)',
					},
				],
			},
			platformProperty,
			...authenticationProperties,
			{
				...conversationIdProperty,
				description:
					'The conversation whose bot is paused, as the Handover Detector keys it; taken from its event by default',
			},
			contactIdProperty,
			{
				displayName: 'Pause',
				name: 'pauseMode',
				type: 'options',
				default: 'duration',
				options: [
					{
						name: 'For a Duration',
						value: 'duration',
						description: 'From now, for a number of minutes, hours or days',
					},
					{ name: 'Until a Time', value: 'until', description: 'Until a date and time' },
				],
				displayOptions: { show: { operation: ['pause'] } },
				description: 'How the end of the pause is given',
			},
			{
				displayName: 'Duration',
				name: 'duration',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 24,
				displayOptions: { show: { operation: ['pause'], pauseMode: ['duration'] } },
				description: 'How long the bot stays quiet, in the unit below',
			},
			{
				displayName: 'Unit',
				name: 'unit',
				type: 'options',
				default: 'hours',
				options: [
					{ name: 'Days', value: 'days' },
					{ name: 'Hours', value: 'hours' },
					{ name: 'Minutes', value: 'minutes' },
				],
				displayOptions: { show: { operation: ['pause'], pauseMode: ['duration'] } },
				description: 'Unit of the duration',
			},
			{
				displayName: 'Pause Until',
				name: 'until',
				type: 'dateTime',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['pause'], pauseMode: ['until'] } },
				description:
					"When the bot may answer again, in the workflow's time zone unless the value carries an offset; must be in the future",
			},
			{
				displayName: 'Pause Tag',
				name: 'pauseTag',
				type: 'string',
				default: DEFAULT_PAUSE_TAG,
				displayOptions: { show: { platform: ['highlevel'] } },
				description:
					"Tag added to the contact on Pause and removed on Resume, because HighLevel's API cannot pause its Conversation AI for one contact: exclude the tag in the bot's rules or workflows. Empty adds and removes no tag.",
			},
			{
				displayName: 'Conversation Status',
				name: 'chatwootStatus',
				type: 'options',
				default: 'open',
				displayOptions: { show: { operation: ['pause'], platform: ['chatwoot'] } },
				options: [
					{
						name: 'Open',
						value: 'open',
						description: "Leaves the bot's pending queue for the agents' queue",
					},
					{
						name: 'Snoozed',
						value: 'snoozed',
						description: 'Hidden until the pause ends, then Chatwoot reopens it for the agents',
					},
				],
				description:
					'What the Chatwoot conversation becomes, so that the agent bot stops answering it',
			},
			...stateStoreProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(
			this,
			'pause',
			async (itemIndex, item) => await pauseBot(this, itemIndex, item),
		);
	}
}
