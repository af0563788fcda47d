/**
 * Pauses that end on their own: every pause the store keeps is noted with its end, and once that
 * time has passed it is handed out exactly once — to the Handover Pause Ended Trigger, whose flow
 * tells the platform (HighLevel's pause tag comes off). No n8n import.
 */
import type { ConversationMemory } from '../engine/types';
import { partsOfKey } from './conversationKey';
import type { HandoverStore } from '../store/HandoverStore';

/** What a pause end carries beyond its conversation's key: who to tell on the platform. */
export interface PauseEndDetail {
	contactId?: string;
}

/** A conversation whose pause has ended, in the fields of a HandoverEvent so actions find it. */
export interface EndedPause {
	platform: string;
	conversationId: string;
	/** HighLevel's location or Chatwoot's account, when the conversation has one. */
	locationId?: string;
	accountId?: string;
	contactId?: string;
	pausedUntil: string;
}

/**
 * Notes the end of the pause the memory now holds, when it changed: a new or longer pause replaces
 * the noted one, so each conversation has at most one pending end.
 */
export async function notePauseEnd(
	store: HandoverStore,
	key: string,
	before: ConversationMemory | undefined,
	after: ConversationMemory,
	detail: PauseEndDetail,
): Promise<void> {
	if (!after.pausedUntil || after.pausedUntil === before?.pausedUntil) return;
	const at = Date.parse(after.pausedUntil);
	if (!Number.isFinite(at)) return;
	await store.schedulePauseEnd(key, at, JSON.stringify(detail));
}

function detailOf(text: string): PauseEndDetail {
	try {
		const parsed = JSON.parse(text) as PauseEndDetail;
		return typeof parsed.contactId === 'string' ? { contactId: parsed.contactId } : {};
	} catch {
		return {};
	}
}

/**
 * Takes the pauses that have ended by `now` (each is handed out once, across processes). A noted
 * end the conversation no longer has — resumed, extended, or forgotten — is dropped: a resume told
 * the platform already, and a longer pause has its own end noted.
 */
export async function takeEndedPauses(
	store: HandoverStore,
	now: Date,
	limit = 100,
): Promise<EndedPause[]> {
	const due = await store.takeDuePauseEnds(now.getTime(), limit);
	const ended: EndedPause[] = [];
	for (const entry of due) {
		const parts = partsOfKey(entry.key);
		if (!parts) continue;
		const memory = await store.getConversation(entry.key);
		if (!memory?.pausedUntil || Date.parse(memory.pausedUntil) !== entry.at) continue;
		const { contactId } = detailOf(entry.detail);
		const scopeField =
			parts.scope === undefined
				? {}
				: parts.platform === 'highlevel'
					? { locationId: parts.scope }
					: { accountId: parts.scope };
		ended.push({
			platform: parts.platform,
			conversationId: parts.conversationId,
			...scopeField,
			...(contactId !== undefined && { contactId }),
			pausedUntil: memory.pausedUntil,
		});
	}
	return ended;
}
