import type { Reask } from './reask';

/**
 * Whether a contact's message is an unsuccessful attempt depends on the conversation as much as on
 * the words: "und die Grundgebühr?" after a real answer is a follow-up, after an answer beside the
 * point it asks again. The message model reads the words; this small logistic model weighs its
 * readings against what the conversation shows (the question asked again and left unanswered, an
 * opening that takes or contradicts the last answer, a report on the last reply's own advice).
 * Trained on the scripted conversations' turns, each labelled failed or not by people, with the
 * message readings of weights that never saw the conversation's writer. Earlier failures are not a
 * feature: the judge's own false alarm would make every later message look like one.
 *
 * Besides each feature, the judge weighs each pair of features multiplied (a quadratic logistic
 * model): a complaint reading means more after a reply that lacked information, words the reply
 * used mean more in a question. On ten groups of writers the pairs misjudged 6 % fewer turns and
 * played 12 more of 2,477 conversations right. (The square of a yes-or-no feature is the feature
 * itself: the penalty shares its weight between the two.)
 */

/** What the judge sees of one turn, in the order of its weights. */
export const TURN_FEATURES = [
	'complaint',
	'success',
	'contactRequest',
	'reaskUnanswered',
	'reaskRule',
	'takesTheAnswer',
	'contrastQuestion',
	'question',
	'replyNoInformation',
	'echoesReply',
	'turnWords',
	'replyAsked',
	'otherFigure',
	'shortMessage',
	'opensWithNo',
	'replyRepeats',
	'replyToMessage',
	'complaintClause',
	'afterSuccess',
	'opensWithAnd',
	'replyAskedStep',
] as const;

export type TurnFeatures = Float64Array;

export interface TurnModel {
	/** JUDGE_INPUTS weights: the features' own, then their pairs'. */
	weights: Float64Array;
	bias: number;
}

export interface StoredTurnModel {
	features: readonly string[];
	weights: number[];
	bias: number;
}

/** Everything the features are made of, as detectHandover knows it at a contact's message. */
export interface TurnReading {
	complaint: number;
	success: number;
	contactRequest: number;
	reask: Reask | undefined;
	reaskRule: boolean;
	opensWithContrast: boolean;
	question: boolean;
	/** The bot's last reply read as lacking information (0 when there was none). */
	replyNoInformation: number;
	/** Share of the message's content words the bot's last reply used (0 without one). */
	echoesReply: number;
	/** Log-odds of an unsuccessful attempt by the turn-words model (model/turnWords.ts). */
	turnWords: number;
	/** The bot's last reply asked the contact something: the message is likely its answer. */
	replyAsked: boolean;
	/** The message states a figure the bot's last reply, which gave figures, did not (reask.ts). */
	otherFigure: boolean;
	/** Words (letters or digits) in the message: a reply of a few words answers the bot's last one. */
	wordCount: number;
	/** The message opens with a plain no (reask.ts). */
	opensWithNo: boolean;
	/** How closely the bot's last reply repeats an earlier one (0–1, reask.ts). */
	replyRepeats: number;
	/** The bot's reply to the message itself is read (its words are in `turnWords`). */
	replyToMessage: boolean;
	/** The complaint reading of a short message's strongest clause (the whole message's otherwise). */
	complaintClause: number;
	/**
	 * The contact's message before this one was read as a success: what follows opens a new matter
	 * more often than it complains.
	 */
	afterSuccess: boolean;
	/** The message goes on from the last answer with "and" (reask.ts). */
	opensWithAnd: boolean;
	/**
	 * The bot's last reply closed by asking what a step it gave did (question.ts, asksAboutStep):
	 * "same", "nope", "nada" answer whether it worked.
	 */
	replyAskedStep: boolean;
}

/** A probability as log-odds, bounded so one certain reading cannot swamp the rest. */
function logit(probability: number): number {
	const p = Math.min(1 - 1e-4, Math.max(1e-4, probability));
	return Math.log(p / (1 - p)) / 4;
}

/** Where the turn-words reading and the mark of the reply to the message sit among the features. */
const TURN_WORDS_FEATURE = TURN_FEATURES.indexOf('turnWords');
const REPLY_TO_MESSAGE_FEATURE = TURN_FEATURES.indexOf('replyToMessage');
const COMPLAINT_CLAUSE_FEATURE = TURN_FEATURES.indexOf('complaintClause');
const AFTER_SUCCESS_FEATURE = TURN_FEATURES.indexOf('afterSuccess');
const OPENS_WITH_AND_FEATURE = TURN_FEATURES.indexOf('opensWithAnd');
const REPLY_ASKED_STEP_FEATURE = TURN_FEATURES.indexOf('replyAskedStep');

function turnWordsFeature(logOdds: number): number {
	return logit(1 / (1 + Math.exp(-logOdds)));
}

/**
 * The features of a message judged before the bot's reply to it, with the reply read: its words
 * added to the turn-words log-odds (`logOdds`), and the reply marked as read.
 */
export function withReplyToMessage(x: ArrayLike<number>, logOdds: number): TurnFeatures {
	const next = Float64Array.from(x);
	next[TURN_WORDS_FEATURE] = turnWordsFeature(logOdds);
	next[REPLY_TO_MESSAGE_FEATURE] = 1;
	return next;
}

const SHORT_MESSAGE_WORDS = 3;
/**
 * A reply that repeats an earlier one counts up to this share: in the training conversations only
 * 24 of 10,216 turns read above it, too few to teach the judge what a word-for-word repeat means,
 * and the pairs' squares would carry its weight far past what was learned (capping cost nothing on
 * ten groups of writers).
 */
const REPEAT_CAP = 0.5;

export function turnFeatures(reading: TurnReading): TurnFeatures {
	const reask = reading.reask;
	const x = new Float64Array(TURN_FEATURES.length);
	x[0] = logit(reading.complaint);
	x[1] = logit(reading.success);
	x[2] = logit(reading.contactRequest);
	// Asked again: the share of the message's topic words from an earlier question that no reply took up.
	x[3] = reask === undefined ? 0 : reask.share * (1 - reask.answered);
	x[4] = reading.reaskRule ? 1 : 0;
	x[5] = reask?.takesTheAnswer === true ? 1 : 0;
	x[6] = reading.opensWithContrast && reading.question ? 1 : 0;
	x[7] = reading.question ? 1 : 0;
	x[8] = reading.replyNoInformation;
	x[9] = reading.echoesReply;
	x[TURN_WORDS_FEATURE] = turnWordsFeature(reading.turnWords);
	x[11] = reading.replyAsked ? 1 : 0;
	x[12] = reading.otherFigure ? 1 : 0;
	// Three words or fewer ("??", "und?", "ist ein Samsung", "esquece 🙄"): after an answer, such a
	// message rarely opens something new. Measured on ten groups of writers, three words parted
	// failed from other turns better than two, four or the length's logarithm.
	x[13] = reading.wordCount <= SHORT_MESSAGE_WORDS ? 1 : 0;
	x[14] = reading.opensWithNo ? 1 : 0;
	x[15] = Math.min(REPEAT_CAP, reading.replyRepeats);
	x[REPLY_TO_MESSAGE_FEATURE] = reading.replyToMessage ? 1 : 0;
	// A complaint one clause of a short message makes ("??" before new details) is read in full.
	x[COMPLAINT_CLAUSE_FEATURE] = logit(reading.complaintClause);
	// After "perfect, thanks" a new problem is a first report: of the training conversations' turns
	// after a success, 5 % were labelled unsuccessful attempts, against 39 % of all later turns.
	x[AFTER_SUCCESS_FEATURE] = reading.afterSuccess ? 1 : 0;
	x[OPENS_WITH_AND_FEATURE] = reading.opensWithAnd ? 1 : 0;
	x[REPLY_ASKED_STEP_FEATURE] = reading.replyAskedStep ? 1 : 0;
	return x;
}

/** How many numbers the judge weighs: each feature, then each pair (i ≤ j) multiplied. */
export const JUDGE_INPUTS = (TURN_FEATURES.length * (TURN_FEATURES.length + 3)) / 2;

/** The features followed by the products of each pair of them (a feature with itself included). */
export function judgeInputs(x: TurnFeatures): Float64Array {
	const inputs = new Float64Array(JUDGE_INPUTS);
	inputs.set(x);
	let k = x.length;
	for (let i = 0; i < x.length; i++) {
		for (let j = i; j < x.length; j++) inputs[k++] = x[i] * x[j];
	}
	return inputs;
}

/** The judge's probability; the same sum as over `judgeInputs`, without building the list. */
export function judgeTurn(model: TurnModel, x: TurnFeatures): number {
	const weights = model.weights;
	let z = model.bias;
	for (let i = 0; i < x.length; i++) z += weights[i] * x[i];
	let k = x.length;
	for (let i = 0; i < x.length; i++) {
		const xi = x[i];
		for (let j = i; j < x.length; j++) z += weights[k++] * (xi * x[j]);
	}
	return 1 / (1 + Math.exp(-z));
}

export function loadTurnModel(stored: StoredTurnModel): TurnModel {
	if (
		stored.features.join(' ') !== TURN_FEATURES.join(' ') ||
		stored.weights.length !== JUDGE_INPUTS
	) {
		throw new Error('the turn model was trained on other features: run `npm run train`');
	}
	return { weights: Float64Array.from(stored.weights), bias: stored.bias };
}

export function storeTurnModel(model: TurnModel): StoredTurnModel {
	return { features: TURN_FEATURES, weights: [...model.weights], bias: model.bias };
}
