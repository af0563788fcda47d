import type { ConversationMemory } from '../engine/types';

/** A noted pause end: the conversation's key, when it ends, and the detail noted with it. */
export interface PauseEnd {
	key: string;
	at: number;
	detail: string;
}

/**
 * State shared by the detector and the action nodes. Every method is atomic across processes that
 * share the same store (several n8n processes on one host for the embedded store, any number for Redis).
 *
 * No method blocks the event loop while it waits for the store. One that cannot be answered within
 * the store's deadline (2 s by default: the SQLite file locked by another process, Redis down, paused
 * or too busy) rejects with StoreUnavailable (`./StoreUnavailable`) having changed nothing: callers
 * answer 503 and let the sender try again.
 */
export interface HandoverStore {
	/**
	 * Atomic read-modify-write of one conversation's memory. `update` gets the current memory (undefined
	 * when none or expired) and returns the new memory plus a value handed back to the caller. No other
	 * update of the same key can interleave, so no count is lost.
	 */
	updateConversation<T>(
		key: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		ttlMs: number,
	): Promise<T>;

	getConversation(key: string): Promise<ConversationMemory | undefined>;

	/**
	 * Advances the round-robin cursor of a pool and returns the candidates in the order to try them,
	 * starting after the one chosen last time.
	 */
	nextRoundRobin(poolKey: string, candidates: string[]): Promise<string[]>;

	/** Adds `delta` to an assignee's open-handover count (never below 0) and returns the new count. */
	adjustLoad(assigneeKey: string, delta: number): Promise<number>;

	/** Open-handover counts, 0 for unknown assignees. */
	getLoads(assigneeKeys: string[]): Promise<Record<string, number>>;

	/** True when this call claimed the key (first in its TTL); false when it was already claimed. */
	claimOnce(key: string, ttlMs: number): Promise<boolean>;

	/** Gives a claimed key back, so that a retry after a failure may claim it again. */
	releaseClaim(key: string): Promise<void>;

	/**
	 * Records what the work behind a claimed key came to, and holds the claim as long: a later
	 * run that finds the key taken reads this instead of doing the work again.
	 */
	settleClaim(key: string, outcome: string, ttlMs: number): Promise<void>;

	/** The outcome a claim was settled with; undefined while its work runs, or without a claim. */
	claimOutcome(key: string): Promise<string | undefined>;

	/**
	 * Notes that the conversation's pause ends at `at` (ms since the epoch), with a detail handed
	 * back when it is taken. One end per conversation: a later note replaces the earlier one.
	 */
	schedulePauseEnd(key: string, at: number, detail: string): Promise<void>;

	/**
	 * Takes up to `limit` pause ends due by `now`, earliest first, and removes them in the same
	 * atomic step: each is handed out once, however many processes take at the same time.
	 */
	takeDuePauseEnds(now: number, limit: number): Promise<PauseEnd[]>;

	/** Removes expired entries. Implementations also prune on their own from time to time. */
	prune(): Promise<void>;

	close(): Promise<void>;
}
