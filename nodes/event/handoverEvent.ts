import type { DetectionResult, HandoverReason, TranscriptEntry, Turn } from '../engine/types';
import type { HandoverActions } from './actionResults';

/** One output item of the detector; every action passes it on and adds under `actions` (DESIGN.md §3). */
export interface HandoverEvent {
	handoverId: string;
	reason: HandoverReason;
	evidence: string;
	/** How sure the detector was of the reason, 0–1. */
	confidence: number;
	platform: Turn['platform'];
	conversationId: string;
	contactId: string;
	locationId?: string;
	accountId?: string;
	channel: string;
	contact: { name?: string; email?: string; phone?: string };
	message: string;
	botReply: string;
	transcript: TranscriptEntry[];
	failedAttempts: number;
	detectedAt: string;
	/** Each action's result, added by the action nodes as the event passes through them. */
	actions: HandoverActions;
}

export function buildHandoverEvent(
	turn: Turn,
	result: DetectionResult,
	handoverId: string,
	now: Date,
): HandoverEvent {
	return {
		handoverId,
		reason: result.reason as HandoverReason,
		evidence: result.evidence,
		confidence: result.confidence,
		platform: turn.platform,
		conversationId: turn.conversationId,
		// A conversation without a known contact (generic bots) is its own contact.
		contactId: turn.contactId ?? turn.conversationId,
		...(turn.locationId !== undefined && { locationId: turn.locationId }),
		...(turn.accountId !== undefined && { accountId: turn.accountId }),
		channel: turn.channel ?? '',
		contact: turn.contact ?? {},
		message: turn.userMessage ?? '',
		botReply: turn.botReply ?? '',
		transcript: result.memory.transcript,
		failedAttempts: result.failedAttempts,
		detectedAt: now.toISOString(),
		actions: {},
	};
}

/** An n8n expression for a field of the event, e.g. the default of Conversation ID. */
export function eventFieldExpression(field: keyof HandoverEvent): string {
	return `={{ $json.${field} }}`;
}
