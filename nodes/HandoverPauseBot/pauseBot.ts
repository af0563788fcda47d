import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { PauseResult } from '../event/actionResults';
import { conversationKeyForItem } from '../conversation/conversationKey';
import { pauseConversation } from '../conversation/conversationState';
import { listParameter, requiredString } from '../shared/parameters';
import { platformAccess, type ActionPlatform } from '../platforms/platformList';
import { storeFromParameters } from '../shared/storeProvider';
import { durationEnd, parseDateTime, type PauseUnit } from './pauseEnd';

export const DEFAULT_PAUSE_TAG = 'ai_paused';

type ChatwootPauseStatus = 'open' | 'snoozed';

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

/**
 * Keeps the bot quiet in the conversation until a time: the pause goes into the store the
 * Handover Detector reads (it answers `botPaused: true` until then, and false again afterwards
 * without anyone undoing it), and the platform is told as far as its API allows.
 */
export async function pauseBot(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
): Promise<PauseResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	const now = new Date();
	const until = pauseUntil(context, itemIndex, now);
	// Every parameter is read before anything changes, so a bad one changes nothing.
	const contactId =
		platform === 'highlevel' ? requiredString(context, 'contactId', 'Contact ID', itemIndex) : '';
	const tags = platform === 'highlevel' ? listParameter(context, 'pauseTag', itemIndex) : [];
	const status = context.getNodeParameter(
		'chatwootStatus',
		itemIndex,
		'open',
	) as ChatwootPauseStatus;
	const access = await platformAccess(context, platform, itemIndex);

	// The store first: it is what keeps the user's bot quiet (the detector answers botPaused), so a
	// failing platform call below must not leave the bot talking.
	const store = await storeFromParameters(context, itemIndex);
	await pauseConversation(
		store,
		conversationKeyForItem(item, platform, access.scope, conversationId),
		until,
		now,
	);

	let platformResult: Pick<PauseResult, 'contactId' | 'tagged' | 'status'>;
	if (access.platform === 'highlevel') {
		// HighLevel's API cannot pause its Conversation AI for one contact; a tag lets the user's
		// HighLevel workflows and bot rules leave the contact alone.
		if (tags.length > 0) await access.client.addTags(contactId, tags);
		platformResult = { contactId, tagged: tags };
	} else {
		// Bots answer pending conversations; open puts it in the agents' queue, snoozed hides it
		// until the pause ends, when Chatwoot reopens it for the agents.
		const change = await access.client.toggleStatus(
			conversationId,
			status,
			status === 'snoozed' ? until : undefined,
		);
		platformResult = { status: change.current_status ?? status };
	}

	return { platform, conversationId, until: until.toISOString(), ...platformResult };
}
