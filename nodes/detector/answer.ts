/** What every detector door answers its caller at once, before any action runs (DESIGN.md §3). */
import { isBotPaused } from '../engine/detectHandover';
import type { ConversationMemory, DetectionResult, HandoverReason } from '../engine/types';

/** The detector's answer to the caller, sent before any action runs. */
export interface WebhookAnswer {
	handover: boolean;
	reason: HandoverReason | null;
	handoverId: string | null;
	/** How sure the detector is of this answer, 0–1 (absent when the turn was ignored). */
	confidence?: number;
	botPaused: boolean;
	pausedUntil: string | null;
	suppressed?: DetectionResult['suppressed'];
	ignored?: string;
	/** A resolved (or handed back) conversation: whether a handover was open and is now closed. */
	closed?: boolean;
}

/** The answer to a turn the payload parser chose to ignore (e.g. a message in an agent's conversation). */
export const ignoredAnswer = (reason: string): WebhookAnswer => ({
	handover: false,
	reason: null,
	handoverId: null,
	botPaused: false,
	pausedUntil: null,
	ignored: reason,
});

/** The answer to a conversation whose handover was closed: the bot has it again. */
export const closedAnswer = (wasOpen: boolean): WebhookAnswer => ({
	handover: false,
	reason: null,
	handoverId: null,
	botPaused: false,
	pausedUntil: null,
	closed: wasOpen,
});

/** The answer to a detected turn, from its result and the conversation's memory as stored. */
export function answerFor(
	result: DetectionResult,
	memory: ConversationMemory,
	handoverId: string,
	now: Date,
): WebhookAnswer {
	const paused = isBotPaused(memory, now);
	return {
		handover: result.handover,
		reason: result.reason,
		handoverId: result.handover ? handoverId : null,
		confidence: Math.round(result.confidence * 1000) / 1000,
		botPaused: paused,
		pausedUntil: paused ? (memory.pausedUntil ?? null) : null,
		...(result.suppressed !== undefined && { suppressed: result.suppressed }),
	};
}
