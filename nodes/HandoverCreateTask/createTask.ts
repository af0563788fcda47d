import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { TaskResult } from '../event/actionResults';
import { optionalString, requiredString, subjectParameter } from '../shared/parameters';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import { handoverActionKey, oncePerHandover } from '../shared/oncePerHandover';
import { storeFromParameters } from '../shared/storeProvider';
import { readableDate, taskBody } from './taskBody';

const HOUR_MS = 60 * 60 * 1000;

function dueDate(context: IExecuteFunctions, itemIndex: number, now: Date): Date {
	const hours = Number(context.getNodeParameter('dueInHours', itemIndex, 24));
	if (!Number.isFinite(hours) || hours < 0) {
		throw new NodeOperationError(context.getNode(), 'Due In (Hours) must be 0 or more', {
			itemIndex,
			description: `Got "${String(hours)}" for item ${itemIndex}; 24 makes the task due a day after the handover`,
		});
	}
	return new Date(now.getTime() + hours * HOUR_MS);
}

/**
 * A follow-up for the team: a HighLevel task on the contact, or on Chatwoot (which has no tasks) a
 * private note that reads as one and mentions the assignee.
 */
export async function createTask(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	connect = connectPlatform,
): Promise<TaskResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const title = requiredString(context, 'title', 'Title', itemIndex);
	const description = optionalString(context, 'description', itemIndex);
	const messageCount = Number(context.getNodeParameter('lastMessages', itemIndex, 5)) || 0;
	const body = taskBody(item, description, messageCount);
	const assigneeId = optionalString(context, 'assigneeId', itemIndex);
	const due = dueDate(context, itemIndex, new Date());

	const adapter = await connect(context, platform, itemIndex);
	const subjectId = subjectParameter(context, adapter, itemIndex);
	if (assigneeId) adapter.checkPersonId(assigneeId, 'Assignee ID');
	const store = await storeFromParameters(context, itemIndex);
	// One task per handover: a re-run gets the first task back instead of a second one.
	return await oncePerHandover(
		store,
		handoverActionKey(context, itemIndex, item, 'task'),
		async () => {
			const task = await adapter.createFollowUp(subjectId, {
				title,
				body,
				due,
				dueText: readableDate(due, context.getTimezone()),
				...(assigneeId
					? {
							assignee: {
								id: assigneeId,
								name: optionalString(context, 'assigneeName', itemIndex),
							},
						}
					: {}),
			});
			return { platform, [adapter.descriptor.subject.field]: subjectId, ...task };
		},
	);
}
