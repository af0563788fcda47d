import { createHash, randomUUID } from 'node:crypto';

import { conversationKeyOfTurn } from '../conversation/conversationKey';
import { closeHandover, readConversation, recordTurn } from '../conversation/conversationState';
import { detectHandover } from '../engine/detectHandover';
import type { DetectionResult, DetectorOptions, SecondOpinion, Turn } from '../engine/types';
import { buildHandoverEvent, type HandoverEvent } from '../event/handoverEvent';
import { parseInbound, type InboundOptions, type PayloadFormat } from '../platforms/inbound';
import { verifyWebhook, type WebhookAuthSettings } from '../shared/webhookAuth';
import { oncePerHandover } from '../shared/oncePerHandover';
import type { HandoverStore } from '../store/HandoverStore';
import { isStoreUnavailable, type StoreUnavailable } from '../store/StoreUnavailable';
import { answerFor, closedAnswer, ignoredAnswer, type WebhookAnswer } from './answer';
import {
	bodyRefusal,
	bodySizeRefusal,
	charsetRefusal,
	parseJsonBody,
	typeRefusal,
	type Refusal,
} from './inputContract';

/** What detecting a turn needs, in every node that detects. */
export interface DetectSettings {
	detector: Partial<DetectorOptions>;
	/** Answer botPaused this long right after a handover; 0 leaves pausing to the Pause Bot node. */
	pauseOnHandoverMs: number;
}

/** Everything a webhook turn needs, read from the node's parameters and credential. */
export interface TurnSettings extends DetectSettings {
	auth: WebhookAuthSettings;
	format: PayloadFormat;
	inbound: InboundOptions;
}

/** A detected turn: the engine's result, the answer to the bot, and the event of a handover. */
export interface TurnDetection {
	result: DetectionResult;
	answer: WebhookAnswer;
	event?: HandoverEvent;
}

export interface TurnOutcome {
	status: number;
	/** Extra response headers (Retry-After on a 503). */
	headers?: Record<string, string>;
	/** What went wrong, for the n8n log only (it may name a file or host). */
	logMessage?: string;
	/** The JSON answered to the caller at once. */
	answer: WebhookAnswer | { error: string };
	/** Present only for a handover: the one item that starts the workflow. */
	event?: HandoverEvent;
}

export interface IncomingTurn {
	headers: Record<string, string | string[] | undefined>;
	/**
	 * The exact bytes received: signatures are over these, not over re-serialised JSON, and both
	 * doors parse these the same way (inputContract.ts) rather than trusting another parser.
	 */
	rawBody: Buffer;
}

const refused = (refusal: Refusal): TurnOutcome => ({
	status: refusal.status,
	answer: { error: refusal.error },
});

/**
 * One turn, however it arrived: check the input contract, verify, parse, detect in one atomic
 * store update, and say what to answer and whether a workflow execution starts. No n8n import:
 * the n8n webhook and the dedicated listener both call this, so both answer a request alike.
 */
export async function handleTurn(
	settings: TurnSettings,
	store: HandoverStore,
	incoming: IncomingTurn,
	now: Date = new Date(),
): Promise<TurnOutcome> {
	try {
		return await handleTurnWithStore(settings, store, incoming, now);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- any other error is passed on as it came
		if (!isStoreUnavailable(error)) throw error;
		return storeUnavailableOutcome(error);
	}
}

/**
 * A store that did not answer within its deadline: nothing was recorded, and the caller is told to
 * send the turn again rather than kept waiting.
 */
export function storeUnavailableOutcome(error: StoreUnavailable): TurnOutcome {
	return {
		status: error.httpStatus,
		answer: error.answer,
		headers: { 'retry-after': String(error.retryAfterSeconds) },
		logMessage: error.message,
	};
}

async function handleTurnWithStore(
	settings: TurnSettings,
	store: HandoverStore,
	incoming: IncomingTurn,
	now: Date,
): Promise<TurnOutcome> {
	// The input contract, in its order (inputContract.ts): the same request, the same answer on
	// either door.
	const { headers, rawBody } = incoming;
	const unread = typeRefusal(headers) ?? bodySizeRefusal(rawBody.length) ?? charsetRefusal(headers);
	if (unread !== undefined) return refused(unread);
	const json = parseJsonBody(rawBody);
	if (!json.ok) return refused(json.refusal);
	// The store also remembers signed deliveries: a replay is refused by every process sharing it.
	const auth = await verifyWebhook(settings.auth, headers, rawBody, store, now.getTime());
	if (!auth.ok) return { status: auth.status, answer: { error: auth.error } };

	// The body's content is looked at only once the caller is verified.
	const refusal = bodyRefusal(rawBody, json.body);
	if (refusal !== undefined) return refused(refusal);
	const parsed = parseInbound(json.body, settings.format, settings.inbound);
	if (!parsed.ok) return { status: 400, answer: { error: parsed.error } };
	if ('ignore' in parsed) return { status: 200, answer: ignoredAnswer(parsed.ignore) };
	if ('close' in parsed) {
		// Answered at once and no execution: the handover's end needs no workflow unless the user
		// wires one to the platform's own event.
		const { wasOpen } = await closeHandover(store, conversationKeyOfTurn(parsed.close), now);
		return { status: 200, answer: closedAnswer(wasOpen) };
	}

	const { answer, event } = await detectDeliveryOnce(settings, store, parsed.turn, now);
	return event === undefined ? { status: 200, answer } : { status: 200, answer, event };
}

/** How long a message id is remembered: longer than any platform retries a webhook. */
const SEEN_MESSAGE_TTL_MS = 24 * 60 * 60 * 1000;
/** Without an id, the same turn again within this window is taken for a redelivery. */
export const SAME_TURN_WINDOW_MS = 10_000;

/** What makes two deliveries the same turn: the message id, else the same texts. */
function deliveryKey(turn: Turn): { key: string; ttlMs: number } {
	const conversation = conversationKeyOfTurn(turn);
	if (turn.messageId) {
		return { key: `turn:${conversation}:id:${turn.messageId}`, ttlMs: SEEN_MESSAGE_TTL_MS };
	}
	const texts = createHash('sha256')
		.update(JSON.stringify([turn.userMessage ?? '', turn.botReply ?? '', turn.staffReply === true]))
		.digest('hex');
	return { key: `turn:${conversation}:same:${texts}`, ttlMs: SAME_TURN_WINDOW_MS };
}

/**
 * A turn delivered again (platforms retry webhooks) gets the first delivery's answer and changes
 * nothing: no second count, no "repeated question", no second execution. Deliveries that arrive
 * together wait for the first one's answer.
 */
async function detectDeliveryOnce(
	settings: DetectSettings,
	store: HandoverStore,
	turn: Turn,
	now: Date,
): Promise<{ answer: WebhookAnswer; event?: HandoverEvent }> {
	const { key, ttlMs } = deliveryKey(turn);
	let event: HandoverEvent | undefined;
	const answer = await oncePerHandover(
		store,
		key,
		async () => {
			const detection = await detectTurn(settings, store, turn, now);
			event = detection.event;
			return detection.answer;
		},
		{ mayRetry: () => true, ttlMs },
	);
	return event === undefined ? { answer } : { answer, event };
}

/**
 * One parsed turn, in one atomic update of its conversation: the engine decides (with a second
 * opinion when one was given), a handover is recorded, and the answer and event are built. The
 * core of every node that detects.
 */
export async function detectTurn(
	settings: DetectSettings,
	store: HandoverStore,
	turn: Turn,
	now: Date,
	secondOpinion?: SecondOpinion,
): Promise<TurnDetection> {
	const handoverId = randomUUID();
	const { result, memory } = await recordTurn(
		store,
		conversationKeyOfTurn(turn),
		(current) => {
			const detection = detectHandover(turn, current, settings.detector, now, secondOpinion);
			return { memory: detection.memory, handover: detection.handover, result: detection };
		},
		{
			handoverId,
			pauseMs: settings.pauseOnHandoverMs,
			now,
			...(turn.contactId !== undefined && { contactId: turn.contactId }),
		},
	);
	const answer = answerFor(result, memory, handoverId, now);
	if (!result.handover) return { result, answer };
	return { result, answer, event: buildHandoverEvent(turn, result, handoverId, now) };
}

/** What the turn would decide now, without recording it: to tell whether the rules are unsure. */
export async function previewTurn(
	settings: DetectSettings,
	store: HandoverStore,
	turn: Turn,
	now: Date,
): Promise<DetectionResult> {
	const memory = await readConversation(store, conversationKeyOfTurn(turn));
	return detectHandover(turn, memory, settings.detector, now);
}
