import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { PauseResult } from '../event/actionResults';
import { conversationKeyForItem } from '../conversation/conversationKey';
import { closeHandover, pauseConversation } from '../conversation/conversationState';
import { listParameter, requiredString, subjectParameter } from '../shared/parameters';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import type { PauseOutcome, PauseRequest } from '../platforms/platformAdapter';
import { storeFromParameters } from '../shared/storeProvider';
import { durationEnd, parseDateTime, type PauseUnit } from './pauseEnd';

export const DEFAULT_PAUSE_TAG = 'ai_paused';

function pauseUntil(context: IExecuteFunctions, itemIndex: number, now: Date): Date {
	const mode = context.getNodeParameter('pauseMode', itemIndex, 'duration') as string;
	if (mode === 'until') {
		const value = context.getNodeParameter('until', itemIndex, '') as unknown;
		const until = parseDateTime(value, context.getTimezone());
		if (!until) {
			throw new NodeOperationError(context.getNode(), 'Pause Until is not a date', {
				itemIndex,
				description: `Got "${String(value ?? '')}" for item ${itemIndex}: pick a date and time, e.g. 2026-11-26T09:00:00`,
			});
		}
		if (until.getTime() <= now.getTime()) {
			throw new NodeOperationError(context.getNode(), 'Pause Until is in the past', {
				itemIndex,
				description: `Item ${itemIndex} asks to pause until ${until.toISOString()}, which has passed: pick a later time, or set Pause to For a Duration`,
			});
		}
		return until;
	}
	const amount = Number(context.getNodeParameter('duration', itemIndex, 24));
	const unit = context.getNodeParameter('unit', itemIndex, 'hours') as PauseUnit;
	const until = durationEnd(now, amount, unit);
	if (!until) {
		throw new NodeOperationError(context.getNode(), 'Duration must be more than 0', {
			itemIndex,
			description: `Got "${String(amount)} ${String(unit)}" for item ${itemIndex}: e.g. 24 hours`,
		});
	}
	return until;
}

export type PauseOperation = 'pause' | 'resume';

/**
 * Keeps the bot quiet in the conversation until a time (the pause goes into the store the
 * Handover Detector reads: it answers `botPaused: true` until then, and false again afterwards
 * without anyone undoing it, and the platform is told as far as its API allows), or with Resume
 * hands the conversation back to the bot now.
 */
export async function pauseBot(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	connect = connectPlatform,
): Promise<PauseResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const operation = context.getNodeParameter('operation', itemIndex, 'pause') as PauseOperation;
	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	const now = new Date();
	// Every parameter is read before anything changes, so a bad one changes nothing.
	const until = operation === 'resume' ? null : pauseUntil(context, itemIndex, now);
	const adapter = await connect(context, platform, itemIndex);
	const subjectId = subjectParameter(context, adapter, itemIndex);
	const tags = listParameter(context, 'pauseTag', itemIndex);
	const status = context.getNodeParameter(
		'chatwootStatus',
		itemIndex,
		'open',
	) as PauseRequest['status'];

	// The store first: it is what keeps the user's bot quiet (the detector answers botPaused), so a
	// failing platform call below must not leave the bot talking, nor a resumed bot silent.
	const store = await storeFromParameters(context, itemIndex);
	const key = conversationKeyForItem(item, platform, adapter.scope, conversationId);
	const subject = adapter.descriptor.subject.field === 'contactId' ? { contactId: subjectId } : {};
	let told: PauseOutcome;
	if (until === null) {
		// Handing back closes the handover: pause, cool-down and the assignee's open count.
		await closeHandover(store, key, now);
		told = await adapter.resume(subjectId, tags);
	} else {
		await pauseConversation(store, key, until, now, subject);
		told = await adapter.pause(subjectId, { until, tags, status });
	}
	return {
		platform,
		operation,
		conversationId,
		until: until?.toISOString() ?? null,
		...subject,
		...told,
	};
}
