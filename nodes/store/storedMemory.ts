/**
 * Conversation memory as the stores keep it: one JSON text per conversation. A text that is not
 * valid JSON, or not shaped as memory (a crash mid-write of another tool, a hand edit, an old
 * format), is read as no memory at all, with one warning: the conversation starts afresh and its next
 * update overwrites the bad text. Failing every turn of that conversation until the row expires
 * (30 days) would be worse than forgetting it.
 */
import type { ConversationMemory } from '../engine/types';

/** Keys warned about are remembered up to this many, so a store full of bad rows warns in bounded memory. */
const MAX_WARNED_KEYS = 1000;

export function encodeMemory(memory: ConversationMemory): string {
	return JSON.stringify(memory);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What is wrong with a parsed value as ConversationMemory, or undefined when nothing is. Only what
 * the engine relies on is checked: fields it does not know (added by a later version) are kept.
 */
export function memoryProblem(value: unknown): string | undefined {
	if (!isObject(value)) return 'not an object';
	if (typeof value.failedAttempts !== 'number' || !Number.isFinite(value.failedAttempts)) {
		return 'failedAttempts is not a number';
	}
	if (
		!Array.isArray(value.lastUserMessages) ||
		!value.lastUserMessages.every((m) => typeof m === 'string')
	) {
		return 'lastUserMessages is not a list of texts';
	}
	if (
		!Array.isArray(value.transcript) ||
		!value.transcript.every(
			(entry) =>
				isObject(entry) && typeof entry.text === 'string' && typeof entry.role === 'string',
		)
	) {
		return 'transcript is not a list of messages';
	}
	for (const field of ['lastReplyNoInformation', 'lastReplyTurnWords']) {
		const reading = value[field];
		if (reading !== undefined && (typeof reading !== 'number' || !Number.isFinite(reading))) {
			return `${field} is not a number`;
		}
	}
	const pending = value.pendingAttempt;
	if (
		pending !== undefined &&
		!(
			isObject(pending) &&
			Array.isArray(pending.features) &&
			pending.features.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
			typeof pending.turnWords === 'number' &&
			Number.isFinite(pending.turnWords) &&
			typeof pending.evidence === 'string' &&
			(pending.withoutReply === undefined ||
				(typeof pending.withoutReply === 'number' && Number.isFinite(pending.withoutReply)))
		)
	) {
		return 'pendingAttempt is not a reading of a message';
	}
	for (const field of ['repliesApart', 'afterSuccess']) {
		const flag = value[field];
		if (flag !== undefined && typeof flag !== 'boolean') return `${field} is not true or false`;
	}
	for (const field of ['updatedAt', 'handedOverAt', 'pausedUntil', 'lastHandoverId', 'assignee']) {
		const text = value[field];
		if (text !== undefined && typeof text !== 'string') return `${field} is not a text`;
	}
	return undefined;
}

/** Reads stored memory texts, warning once per key about those it cannot use. */
export class StoredMemoryReader {
	private readonly storeName: string;
	private readonly warn: (message: string) => void;
	private readonly warnedKeys = new Set<string>();

	constructor(storeName: string, warn: (message: string) => void = console.warn) {
		this.storeName = storeName;
		this.warn = warn;
	}

	/** The memory in `raw`, or undefined (with a warning) when it cannot be used. */
	read(key: string, raw: string): ConversationMemory | undefined {
		let value: unknown;
		let problem: string | undefined;
		try {
			value = JSON.parse(raw);
			problem = memoryProblem(value);
		} catch {
			problem = 'not valid JSON';
		}
		if (problem === undefined) return value as ConversationMemory;
		this.warnOnce(key, problem);
		return undefined;
	}

	private warnOnce(key: string, problem: string): void {
		if (this.warnedKeys.has(key)) return;
		if (this.warnedKeys.size >= MAX_WARNED_KEYS) this.warnedKeys.clear();
		this.warnedKeys.add(key);
		this.warn(
			`[n8n-nodes-human-handover] ${this.storeName}: the stored memory of conversation "${key}" is ` +
				`unusable (${problem}); it is read as empty and the conversation's next turn replaces it`,
		);
	}
}
