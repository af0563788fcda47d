import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { TaskResult } from '../event/actionResults';
import { requiredString } from '../shared/parameters';
import { platformAccess, type ActionPlatform } from '../platforms/platformList';
import { readableDate, taskBody } from './taskBody';

const HOUR_MS = 60 * 60 * 1000;

/** Conversation custom attributes the Chatwoot note comes with, so the team can filter and sort. */
export const CHATWOOT_TASK_ATTRIBUTES = {
	title: 'handover_task_title',
	due: 'handover_task_due',
} as const;

function optionalString(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

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
 * A HighLevel task on the contact, or on Chatwoot (which has no tasks) a private note that reads
 * as one and mentions the assignee, plus conversation attributes to filter and sort by.
 */
export async function createTask(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
): Promise<TaskResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const title = requiredString(context, 'title', 'Title', itemIndex);
	const description = optionalString(context, 'description', itemIndex);
	const messageCount = Number(context.getNodeParameter('lastMessages', itemIndex, 5)) || 0;
	const body = taskBody(item, description, messageCount);
	const assigneeId = optionalString(context, 'assigneeId', itemIndex);
	const due = dueDate(context, itemIndex, new Date());

	const access = await platformAccess(context, platform, itemIndex);
	if (access.platform === 'highlevel') {
		const contactId = requiredString(context, 'contactId', 'Contact ID', itemIndex);
		const task = await access.client.createTask(contactId, {
			title,
			body,
			dueDate: due,
			...(assigneeId ? { assignedTo: assigneeId } : {}),
		});
		return {
			platform,
			kind: 'task',
			id: task.id,
			contactId,
			title: task.title,
			dueDate: task.dueDate,
			assigneeId: task.assignedTo ?? null,
		};
	}

	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	if (assigneeId && !/^\d+$/.test(assigneeId)) {
		throw new NodeOperationError(context.getNode(), 'Assignee ID is not a Chatwoot agent ID', {
			itemIndex,
			description: `Got "${assigneeId}" for item ${itemIndex}: use the agent's number (Settings → Agents), or leave it empty`,
		});
	}
	const dueIso = due.toISOString();
	const heading = `Task: ${title} — due ${readableDate(due, context.getTimezone())}`;
	const mention = assigneeId
		? `Assigned to ${access.client.mention({
				id: assigneeId,
				name: optionalString(context, 'assigneeName', itemIndex),
			})}`
		: undefined;
	// Attributes first: setting them twice is harmless, while the note is a POST that a retry after
	// a failure further on would write twice.
	await access.client.mergeCustomAttributes(conversationId, {
		[CHATWOOT_TASK_ATTRIBUTES.title]: title,
		[CHATWOOT_TASK_ATTRIBUTES.due]: dueIso,
	});
	const note = await access.client.sendMessage(conversationId, {
		content: [heading, body, mention].filter(Boolean).join('\n\n'),
		private: true,
	});
	return {
		platform,
		kind: 'note',
		id: note.id,
		conversationId,
		title,
		dueDate: dueIso,
		assigneeId: assigneeId || null,
	};
}
