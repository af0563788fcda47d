/**
 * The Handover Check's turn: the detector core's decision, with a model's second opinion when the
 * rules are unsure and a model is connected, and the route the bot's workflow takes. No n8n import.
 */
import { conversationKeyOfTurn } from '../conversation/conversationKey';
import type { SecondOpinion, Turn } from '../engine/types';
import type { HandoverEvent } from '../event/handoverEvent';
import type { HandoverStore } from '../store/HandoverStore';
import type { WebhookAnswer } from './answer';
import {
	askSecondOpinion,
	isUncertain,
	OpinionCache,
	type AskModel,
	type SecondOpinionSettings,
} from './secondOpinion';
import { detectTurn, previewTurn, type DetectSettings } from './turnHandler';

/** The Check node's outputs: the bot answers, a person takes over now, or a person has it. */
export type CheckRoute = 'botReplies' | 'handOver' | 'botPaused';

/** What the Check adds to the item under one key. */
export interface CheckDecision extends WebhookAnswer {
	/** Which judge decided this turn: the rules, or the model asked because the rules were unsure. */
	decidedBy: 'rules' | 'model';
	evidence: string;
	/** Why the model was asked but its answer not used (timeout, error, unusable answer). */
	modelFailure?: string;
}

export interface CheckOutcome {
	route: CheckRoute;
	decision: CheckDecision;
	/** The detector's event, on a handover. */
	event?: HandoverEvent;
}

/** A connected chat model, its band and its cache. */
export interface ModelAccess {
	ask: AskModel;
	settings: SecondOpinionSettings;
	cache: OpinionCache;
}

async function secondOpinionFor(
	settings: DetectSettings,
	store: HandoverStore,
	turn: Turn,
	now: Date,
	model: ModelAccess,
): Promise<{ verdict?: SecondOpinion; failure?: string }> {
	const rules = await previewTurn(settings, store, turn, now);
	if (!isUncertain(rules, turn, model.settings)) return {};
	const key = OpinionCache.keyOf(conversationKeyOfTurn(turn), turn);
	const cached = model.cache.get(key, now.getTime());
	if (cached) return { verdict: cached };
	const outcome = await askSecondOpinion(model.ask, turn, model.settings.timeoutMs);
	if (outcome.verdict === undefined) return { failure: outcome.failure };
	model.cache.set(key, outcome.verdict, now.getTime());
	return { verdict: outcome.verdict };
}

/** One turn of a bot built in n8n: decide, record, and say which way the workflow goes. */
export async function checkTurn(
	settings: DetectSettings,
	store: HandoverStore,
	turn: Turn,
	now: Date,
	model?: ModelAccess,
): Promise<CheckOutcome> {
	const opinion = model ? await secondOpinionFor(settings, store, turn, now, model) : {};
	const { result, answer, event } = await detectTurn(settings, store, turn, now, opinion.verdict);
	const decision: CheckDecision = {
		...answer,
		decidedBy: opinion.verdict ? 'model' : 'rules',
		evidence: result.evidence,
		...(opinion.failure !== undefined && { modelFailure: opinion.failure }),
	};
	const route: CheckRoute = result.handover
		? 'handOver'
		: answer.botPaused
			? 'botPaused'
			: 'botReplies';
	return event === undefined ? { route, decision } : { route, decision, event };
}
