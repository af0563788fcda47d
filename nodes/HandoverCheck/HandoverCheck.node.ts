import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { ModelAccess } from '../detector/checkTurn';
import {
	detectorCredentials,
	detectorOptionFields,
	optionsCollection,
	triggersProperty,
} from '../detector/properties';
import {
	DEFAULT_ASK_BELOW,
	DEFAULT_MODEL_TIMEOUT_MS,
	OpinionCache,
} from '../detector/secondOpinion';
import { stateStoreProperties } from '../shared/storeProperties';
import { isStoreUnavailable } from '../store/StoreUnavailable';
import { askModelOf } from './chatModel';
import { checkItem, outputItem } from './checkItem';

/** Output indexes, in the order of `outputNames`. */
const OUTPUT = { botReplies: 0, handOver: 1, botPaused: 2 } as const;

/** Verdicts per conversation and turn, shared by every Check in this n8n process. */
const opinions = new OpinionCache();

// Not a tool: the Check routes the workflow between three outputs, which an AI Agent cannot follow.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class HandoverCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Check',
		name: 'handoverCheck',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Bot replies, hand over, or stay quiet',
		description:
			'Checks each turn of a bot built in n8n: hand over to a person, let the bot reply, or keep it quiet while a person has the conversation',
		defaults: { name: 'Handover Check' },
		inputs: [
			NodeConnectionTypes.Main,
			{
				type: NodeConnectionTypes.AiLanguageModel,
				displayName: 'Model',
				required: false,
				maxConnections: 1,
			},
		],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Bot Replies', 'Hand Over', 'Bot Paused'],
		credentials: detectorCredentials?.filter((credential) => credential.name === 'redis'),
		properties: [
			{
				displayName:
					"Put this between your chat trigger and your AI Agent. Bot Replies: let the bot answer. Hand Over: a person is needed now; the item is the Handover Detector event, so the Handover action nodes work after it. Bot Paused: a person has the conversation; the bot stays quiet. A second Handover Check after the AI Agent, given the agent's reply as Bot's Reply (Turn Details) and no message, tells when the bot lacks the information. A chat model connected below is asked only about turns the rules are unsure of.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Conversation ID',
				name: 'conversationId',
				type: 'string',
				default: '={{ $json.sessionId }}',
				required: true,
				description:
					"The conversation's ID; the Chat Trigger's session ID by default. Use the same ID as the Handover Detector if both see this conversation. After the AI Agent, name the node that has it, e.g. {{ $('Handover Check').item.json.sessionId }}.",
			},
			{
				displayName: "Contact's Message",
				name: 'message',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '={{ $json.chatInput }}',
				description:
					"What the contact wrote; the Chat Trigger's message by default. Empty in a Check of the bot's reply.",
			},
			{
				displayName: 'Turn Details',
				name: 'turnDetails',
				type: 'collection',
				placeholder: 'Add Detail',
				default: {},
				options: [
					{
						displayName: "Bot's Reply",
						name: 'botReply',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						description:
							"The bot's reply to this message, to tell when it lacks the information and how the bot took the message. In a second Handover Check after the AI Agent: the agent's output, with Contact's Message empty.",
					},
					{
						displayName: 'Bot Confidence',
						name: 'botConfidence',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
						default: 1,
						description: "The bot's own confidence in its reply, 0–1",
					},
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'string',
						default: '',
						placeholder: 'e.g. WhatsApp',
						description: 'Where the contact writes from; Send Message answers there on HighLevel',
					},
					{
						displayName: 'Chatwoot Account ID',
						name: 'accountId',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Contact Email',
						name: 'contactEmail',
						type: 'string',
						placeholder: 'name@email.com',
						default: '',
					},
					{
						displayName: 'Contact ID',
						name: 'contactId',
						type: 'string',
						default: '',
						description: 'The contact on the platform (HighLevel contact ID)',
					},
					{
						displayName: 'Contact Name',
						name: 'contactName',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Contact Phone',
						name: 'contactPhone',
						type: 'string',
						default: '',
					},
					{
						displayName: 'HighLevel Location ID',
						name: 'locationId',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Platform',
						name: 'platform',
						type: 'options',
						default: 'generic',
						options: [
							{ name: 'Chatwoot', value: 'chatwoot' },
							{ name: 'Generic', value: 'generic' },
							{ name: 'HighLevel', value: 'highlevel' },
						],
						description:
							'Where the conversation lives, so the Handover actions can act on it; Generic for a chat only n8n sees',
					},
					{
						displayName: 'Written by a Person',
						name: 'staffReply',
						type: 'boolean',
						default: false,
						description:
							'Whether this reply was written by a member of staff: the bot then stays quiet (Bot Paused)',
					},
				],
			},
			triggersProperty,
			...stateStoreProperties,
			optionsCollection([
				...detectorOptionFields,
				{
					displayName: 'Ask the Model Below Confidence',
					name: 'askModelBelow',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
					default: DEFAULT_ASK_BELOW,
					description:
						"With a chat model connected: turns where the rules' confidence in their decision is below this are put to the model. 0 never asks; 1 asks on every turn.",
				},
				{
					displayName: 'Model Timeout (Seconds)',
					name: 'modelTimeoutSeconds',
					type: 'number',
					typeOptions: { minValue: 0.1, numberPrecision: 1 },
					default: DEFAULT_MODEL_TIMEOUT_MS / 1000,
					description: "After this long without the model's answer, the rules decide",
				},
			]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const outputs: INodeExecutionData[][] = [[], [], []];
		const ask = askModelOf(
			await this.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0),
		);
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const input = items[itemIndex].json;
			try {
				const options = this.getNodeParameter('options', itemIndex, {}) as {
					askModelBelow?: number;
					modelTimeoutSeconds?: number;
				};
				const model: ModelAccess | undefined = ask && {
					ask,
					cache: opinions,
					settings: {
						askBelow: options.askModelBelow ?? DEFAULT_ASK_BELOW,
						timeoutMs: (options.modelTimeoutSeconds ?? DEFAULT_MODEL_TIMEOUT_MS / 1000) * 1000,
					},
				};
				const outcome = await checkItem(this, itemIndex, model);
				outputs[OUTPUT[outcome.route]].push({
					json: outputItem(input, outcome),
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				if (!this.continueOnFail()) {
					throw error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, {
								itemIndex,
								...(isStoreUnavailable(error) && {
									description:
										'The state store did not answer in time; nothing was recorded for this turn. Turn on Retry On Fail, or check the store named above.',
								}),
							});
				}
				// The check failed: the bot answers as it would without this node.
				outputs[OUTPUT.botReplies].push({
					json: { ...input, error: (error as Error).message },
					pairedItem: { item: itemIndex },
				});
			}
		}
		return outputs;
	}
}
