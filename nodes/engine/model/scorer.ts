import { readFileSync } from 'fs';
import { join } from 'path';

import type { NormalisedText } from '../normalise';
import {
	addFeatures,
	FeatureSink,
	mayDecline,
	readRawAnswering,
	type RawReading,
	type TextKind,
} from './features';
import {
	loadStoredModel,
	maskOf,
	predict,
	type LinearModel,
	type StoredLinearModel,
} from './linearModel';
import { clausesReadAlone, segmentsOf } from './segments';
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
	/** The same for a bot reply's lack-of-information reading and its strongest clause. */
	replyClauseShare: number;
}

export interface StoredHandoverModels {
	version: 1;
	user: StoredLinearModel;
	bot: StoredLinearModel;
	turnWords: StoredLinearModel;
	turn: StoredTurnModel;
	contactClauseShare: number;
	replyClauseShare: number;
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
	if (typeof stored.replyClauseShare !== 'number')
		throw new Error('the handover model has no reply clause share: run `npm run train`');
	// Scoring reads the slot-major copy only: the label rows are dropped to halve the memory.
	const forScoring = (model: LinearModel): LinearModel => ({ ...model, rows: [] });
	return {
		user: forScoring(loadStoredModel(stored.user)),
		bot: forScoring(loadStoredModel(stored.bot)),
		turnWords: forScoring(loadStoredModel(stored.turnWords)),
		turn: loadTurnModel(stored.turn),
		contactClauseShare: stored.contactClauseShare,
		replyClauseShare: stored.replyClauseShare,
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
 * The highest probability of each label over `pieces` (segments or clauses of one text, read with
 * the whole text's raw `reading`), with the piece that reached it. `floor`: the probability a piece
 * must beat to be named (0 for segments: a label none reaches names no words).
 */
function strongestPieces(
	model: LinearModel,
	kind: TextKind,
	pieces: string[][],
	reading: RawReading,
	declines: boolean,
	floor: number,
): SegmentScore[] {
	const bestProbability = model.labels.map(() => floor);
	const bestPiece = model.labels.map(() => -1);
	const sink = sinkFor(model);
	const probabilities = new Float64Array(model.labels.length);
	pieces.forEach((piece, index) => {
		addFeatures(kind, piece, reading, sink, declines);
		predict(model, sink.slots, probabilities, sink.wordSums);
		for (let l = 0; l < probabilities.length; l++) {
			if (probabilities[l] > bestProbability[l]) {
				bestProbability[l] = probabilities[l];
				bestPiece[l] = index;
			}
		}
	});
	// Words are joined only when a winner's piece is read: most labels' never are.
	return bestProbability.map(
		(probability, l) => new BestSegment(probability, bestPiece[l] < 0 ? [] : pieces[bestPiece[l]]),
	);
}

/** A text read whole (segment by segment) and clause by clause, with one raw reading. */
export interface TextScores {
	/** Per label, the strongest segment. */
	whole: SegmentScore[];
	/** Per label, the strongest clause read alone; empty for a text of one clause or a long message. */
	clauses: SegmentScore[];
}

/**
 * A text read segment by segment (a long one in clause groups, segments.ts), and clause by clause
 * where its clauses are read alone: a contact's short message of several clauses, a bot reply of
 * several at any length. Every piece is read with the whole text's raw reading (names, figures,
 * the question's words), made once.
 */
export function readText(
	model: LinearModel,
	kind: TextKind,
	text: NormalisedText,
	raw: string,
	/** For a bot reply, the contact's message it answers, when known. */
	question?: NormalisedText,
): TextScores {
	const segments = segmentsOf(text.tokens);
	const clauses = clausesReadAlone(kind, text.tokens);
	const reading = readRawAnswering(kind, raw, text, question);
	// A reply without a phrase of declining has none in any of its segments or clauses either.
	const declines =
		kind === 'bot' && (segments.length > 1 || clauses.length > 0) ? mayDecline(text.text) : true;
	return {
		whole: strongestPieces(model, kind, segments, reading, declines, 0),
		clauses:
			clauses.length === 0 ? [] : strongestPieces(model, kind, clauses, reading, declines, -1),
	};
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
