/**
 * The only module that reads or edits conversation memory in the store (beside the engine, which
 * computes the next memory of a turn). The detector core and Pause Bot both go through it, so the
 * memory's shape, its lifetime and the pause field are decided here once. No n8n import.
 */
import { emptyMemory } from '../engine/detectHandover';
import type { ConversationMemory } from '../engine/types';
import type { HandoverStore } from '../store/HandoverStore';
import { notePauseEnd, type PauseEndDetail } from './pauseEnds';

/** Conversation memory is kept this long after its last turn. */
export const MEMORY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The memory with the bot paused until `until`: the detector answers botPaused until then. */
function pausedUntil(memory: ConversationMemory, until: Date): ConversationMemory {
	return { ...memory, pausedUntil: until.toISOString() };
}

/** What a turn's detection gives back: the next memory and whether it hands over. */
export interface TurnDecision<T> {
	memory: ConversationMemory;
	handover: boolean;
	result: T;
}

export interface HandoverRecord {
	handoverId: string;
	/** The contact on the platform, noted with a pause so that its end can be told there. */
	contactId?: string;
	/** Pause the bot this long from `now` on a handover; 0 leaves pausing to Pause Bot. */
	pauseMs: number;
	now: Date;
}

/**
 * One turn in one atomic update of the conversation: `decide` gets the current memory (undefined
 * when new or expired) and returns the next; a handover is recorded on it (its id, and the pause
 * when one is asked for) before it is stored. Gives back the decision's result and the memory as
 * stored.
 */
export async function recordTurn<T>(
	store: HandoverStore,
	key: string,
	decide: (memory: ConversationMemory | undefined) => TurnDecision<T>,
	handover: HandoverRecord,
): Promise<{ result: T; memory: ConversationMemory }> {
	const recorded = await store.updateConversation(
		key,
		(current) => {
			const decision = decide(current);
			let memory = decision.memory;
			if (decision.handover) {
				memory = { ...memory, lastHandoverId: handover.handoverId };
				if (handover.pauseMs > 0) {
					memory = pausedUntil(memory, new Date(handover.now.getTime() + handover.pauseMs));
				}
			}
			return { memory, result: { result: decision.result, memory, before: current } };
		},
		MEMORY_TTL_MS,
	);
	// A pause set by this turn (on handover, or by a person's reply) is noted for when it ends.
	await notePauseEnd(store, key, recorded.before, recorded.memory, {
		...(handover.contactId !== undefined && { contactId: handover.contactId }),
	});
	return { result: recorded.result, memory: recorded.memory };
}

/**
 * Closes the conversation's handover and hands it back to the bot: the pause ends now, the
 * cool-down no longer holds back the next request for a person, failed attempts count from 0, and
 * whoever had it gets one open handover less. The assignee is taken off in the same atomic update,
 * so closing twice frees them once. Gives back whether a handover was open, and whose it was.
 */
export async function closeHandover(
	store: HandoverStore,
	key: string,
	now: Date,
): Promise<{ wasOpen: boolean; assignee?: string }> {
	const closed = await store.updateConversation(
		key,
		(memory) => {
			const current = memory ?? emptyMemory(now);
			const { pausedUntil, handedOverAt, assignee, ...rest } = current;
			return {
				memory: { ...rest, failedAttempts: 0, updatedAt: now.toISOString() },
				result: {
					wasOpen: handedOverAt !== undefined || pausedUntil !== undefined,
					...(assignee !== undefined && { assignee }),
				},
			};
		},
		MEMORY_TTL_MS,
	);
	if (closed.assignee !== undefined) await store.adjustLoad(closed.assignee, -1);
	return closed;
}

/**
 * Remembers whom the conversation's open handover went to (their load key), so that resolving it
 * later lowers the right person's open count.
 */
export async function recordAssignment(
	store: HandoverStore,
	key: string,
	assignee: string,
	now: Date,
): Promise<void> {
	await store.updateConversation(
		key,
		(memory) => ({ memory: { ...(memory ?? emptyMemory(now)), assignee }, result: null }),
		MEMORY_TTL_MS,
	);
}

/** The conversation's memory as stored, without changing it (undefined when new or expired). */
export async function readConversation(
	store: HandoverStore,
	key: string,
): Promise<ConversationMemory | undefined> {
	return await store.getConversation(key);
}

/**
 * Keeps the bot quiet in the conversation until `until`. The memory outlives the pause, or the
 * detector would forget the pause early.
 */
export async function pauseConversation(
	store: HandoverStore,
	key: string,
	until: Date,
	now: Date,
	detail: PauseEndDetail = {},
): Promise<void> {
	const { before, after } = await store.updateConversation(
		key,
		(memory) => {
			const next = pausedUntil(memory ?? emptyMemory(now), until);
			return { memory: next, result: { before: memory, after: next } };
		},
		Math.max(MEMORY_TTL_MS, until.getTime() - now.getTime() + DAY_MS),
	);
	await notePauseEnd(store, key, before, after, detail);
}
