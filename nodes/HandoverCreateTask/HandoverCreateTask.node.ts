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
import { createTask } from './createTask';
import { GENERATED_DESCRIPTION } from './taskBody';

export class HandoverCreateTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Create Task',
		name: 'handoverCreateTask',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{"Follow-up on " + ${PLATFORM_NAME} + ", due in " + $parameter["dueInHours"] + " h"}}`,
		description:
			'Creates a follow-up task for the person taking over: a HighLevel contact task, or on Chatwoot a private note that mentions the assignee',
		defaults: { name: 'Create Task' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [...(platformCredentials ?? []), redisStoreCredential],
		properties: [
			platformProperty,
			...authenticationProperties,
			{
				displayName:
					'Chatwoot has no tasks. This node writes a private note on the conversation that starts with "Task: <title> — due <date>", carries the body, and mentions the assignee so Chatwoot notifies them. It also sets the conversation attributes handover_task_title and handover_task_due (ISO date); add them under Settings → Custom Attributes (Conversation) to filter and sort by them.',
				name: 'chatwootNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { platform: ['chatwoot'] } },
			},
			...subjectProperties,
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: "={{ 'Human handover: ' + ($json.contact?.name || $json.contactId) }}",
				required: true,
				description: 'What the task is called; by default names the contact who needs a person',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				default: GENERATED_DESCRIPTION,
				description: `Text at the top of the task. Left as "${GENERATED_DESCRIPTION}", the node writes a one-line summary of the handover there. The reason and the last messages always follow.`,
			},
			{
				displayName: 'Messages in Body',
				name: 'lastMessages',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 5,
				description: 'How many of the last conversation messages to copy into the task; 0 for none',
			},
			{
				displayName: 'Due In (Hours)',
				name: 'dueInHours',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 24,
				description: 'The task is due this many hours after the node runs',
			},
			{
				displayName: 'Assignee ID',
				name: 'assigneeId',
				type: 'string',
				default: actionFieldExpression('assign', 'userId'),
				description:
					'User (HighLevel) or agent number (Chatwoot) who should do the task; by default the person Handover Assign chose. Empty leaves it unassigned.',
			},
			{
				displayName: 'Assignee Name',
				name: 'assigneeName',
				type: 'string',
				default: actionFieldExpression('assign', 'userName'),
				displayOptions: { show: { platform: ['chatwoot'] } },
				description:
					'Shown in the mention of the note; Chatwoot notifies by the ID, so this is only the text people see',
			},
			...stateStoreProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(
			this,
			'task',
			async (itemIndex, item) => await createTask(this, itemIndex, item),
		);
	}
}
