import { randomUUID } from 'node:crypto';

import { conversationKeyOfTurn } from '../conversation/conversationKey';
import { recordTurn } from '../conversation/conversationState';
import { detectHandover } from '../engine/detectHandover';
import type { DetectorOptions } from '../engine/types';
import { buildHandoverEvent, type HandoverEvent } from '../event/handoverEvent';
import { parseInbound, type InboundOptions, type PayloadFormat } from '../platforms/inbound';
import { verifyWebhook, type WebhookAuthSettings } from '../shared/webhookAuth';
import type { HandoverStore } from '../store/HandoverStore';
import { answerFor, ignoredAnswer, type WebhookAnswer } from './answer';

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
	const { result, memory } = await recordTurn(
		store,
		conversationKeyOfTurn(turn),
		(current) => {
			const detection = detectHandover(turn, current, settings.detector, now);
			return { memory: detection.memory, handover: detection.handover, result: detection };
		},
		{ handoverId, pauseMs: settings.pauseOnHandoverMs, now },
	);
	const answer = answerFor(result, memory, handoverId, now);
	if (!result.handover) return { status: 200, answer };
	return { status: 200, answer, event: buildHandoverEvent(turn, result, handoverId, now) };
}
