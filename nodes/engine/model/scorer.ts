import { readFileSync } from 'fs';
import { join } from 'path';

import type { NormalisedText } from '../normalise';
import { addFeatures, FeatureSink, mayDecline, readRawAnswering, type TextKind } from './features';
import {
	loadStoredModel,
	maskOf,
	predict,
	type LinearModel,
	type StoredLinearModel,
} from './linearModel';
import { clausesOfShortMessage, segmentsOf } from './segments';
import { loadTurnModel, type StoredTurnModel, type TurnModel } from '../turnJudge';

/** Labels of the two models, in the order of their weight rows. */
export const USER_LABELS = ['none', 'contact_request', 'complaint', 'success'] as const;
export const BOT_LABELS = ['answer', 'no_information'] as const;

export type UserLabel = (typeof USER_LABELS)[number];

export interface HandoverModels {
	user: LinearModel;
	bot: LinearModel;
	/** The words of a contact's turn and of the reply before it: failed or not (turnWords.ts). */
	turnWords: LinearModel;
	/** Weighs a contact's message against its conversation: an unsuccessful attempt or not. */
	turn: TurnModel;
	/**
	 * How far a short message's request reading moves toward its strongest clause read alone, in
	 * log-odds (0: the whole message decides; 1: the clause does). Fitted on held-out writers.
	 */
	contactClauseShare: number;
}

export interface StoredHandoverModels {
	version: 1;
	user: StoredLinearModel;
	bot: StoredLinearModel;
	turnWords: StoredLinearModel;
	turn: StoredTurnModel;
	contactClauseShare: number;
	/** How the weights were made, for people reading the file. */
	trainedOn: Record<string, unknown>;
}

/** The strongest segment of a text for one label. */
export interface SegmentScore {
	probability: number;
	/** The words (normalised) of the segment that scored highest. */
	readonly segment: string;
}

class BestSegment implements SegmentScore {
	constructor(
		readonly probability: number,
		private readonly words: string[],
	) {}
	get segment(): string {
		return this.words.join(' ');
	}
}

export const MODEL_FILE = join(__dirname, 'handoverModel.json');

let loaded: HandoverModels | undefined;
let loadMilliseconds = 0;

export function parseModels(stored: StoredHandoverModels): HandoverModels {
	if (stored.version !== 1)
		throw new Error(`unknown handover model version ${String(stored.version)}`);
	if (stored.turnWords === undefined)
		throw new Error('the handover model has no turn-words weights: run `npm run train`');
	if (typeof stored.contactClauseShare !== 'number')
		throw new Error('the handover model has no clause share: run `npm run train`');
	// Scoring reads the slot-major copy only: the label rows are dropped to halve the memory.
	const forScoring = (model: LinearModel): LinearModel => ({ ...model, rows: [] });
	return {
		user: forScoring(loadStoredModel(stored.user)),
		bot: forScoring(loadStoredModel(stored.bot)),
		turnWords: forScoring(loadStoredModel(stored.turnWords)),
		turn: loadTurnModel(stored.turn),
		contactClauseShare: stored.contactClauseShare,
	};
}

/** The shipped weights, read once on first use. */
export function getModels(): HandoverModels {
	if (loaded === undefined) {
		const start = process.hrtime.bigint();
		loaded = parseModels(JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as StoredHandoverModels);
		loadMilliseconds = Number(process.hrtime.bigint() - start) / 1e6;
	}
	return loaded;
}

/** Replaces the shipped weights, for tools that train or evaluate other weights (undefined: back to the shipped ones). */
export function useModels(models: HandoverModels | undefined): void {
	loaded = models;
}

/** How long the first getModels() took, in milliseconds (0 before it ran). */
export function modelLoadMilliseconds(): number {
	return loadMilliseconds;
}

const sinks = new WeakMap<LinearModel, FeatureSink>();

/** One scoring sink per model, reused by every text: scoring reads the slots at once. */
function sinkFor(model: LinearModel): FeatureSink {
	let sink = sinks.get(model);
	if (sink === undefined) {
		sink = new FeatureSink(maskOf(model), model.interleaved, model.labels.length);
		sinks.set(model, sink);
	}
	return sink;
}

/**
 * Probabilities of every label of `model` for each segment of the text, and the highest of each
 * label over the segments with the segment that reached it.
 */
export function scoreText(
	model: LinearModel,
	kind: TextKind,
	text: NormalisedText,
	raw: string,
	/** For a bot reply, the contact's message it answers, when known. */
	question?: NormalisedText,
): SegmentScore[] {
	const segments = segmentsOf(text.tokens);
	const bestProbability = model.labels.map(() => 0);
	const bestSegment = model.labels.map(() => -1);
	const sink = sinkFor(model);
	const probabilities = new Float64Array(model.labels.length);
	const reading = readRawAnswering(kind, raw, text, question);
	const declines = kind === 'bot' && segments.length > 1 ? mayDecline(text.text) : true;
	segments.forEach((segment, index) => {
		addFeatures(kind, segment, reading, sink, declines);
		predict(model, sink.slots, probabilities, sink.wordSums);
		for (let l = 0; l < probabilities.length; l++) {
			if (probabilities[l] > bestProbability[l]) {
				bestProbability[l] = probabilities[l];
				bestSegment[l] = index;
			}
		}
	});
	// Words are joined only when a winner's segment is read: most labels' never are.
	return bestProbability.map(
		(probability, l) =>
			new BestSegment(probability, bestSegment[l] < 0 ? [] : segments[bestSegment[l]]),
	);
}

/**
 * For each label, the clause of a short message of several clauses that reads most as it when read
 * alone (with the whole message's raw signals); empty for a message of one clause or a long one.
 */
export function strongestClauses(
	model: LinearModel,
	text: NormalisedText,
	raw: string,
): SegmentScore[] {
	const clauses = clausesOfShortMessage(text.tokens);
	if (clauses.length === 0) return [];
	const sink = sinkFor(model);
	const probabilities = new Float64Array(model.labels.length);
	const reading = readRawAnswering('user', raw, text);
	const best = model.labels.map(() => -1);
	const bestProbability = model.labels.map(() => -1);
	clauses.forEach((clause, index) => {
		addFeatures('user', clause, reading, sink);
		predict(model, sink.slots, probabilities, sink.wordSums);
		for (let l = 0; l < probabilities.length; l++) {
			if (probabilities[l] > bestProbability[l]) {
				bestProbability[l] = probabilities[l];
				best[l] = index;
			}
		}
	});
	return bestProbability.map((p, l) => new BestSegment(p, clauses[best[l]]));
}

const clampedLogit = (p: number) => {
	const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
	return Math.log(q / (1 - q));
};

/**
 * A short message's request reading moved `share` of the way, in log-odds, from the whole message
 * toward its strongest clause, when that clause reads higher: "Quiero el jefe. Mi factura es muy
 * alta, 90 euros" is outvoted by its story when read whole, not when its first clause is heard.
 */
export function towardStrongestClause(whole: number, clause: number, share: number): number {
	if (clause <= whole || share <= 0) return whole;
	const z = clampedLogit(whole) + share * (clampedLogit(clause) - clampedLogit(whole));
	return 1 / (1 + Math.exp(-z));
}
