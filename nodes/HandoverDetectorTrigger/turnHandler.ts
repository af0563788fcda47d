import { randomUUID } from 'node:crypto';

import { detectHandover, isBotPaused } from '../engine/detectHandover';
import type { DetectionResult, DetectorOptions } from '../engine/types';
import { parseInbound, type InboundOptions, type PayloadFormat } from '../platforms/inbound';
import {
	buildHandoverEvent,
	type HandoverEvent,
	type WebhookAnswer,
} from '../shared/handoverEvent';
import { MEMORY_TTL_MS } from '../shared/storeProvider';
import { verifyWebhook, type WebhookAuthSettings } from '../shared/webhookAuth';
import { conversationKey } from '../store/conversationKey';
import type { HandoverStore } from '../store/HandoverStore';

/** Everything a turn needs, read from the node's parameters and credential. */
export interface TurnSettings {
	auth: WebhookAuthSettings;
	format: PayloadFormat;
	inbound: InboundOptions;
	detector: Partial<DetectorOptions>;
	/** Answer botPaused this long right after a handover; 0 leaves pausing to the Pause Bot node. */
	pauseOnHandoverMs: number;
}

export interface TurnOutcome {
	status: number;
	/** The JSON answered to the caller at once. */
	answer: WebhookAnswer | { error: string };
	/** Present only for a handover: the one item that starts the workflow. */
	event?: HandoverEvent;
}

export interface IncomingTurn {
	headers: Record<string, string | string[] | undefined>;
	/** The exact bytes received: signatures are over these, not over re-serialised JSON. */
	rawBody: Buffer;
	/** The parsed JSON body; read only once the caller is verified. */
	body: () => unknown;
}

const ignoredAnswer = (reason: string): WebhookAnswer => ({
	handover: false,
	reason: null,
	handoverId: null,
	botPaused: false,
	pausedUntil: null,
	ignored: reason,
});

function answerFor(result: DetectionResult, handoverId: string, now: Date): WebhookAnswer {
	const paused = isBotPaused(result.memory, now);
	return {
		handover: result.handover,
		reason: result.reason,
		handoverId: result.handover ? handoverId : null,
		confidence: Math.round(result.confidence * 1000) / 1000,
		botPaused: paused,
		pausedUntil: paused ? (result.memory.pausedUntil ?? null) : null,
		...(result.suppressed !== undefined && { suppressed: result.suppressed }),
	};
}

/**
 * One turn, however it arrived: verify, parse, detect in one atomic store update, and say what
 * to answer and whether a workflow execution starts. No n8n import: the n8n webhook and the
 * dedicated listener both call this.
 */
export async function handleTurn(
	settings: TurnSettings,
	store: HandoverStore,
	incoming: IncomingTurn,
	now: Date = new Date(),
): Promise<TurnOutcome> {
	const auth = verifyWebhook(settings.auth, incoming.headers, incoming.rawBody, now.getTime());
	if (!auth.ok) return { status: auth.status, answer: { error: auth.error } };

	const parsed = parseInbound(incoming.body(), settings.format, settings.inbound);
	if (!parsed.ok) return { status: 400, answer: { error: parsed.error } };
	if ('ignore' in parsed) return { status: 200, answer: ignoredAnswer(parsed.ignore) };

	const turn = parsed.turn;
	const handoverId = randomUUID();
	const result = await store.updateConversation(
		conversationKey(turn.platform, turn.locationId ?? turn.accountId, turn.conversationId),
		(memory) => {
			const detection = detectHandover(turn, memory, settings.detector, now);
			if (detection.handover) {
				detection.memory.lastHandoverId = handoverId;
				if (settings.pauseOnHandoverMs > 0) {
					detection.memory.pausedUntil = new Date(
						now.getTime() + settings.pauseOnHandoverMs,
					).toISOString();
				}
			}
			return { memory: detection.memory, result: detection };
		},
		MEMORY_TTL_MS,
	);
	const answer = answerFor(result, handoverId, now);
	if (!result.handover) return { status: 200, answer };
	return { status: 200, answer, event: buildHandoverEvent(turn, result, handoverId, now) };
}
