import { createHash } from 'crypto';

import {
	BOT_LABELS,
	USER_LABELS,
	type StoredHandoverModels,
} from '../../nodes/engine/model/scorer';
import { interleave, storeModel, type LinearModel } from '../../nodes/engine/model/linearModel';
import { towardStrongestClause, useModels } from '../../nodes/engine/model/scorer';
import { analyseContactRequest, readsOnlyNegated } from '../../nodes/engine/contactRequest';
import { requestProbability } from '../../nodes/engine/detectHandover';
import { evaluate } from './evaluate';
import {
	messagesOfConversations,
	repliesOfConversations,
	type BotLine,
	type Corpus,
	type UserLine,
	writersOf,
} from './corpus';
import {
	clauseFeatures,
	DEFAULT_TRAIN,
	logitsOf,
	NOT_LABEL,
	toExample,
	train,
	type Example,
} from './learn';
import {
	fitTurnModel,
	fitTurnWords,
	NEUTRAL_TURN_MODEL,
	turnExamples,
	type TurnExample,
} from './turnTraining';
import { storeTurnModel, type TurnModel } from '../../nodes/engine/turnJudge';
import { normaliseText } from '../../nodes/engine/normalise';
import { offeredInsteadOfAnswering } from '../../nodes/engine/offeredInstead';
import type { TextKind } from '../../nodes/engine/model/features';

/**
 * The recipe behind the shipped weights: both models trained on the train split, then their
 * probabilities calibrated (one temperature per model) on predictions for writers left out in
 * groups, so that `confidence` means what it says on language the model has not seen; and the turn
 * judge trained on the conversations' labelled turns as those left-out weights read them.
 */
export interface TrainedModels {
	user: LinearModel;
	bot: LinearModel;
	turnWords: LinearModel;
	turn: TurnModel;
	temperatures: { user: number; bot: number };
	contactClauseShare: number;
	replyClauseShare: number;
}

const CONTACT = USER_LABELS.indexOf('contact_request');

export const userExample = (line: UserLine): Example =>
	toExample(
		'user',
		line.text,
		line.notContactOnly ? NOT_LABEL - CONTACT : USER_LABELS.indexOf(line.label),
		DEFAULT_TRAIN.bits,
	);
export const botExample = (line: BotLine): Example =>
	toExample('bot', line.text, line.noInfo ? 1 : 0, DEFAULT_TRAIN.bits, line.question);

export function fitModels(
	user: UserLine[],
	bot: BotLine[],
): { user: LinearModel; bot: LinearModel } {
	return {
		user: train(USER_LABELS, user.map(userExample)),
		bot: train(BOT_LABELS, bot.map(botExample)),
	};
}

/**
 * A welcome or a menu sent back to a question lacks the information because of the question, which
 * the reply model does not read: the engine's rule decides those (offeredInstead.ts). Learnt as
 * replies, they taught the model that "Hi there! How can I help you today?" lacks it on its own;
 * kept in the calibration, they flattened every probability to excuse the model for missing them.
 */
export function decidedByTheQuestion(line: BotLine): boolean {
	return (
		line.noInfo &&
		offeredInsteadOfAnswering(
			normaliseText(line.text),
			line.text,
			normaliseText(line.question),
			line.question,
		)
	);
}

/**
 * The corpus as the models learn from it: the scripted conversations' turns join the written lines
 * (their replies as answers or not, their contact turns as asking for a person or not).
 */
export function forTraining(corpus: Corpus): Corpus {
	return {
		...corpus,
		user: [...corpus.user, ...messagesOfConversations(corpus.conversations)],
		bot: [...corpus.bot, ...repliesOfConversations(corpus.conversations)].filter(
			(line) => !decidedByTheQuestion(line),
		),
	};
}

/** Raw scores of a held-out example with the label it should have. */
export interface HeldOut {
	writer: string;
	line: UserLine | BotLine;
	logits: Float64Array;
	label: number;
	/**
	 * A short contact message's clauses, or a bot reply's, read alone (readText), when it has
	 * several.
	 */
	clauseLogits?: Float64Array[];
}

/** One group of writers left out: the models trained without them. */
export interface Fold {
	left: Set<string>;
	user: LinearModel;
	bot: LinearModel;
	turnWords: LinearModel;
}

/**
 * Predictions for each training writer's lines by models trained without that writer (the models
 * also learn from the other writers' conversations; the predictions are for the written lines only).
 * Writers are left out one by one, or with `folds` in that many groups (round robin over their
 * sorted names): the same kind of figure for a fraction of the fits. `eachFold` sees each fold's
 * models before they are let go.
 */
export function leaveWritersOut(
	original: Corpus,
	folds?: number,
	eachFold: (fold: Fold) => void = () => undefined,
): { user: HeldOut[]; bot: HeldOut[] } {
	const training = forTraining(original);
	const corpus = original;
	// Every writer, also one who wrote only conversations: each is left out once.
	const writers = writersOf(corpus);
	const held = { user: [] as HeldOut[], bot: [] as HeldOut[] };
	const groups = folds === undefined ? writers.length : Math.min(folds, writers.length);
	// Calibrated on what the reply model is trained for (see decidedByTheQuestion), read once.
	const calibrated = corpus.bot.filter((line) => !decidedByTheQuestion(line));
	for (let group = 0; group < groups; group++) {
		const left = new Set(writers.filter((_, i) => i % groups === group));
		const models = fitModels(
			training.user.filter((l) => !left.has(l.writer)),
			training.bot.filter((l) => !left.has(l.writer)),
		);
		const turnWords = fitTurnWords(corpus.conversations.filter((l) => !left.has(l.writer)));
		eachFold({ left, ...models, turnWords });
		// With the logits of each clause the engine reads alone, when the text has several.
		const predictions = <T extends UserLine | BotLine>(
			lines: T[],
			model: LinearModel,
			example: (line: T) => Example,
			kind: TextKind,
		) =>
			lines
				.filter((line) => left.has(line.writer))
				.map((line): HeldOut => {
					const built = example(line);
					const held: HeldOut = {
						writer: line.writer,
						line,
						label: built.label,
						logits: logitsOf(model, built, 1),
					};
					const question = 'question' in line ? line.question : undefined;
					const clauses = clauseFeatures(kind, line.text, DEFAULT_TRAIN.bits, question);
					if (clauses.length === 0) return held;
					const read = (slots: number[]) => logitsOf(model, { segments: [slots], label: 0 }, 1);
					return { ...held, clauseLogits: clauses.map(read) };
				});
		held.user.push(...predictions(corpus.user, models.user, userExample, 'user'));
		held.bot.push(...predictions(calibrated, models.bot, botExample, 'bot'));
	}
	return held;
}

/** Runs `work` with these weights in the engine, then puts the shipped ones back. */
export interface EngineModels {
	user: LinearModel;
	bot: LinearModel;
	turnWords: LinearModel;
	turn: TurnModel;
	contactClauseShare: number;
	replyClauseShare: number;
}

export function withModels<T>(models: EngineModels, work: () => T): T {
	useModels({
		user: interleave(models.user),
		bot: interleave(models.bot),
		turnWords: interleave(models.turnWords),
		turn: models.turn,
		contactClauseShare: models.contactClauseShare,
		replyClauseShare: models.replyClauseShare,
	});
	try {
		return work();
	} finally {
		useModels(undefined);
	}
}

/**
 * The scripted conversations of `corpus` played through the engine with these weights; `misses`
 * counts the wrong ones by kind ("failed_to_resolve → lack_of_information, same turn").
 */
export function playConversations(
	corpus: Corpus,
	models: EngineModels,
): { exact: number; n: number; apart: number; misses: Map<string, number> } {
	return withModels(models, () => {
		const evaluation = evaluate({ user: [], bot: [], conversations: corpus.conversations });
		const misses = new Map<string, number>();
		for (const miss of evaluation.misses) {
			const kind = missKind(miss.expected, miss.got);
			misses.set(kind, (misses.get(kind) ?? 0) + 1);
		}
		return {
			...evaluation.conversations.all,
			apart: evaluation.conversationsApart.all.exact,
			misses,
		};
	});
}

/** "failed_to_resolve at 3" against "lack_of_information at 3" → "failed_to_resolve → lack_of_information, same turn". */
function missKind(expected: string, got: string): string {
	const [wanted, wantedAt] = expected.split(' at ');
	const [found, foundAt] = got.split(' at ');
	const where =
		found === 'no handover' || wanted === 'no handover'
			? ''
			: Number(foundAt) === Number(wantedAt)
				? ', same turn'
				: Number(foundAt) < Number(wantedAt)
					? ', earlier'
					: ', later';
	return `${wanted} → ${found}${where}`;
}

export function softmax(logits: Float64Array, temperature = 1): Float64Array {
	const out = new Float64Array(logits.length);
	let max = -Infinity;
	for (const z of logits) max = Math.max(max, z / temperature);
	let total = 0;
	for (let i = 0; i < logits.length; i++) {
		out[i] = Math.exp(logits[i] / temperature - max);
		total += out[i];
	}
	for (let i = 0; i < out.length; i++) out[i] /= total;
	return out;
}

/** The temperature that makes held-out probabilities most likely (log loss), on a fixed grid. */
export function fitTemperature(held: HeldOut[]): number {
	let best = 1;
	let bestLoss = Infinity;
	for (let t = 0.5; t <= 8.001; t += 0.25) {
		let loss = 0;
		for (const h of held) loss -= Math.log(Math.max(1e-12, softmax(h.logits, t)[h.label]));
		if (loss < bestLoss) {
			bestLoss = loss;
			best = t;
		}
	}
	return best;
}

export function scaled(model: LinearModel, temperature: number): LinearModel {
	return { ...model, rows: model.rows.map((row) => row.map((w) => w / temperature)) };
}

/**
 * The temperatures are fitted on writers left out in ten groups, not one by one: a temperature is
 * one number per model, and leaving each writer out in turn made training grow with the square of
 * the corpus (most of ten minutes at 60 writers).
 */
export const TEMPERATURE_FOLDS = 10;

/** What the engine's request reading is made of, for one held-out contact message. */
export interface HeldOutRequest {
	whole: number;
	/** The strongest clause's reading (0 for a message of one clause or a long one). */
	clause: number;
	negatedOnly: boolean;
	isRequest: boolean;
}

/** The held-out messages' readings, calibrated with `temperature`, read once for every share. */
export function heldOutRequests(held: HeldOut[], temperature: number): HeldOutRequest[] {
	return held.map((h) => {
		const grammar = analyseContactRequest(normaliseText(h.line.text).tokens);
		let clause = 0;
		for (const logits of h.clauseLogits ?? []) {
			clause = Math.max(clause, softmax(logits, temperature)[CONTACT]);
		}
		return {
			whole: softmax(h.logits, temperature)[CONTACT],
			clause,
			negatedOnly: readsOnlyNegated(grammar),
			isRequest: h.label === CONTACT,
		};
	});
}

/** A held-out message's request probability as the engine reads it (readMessage). */
export const heldOutRequestProbability = (r: HeldOutRequest, share: number): number =>
	requestProbability(r.whole, r.clause, r.negatedOnly, share);

/**
 * The share (0–1, in steps of 0.05) of the way toward a text's strongest clause that makes the
 * held-out readings most likely (log loss), as fitTemperature does for the temperature.
 */
function fitShare<T>(
	read: T[],
	probability: (item: T, share: number) => number,
	isPositive: (item: T) => boolean,
): number {
	let best = 0;
	let bestLoss = Infinity;
	for (let step = 0; step <= 20; step++) {
		const share = step / 20;
		let loss = 0;
		for (const item of read) {
			const p = probability(item, share);
			loss -= Math.log(Math.max(1e-12, isPositive(item) ? p : 1 - p));
		}
		if (loss < bestLoss) {
			bestLoss = loss;
			best = share;
		}
	}
	return best;
}

/**
 * The share toward a short message's strongest clause, fitted on the held-out writers' request
 * readings. Only messages of several clauses are read: for the others the share changes nothing.
 */
function fitClauseShare(held: HeldOut[], temperature: number): number {
	const read = heldOutRequests(
		held.filter((h) => h.clauseLogits !== undefined),
		temperature,
	);
	return fitShare(read, heldOutRequestProbability, (r) => r.isRequest);
}

const NO_INFORMATION = BOT_LABELS.indexOf('no_information');

/** A held-out reply's lack-of-information reading as the engine reads it (botCannotAnswer). */
export function heldOutReplyProbability(h: HeldOut, temperature: number, share: number): number {
	let clause = 0;
	for (const logits of h.clauseLogits ?? []) {
		clause = Math.max(clause, softmax(logits, temperature)[NO_INFORMATION]);
	}
	return towardStrongestClause(softmax(h.logits, temperature)[NO_INFORMATION], clause, share);
}

/**
 * The share toward a bot reply's strongest clause, fitted on the held-out writers'
 * lack-of-information readings as fitClauseShare fits the contact's.
 */
function fitReplyClauseShare(held: HeldOut[], temperature: number): number {
	return fitShare(
		held.filter((h) => h.clauseLogits !== undefined),
		(h, share) => heldOutReplyProbability(h, temperature, share),
		(h) => h.label === NO_INFORMATION,
	);
}

/** Both clause shares, fitted on the same held-out readings. */
export function fitShares(
	held: { user: HeldOut[]; bot: HeldOut[] },
	temperatures: { user: number; bot: number },
): { contactClauseShare: number; replyClauseShare: number } {
	return {
		contactClauseShare: fitClauseShare(held.user, temperatures.user),
		replyClauseShare: fitReplyClauseShare(held.bot, temperatures.bot),
	};
}

/**
 * The turn judge's examples: each fold's conversations read with weights trained without their
 * writers and calibrated with the shipped temperatures, as the engine will read unseen ones.
 */
export function heldOutTurnExamples(
	corpus: Corpus,
	folds: Fold[],
	temperatures: { user: number; bot: number },
	shares: { contactClauseShare: number; replyClauseShare: number },
): TurnExample[] {
	const examples: TurnExample[] = [];
	for (const fold of folds) {
		const models = {
			user: scaled(fold.user, temperatures.user),
			bot: scaled(fold.bot, temperatures.bot),
			turnWords: fold.turnWords,
			turn: NEUTRAL_TURN_MODEL,
			...shares,
		};
		const conversations = corpus.conversations.filter((l) => fold.left.has(l.writer));
		examples.push(...withModels(models, () => turnExamples(conversations)));
	}
	return examples;
}

export function trainShippedModels(corpus: Corpus): TrainedModels {
	const folds: Fold[] = [];
	const held = leaveWritersOut(corpus, TEMPERATURE_FOLDS, (fold) => folds.push(fold));
	const temperatures = { user: fitTemperature(held.user), bot: fitTemperature(held.bot) };
	const shares = fitShares(held, temperatures);
	const turn = fitTurnModel(heldOutTurnExamples(corpus, folds, temperatures, shares));
	const training = forTraining(corpus);
	const models = fitModels(training.user, training.bot);
	return {
		user: scaled(models.user, temperatures.user),
		bot: scaled(models.bot, temperatures.bot),
		turnWords: fitTurnWords(corpus.conversations),
		turn,
		temperatures,
		...shares,
	};
}

/** A fingerprint of the lines and labels a model is trained on. */
export function corpusDigest(corpus: Corpus): string {
	const hash = createHash('sha256');
	for (const line of corpus.user) hash.update(`${line.id}\t${line.label}\t${line.text}\n`);
	for (const line of forTraining(corpus).bot)
		hash.update(`${line.id}\t${line.noInfo}\t${line.text}\n`);
	for (const line of corpus.conversations)
		hash.update(`${line.id}\t${line.fireAt}\t${(line.attempts ?? []).join(' ')}\n`);
	return hash.digest('hex');
}

export function storeModels(
	models: TrainedModels,
	corpus: Corpus,
	heldOutWriters: string[],
): StoredHandoverModels {
	return {
		version: 1,
		user: storeModel(models.user),
		bot: storeModel(models.bot),
		turnWords: storeModel(models.turnWords),
		turn: storeTurnModel(models.turn),
		contactClauseShare: models.contactClauseShare,
		replyClauseShare: models.replyClauseShare,
		trainedOn: {
			split: 'train',
			writers: writersOf(corpus),
			heldOutWriters,
			userMessages: forTraining(corpus).user.length,
			botReplies: forTraining(corpus).bot.length,
			corpusSha256: corpusDigest(corpus),
			temperatures: models.temperatures,
			temperatureFolds: TEMPERATURE_FOLDS,
			options: DEFAULT_TRAIN,
		},
	};
}
