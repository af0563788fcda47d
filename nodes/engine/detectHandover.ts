import { analyseContactRequest, readsOnlyNegated } from './contactRequest';
import {
	BOT_LABELS,
	getModels,
	readText,
	towardStrongestClause,
	USER_LABELS,
} from './model/scorer';
import { messageLogOdds, replyLogOdds, responseLogOdds } from './model/turnWords';
import { wordReadingsOf } from './model/features';
import { normaliseText, type NormalisedText } from './normalise';
import {
	echoedIn,
	isUnansweredReask,
	measureReask,
	onlyAcknowledges,
	opensWithContrast,
	opensWithAnd,
	opensWithNo,
	replyRepeatsEarlier,
	shareOfReply,
	statesOtherFigure,
	wordSimilarity,
} from './reask';
import { readOffer } from './offeredInstead';
import { asksAboutStep, onlyGreets, replyAsks } from './question';
import {
	judgeTurn,
	TURN_FEATURES,
	turnFeatures,
	withReplyToMessage,
	type TurnFeatures,
} from './turnJudge';
import type {
	ConversationMemory,
	DetectionResult,
	DetectorOptions,
	ExtraPhrases,
	HandoverReason,
	PendingAttempt,
	SecondOpinion,
	TranscriptEntry,
	Turn,
} from './types';

export const DEFAULT_OPTIONS: DetectorOptions = {
	triggers: { contactRequest: true, lackOfInformation: true, failedToResolve: true },
	failedAttempts: 2,
	confidenceThreshold: 0.5,
	detectionThreshold: 0.5,
	extraPhrases: { contactRequest: [], lackOfInformation: [], failedToResolve: [], success: [] },
	coolDownMinutes: 60,
	staffReplyPauseMinutes: 24 * 60,
	transcriptLength: 20,
};

/** User messages remembered to spot a repeated question. */
const REMEMBERED_QUESTIONS = 3;
const MAX_TRANSCRIPT_TEXT = 1000;
/** A token that is a word or a figure, not a clause mark or an emoji. */
const WORD = /[\p{L}\p{N}]/u;
/** Share of words two messages must have in common to count as the same question. */
const REPEAT_SIMILARITY = 0.8;
const REPEAT_MIN_WORDS = 3;
const MINUTE = 60_000;

/**
 * Where each reading counts at the default Detection Threshold (0.5), chosen on the training
 * writers (left out in ten groups) and their scripted conversations, never on the test writers:
 * a bot reply counts at 0.5 like a message (0.6 until writers of replies w146–w153: on the groups
 * of 137 writers, no information F1 0.943 → 0.949 for 2,727 → 2,723 of 3,057 conversations, a
 * change the order of training alone makes; new writers' replies lack it less surely than the
 * training writers' do, and 0.5 found more of them: F1 0.834 → 0.850 on eight of them),
 * while an unsuccessful attempt (the turn judge's probability) needs less, as it takes two to hand
 * over: with the turn-words reading among its features, 0.35 / 0.40 / 0.45 / 0.50 played
 * 2,500 / 2,499 / 2,487 / 2,476 of 2,805 conversations right (the judge before it: 2,482 at 0.40,
 * 2,475 at 0.45).
 * A request counts at 0.4: new writers' requests read less surely than the training writers' do.
 * Three batches of writers, each scored by the weights trained before it, gained 1.4 to 3.1
 * points of recall from 0.5 to 0.4 for 0.3 to 0.7 of precision (F1 up in each), and the fourth,
 * scored after the choice, 3.5 for 0.6; on the ten groups of training writers F1 stays level.
 * It costs conversations: on those groups 76 of 16,798 end early on a message read as a request
 * (the batches lost 2 of 588, the test split none); a missed request is the commoner error.
 * Moving the option moves all three by the same amount.
 */
const BASE_THRESHOLDS = {
	contactRequest: 0.4,
	lackOfInformation: 0.5,
	dissatisfaction: 0.4,
};

function thresholdFor(kind: keyof typeof BASE_THRESHOLDS, options: DetectorOptions): number {
	const shifted =
		BASE_THRESHOLDS[kind] + (options.detectionThreshold - DEFAULT_OPTIONS.detectionThreshold);
	return Math.min(0.99, Math.max(0.01, shifted));
}
/** A complaint reading this sure counts whatever the turn judge says (measured: 0.8–0.9 cost no conversation). */
const SURE_COMPLAINT = 0.8;
/**
 * Below this, a message the judge reads as an unsuccessful attempt without the bot's reply to it
 * waits for the reply when replies come as events of their own. On the training conversations,
 * the reply turned 51 of 122 readings of 0.4–0.6 into no attempt, 4 of 109 of 0.6–0.8.
 */
const SURE_WITHOUT_REPLY = 0.7;
const NO_SCORES = { contactRequest: 0, lackOfInformation: 0, dissatisfaction: 0 };

export function resolveOptions(options: Partial<DetectorOptions> = {}): DetectorOptions {
	return {
		...DEFAULT_OPTIONS,
		...options,
		triggers: { ...DEFAULT_OPTIONS.triggers, ...options.triggers },
		extraPhrases: { ...DEFAULT_OPTIONS.extraPhrases, ...options.extraPhrases },
	};
}

export function emptyMemory(now: Date): ConversationMemory {
	return memoryAt(now.toISOString());
}

function memoryAt(at: string): ConversationMemory {
	return { failedAttempts: 0, lastUserMessages: [], transcript: [], updatedAt: at };
}

/** A user's own phrase, matched on whole normalised words. */
function findExtraPhrase(text: NormalisedText, phrases: string[]): string | undefined {
	for (const phrase of phrases) {
		const normal = normaliseText(phrase).text;
		if (normal.trim() !== '' && text.text.includes(normal)) return phrase;
	}
	return undefined;
}

interface NoAnswer {
	evidence: string;
	probability: number;
}

/** How surely a welcome or a menu sent back to a question lacks the information. */
const OFFERED_INSTEAD = 0.9;
/**
 * A welcome or a menu that opens the conversation or answers a greeting lacks nothing, however
 * much menu bots' replies to questions taught the weights to read menus as no answer.
 */
const WELCOME_CAP = 0.3;

/** The contact's message a reply answers: the reply's own turn's, or one still waiting for it. */
interface Question {
	normal: NormalisedText;
	raw: string;
}

/**
 * HighLevel and Chatwoot send the contact's message and the bot's reply as two events: a reply
 * arriving alone answers the contact's message just before it, when that is the last thing said.
 */
function unansweredMessage(transcript: TranscriptEntry[]): Question | undefined {
	const last = transcript[transcript.length - 1];
	if (last?.role !== 'user') return undefined;
	return { normal: normaliseText(last.text), raw: last.text };
}

function botCannotAnswer(
	turn: Turn,
	reply: NormalisedText | undefined,
	options: DetectorOptions,
	extra: ExtraPhrases,
	question: Question | undefined,
): { found?: NoAnswer; probability: number } {
	if (turn.botUnanswered === true) {
		return {
			found: { evidence: 'the bot marked its reply as unanswered', probability: 1 },
			probability: 1,
		};
	}
	if (turn.botConfidence !== undefined && turn.botConfidence < options.confidenceThreshold) {
		const evidence = `bot confidence ${turn.botConfidence} is below ${options.confidenceThreshold}`;
		return { found: { evidence, probability: 1 }, probability: 1 };
	}
	if (!turn.botReply || reply === undefined) return { probability: 0 };
	if (findExtraPhrase(reply, extra.lackOfInformation) !== undefined) {
		return { found: { evidence: `bot reply: "${turn.botReply}"`, probability: 1 }, probability: 1 };
	}
	const models = getModels();
	const read = readText(models.bot, 'bot', reply, turn.botReply, question?.normal);
	const noInformation = read.whole[NO_INFORMATION_LABEL];
	const clause = read.clauses[NO_INFORMATION_LABEL];
	const offer = readOffer(reply, turn.botReply, question?.normal, question?.raw);
	const offered = offer === 'instead';
	let probability = towardStrongestClause(
		noInformation.probability,
		clause?.probability ?? 0,
		models.replyClauseShare,
	);
	if (offered) probability = Math.max(probability, OFFERED_INSTEAD);
	else if (offer === 'welcome') probability = Math.min(probability, WELCOME_CAP);
	if (probability >= thresholdFor('lackOfInformation', options)) {
		const evidence = offered
			? `the bot offered help instead of answering: "${turn.botReply}"`
			: `bot reply: "${turn.botReply}"`;
		return { found: { evidence, probability }, probability };
	}
	return { probability };
}

function wordsOf(text: string): Set<string> {
	return new Set(text.split(' ').filter((w) => w !== '' && w !== '.'));
}

function isRepeat(current: NormalisedText, previous: string[]): boolean {
	if (current.tokens.length < REPEAT_MIN_WORDS) return false;
	let words: Set<string> | undefined;
	return previous.some((earlier) => {
		// Texts whose lengths differ this much cannot reach the similarity: skip the word sets.
		const ratio = earlier.length / current.text.length;
		if (ratio < REPEAT_SIMILARITY || ratio > 1 / REPEAT_SIMILARITY) return false;
		words ??= wordsOf(current.text);
		return wordSimilarity(words, wordsOf(earlier)) >= REPEAT_SIMILARITY;
	});
}

/** The judge's verdict on a contact's message; `probability` that it is an unsuccessful attempt. */
type Attempt =
	| { kind: 'failed'; evidence: string; probability: number }
	| { kind: 'success'; probability: number }
	| { kind: 'neutral'; probability: number; pending?: PendingAttempt };

/** The learned reading of one contact message: how likely it asks for a person, complains, thanks. */
interface MessageReading {
	contactRequest: { probability: number; evidence: string };
	complaint: { probability: number; evidence: string };
	/** The complaint reading of the strongest clause of a short message, or of the whole. */
	complaintClause: number;
	success: number;
}

/**
 * When the grammar reads a request only in a negated clause ("I don't need a human") the weights
 * may not overrule it: negation scope is where the grammar is precise and the weights are not.
 * Unless the only negation is a word that is an ordinary word in another language (German "mit nem
 * Menschen reden", where Portuguese "nem" is "nor"): there the weights decide.
 */
export const NEGATED_REQUEST_CAP = 0.3;
/** A message of greetings alone ("hey", "Servus", "Grüß Gott") asks for no one, however it reads. */
const GREETING_CAP = 0.3;
const CONTACT_LABEL = USER_LABELS.indexOf('contact_request');
const COMPLAINT_LABEL = USER_LABELS.indexOf('complaint');
const NO_INFORMATION_LABEL = BOT_LABELS.indexOf('no_information');

/**
 * The request reading of a message from the whole message's and its strongest clause's: capped when
 * the grammar reads the request only as negated, else moved `share` of the way toward the clause.
 * Training fits the share through this same function (test/corpus/training.ts).
 */
export function requestProbability(
	whole: number,
	clause: number,
	negatedOnly: boolean,
	share: number,
): number {
	return negatedOnly
		? Math.min(whole, NEGATED_REQUEST_CAP)
		: towardStrongestClause(whole, clause, share);
}

function readMessage(message: NormalisedText, raw: string): MessageReading {
	const models = getModels();
	const read = readText(models.user, 'user', message, raw);
	const [, contact, complaint, success] = read.whole;
	const grammar = analyseContactRequest(message.tokens, () => wordReadingsOf(message.tokens));
	const negatedOnly = readsOnlyNegated(grammar);
	// Its clauses read alone: the strongest request clause moves the request reading (unless the
	// grammar reads the request only as negated), the strongest complaint clause is the judge's.
	const clauses = read.clauses;
	const clause = negatedOnly ? undefined : clauses[CONTACT_LABEL];
	const probability = requestProbability(
		contact.probability,
		clause?.probability ?? 0,
		negatedOnly,
		models.contactClauseShare,
	);
	const byClause = clause !== undefined && probability > contact.probability;
	return {
		contactRequest: {
			probability: onlyGreets(message.tokens) ? Math.min(probability, GREETING_CAP) : probability,
			// The grammar's clause says best why; else the clause or segment that read highest.
			evidence: grammar.request ?? (byClause ? clause.segment : contact.segment),
		},
		complaint: { probability: complaint.probability, evidence: complaint.segment },
		complaintClause: Math.max(complaint.probability, clauses[COMPLAINT_LABEL]?.probability ?? 0),
		success: success.probability,
	};
}

/** The judge's features at a contact's message, its turn-words part and what it would name. */
interface TurnReading {
	features: TurnFeatures;
	turnWords: number;
	evidence: () => string;
}

/**
 * The conversation's evidence at a contact's message, as the turn judge weighs it; undefined for
 * an opening message. Saying an answer did not help needs a conversation before it: an opening
 * question is never a complaint (many bots send only the contact's messages, so earlier bot
 * replies may be unknown).
 */
function readTurn(
	raw: string,
	message: NormalisedText,
	reading: MessageReading,
	memory: ConversationMemory,
	response: NormalisedText | undefined,
): TurnReading | undefined {
	if (memory.transcript.length === 0) return undefined;
	const reask = measureReask(message.tokens, memory.lastUserMessages, memory.transcript);
	const reaskRule = isUnansweredReask(reask);
	const last = memory.transcript[memory.transcript.length - 1];
	const lastIsBot = last.role === 'bot';
	const contrast = lastIsBot && opensWithContrast(message.tokens);
	const replyAsked = lastIsBot && replyAsks(last.text);
	const replyAskedStep = replyAsked && asksAboutStep(last.text);
	const question = raw.includes('?');
	const turnWords =
		messageLogOdds(
			getModels().turnWords,
			message.tokens,
			lastIsBot ? echoedIn(last.text) : undefined,
			replyAsked,
		) + (memory.lastReplyTurnWords ?? 0);
	const features = turnFeatures({
		complaint: reading.complaint.probability,
		success: reading.success,
		contactRequest: reading.contactRequest.probability,
		reask,
		reaskRule,
		opensWithContrast: contrast,
		question,
		replyNoInformation: memory.lastReplyNoInformation ?? 0,
		echoesReply: lastIsBot ? shareOfReply(message.tokens, last.text) : 0,
		// The bot's reply to the message, when it came with it, tells how the bot took it ("sorry for
		// the confusion", "I'll pass this to a colleague").
		turnWords:
			turnWords +
			(response === undefined ? 0 : responseLogOdds(getModels().turnWords, response.tokens)),
		replyAsked,
		otherFigure: lastIsBot && statesOtherFigure(raw, last.text),
		wordCount: message.tokens.filter((token) => WORD.test(token)).length,
		opensWithNo: lastIsBot && opensWithNo(message.tokens),
		replyRepeats: replyRepeatsEarlier(memory.transcript),
		replyToMessage: response !== undefined,
		complaintClause: reading.complaintClause,
		afterSuccess: memory.afterSuccess === true,
		opensWithAnd: lastIsBot && opensWithAnd(message.tokens),
		replyAskedStep,
	});
	// The evidence names the strongest sign the conversation shows, else the message's own words.
	const evidence = () => {
		if (reaskRule && reask !== undefined) return `asked again, still unanswered: ${reask.words}`;
		if (contrast && question) return `answer contradicted: ${message.text.trim()}`;
		return reading.complaint.evidence;
	};
	return { features, turnWords, evidence };
}

/** The turn judge's features at a contact's message given the memory before it (for training tools). */
export function turnFeaturesAt(
	userMessage: string,
	memory: ConversationMemory,
	botReply?: string,
): TurnFeatures | undefined {
	const message = normaliseText(userMessage);
	const response = botReply ? normaliseText(botReply) : undefined;
	return readTurn(userMessage, message, readMessage(message, userMessage), memory, response)
		?.features;
}

function judgeUserMessage(
	raw: string,
	message: NormalisedText,
	reading: MessageReading,
	memory: ConversationMemory,
	options: DetectorOptions,
	response: NormalisedText | undefined,
): Attempt {
	const extra = options.extraPhrases;
	const own = findExtraPhrase(message, extra.failedToResolve);
	if (own !== undefined) return { kind: 'failed', evidence: own, probability: 1 };
	if (isRepeat(message, memory.lastUserMessages)) {
		return {
			kind: 'failed',
			evidence: `repeated question: ${message.text.trim()}`,
			probability: 1,
		};
	}
	// "ok", "understood", "alles klar, danke": the contact takes the answer. Not one such turn of
	// the training conversations was an unsuccessful attempt, and the message model, which reads
	// them as openings, can put an acknowledgement no writer used near a complaint. Whether it
	// also thanks (a success, which restarts the count) is read below as for any message.
	const turn = onlyAcknowledges(message.tokens, raw)
		? undefined
		: readTurn(raw, message, reading, memory, response);
	const failed = turn === undefined ? 0 : judgeTurn(getModels().turn, turn.features);
	if (turn !== undefined && failed >= thresholdFor('dissatisfaction', options)) {
		if (
			response === undefined &&
			memory.repliesApart === true &&
			failed < SURE_WITHOUT_REPLY &&
			reading.complaint.probability < SURE_COMPLAINT
		) {
			return { kind: 'neutral', probability: failed, pending: kept(turn, failed) };
		}
		return { kind: 'failed', evidence: turn.evidence(), probability: failed };
	}
	// A message the words alone read surely as a complaint ("that didn't help") counts in any
	// conversation: the judge learned from scripted ones and may not overrule it.
	if (turn !== undefined && reading.complaint.probability >= SURE_COMPLAINT) {
		return {
			kind: 'failed',
			evidence: reading.complaint.evidence,
			probability: reading.complaint.probability,
		};
	}
	if (findExtraPhrase(message, extra.success) !== undefined || reading.success >= 0.5) {
		return { kind: 'success', probability: failed };
	}
	// Judged without the bot's reply to it: kept, to be judged again when the reply comes.
	const pending = turn !== undefined && response === undefined ? kept(turn) : undefined;
	return { kind: 'neutral', probability: failed, pending };
}

/** A message's reading kept for the bot's reply to it (`withoutReply`: see PendingAttempt). */
function kept(turn: TurnReading, withoutReply?: number): PendingAttempt {
	const pending: PendingAttempt = {
		features: [...turn.features],
		turnWords: turn.turnWords,
		evidence: turn.evidence(),
	};
	if (withoutReply !== undefined) pending.withoutReply = withoutReply;
	return pending;
}

/**
 * A message judged before the bot's reply to it, judged again with the reply's words, as it would
 * have been had the two come together: `failed` when it now is an unsuccessful attempt. Undefined
 * when the kept reading is from another version of the judge.
 */
function judgeWithResponse(
	pending: PendingAttempt,
	response: NormalisedText,
	options: DetectorOptions,
): { failed: boolean; evidence: string; probability: number } | undefined {
	if (pending.features.length !== TURN_FEATURES.length) return undefined;
	const models = getModels();
	const logOdds = pending.turnWords + responseLogOdds(models.turnWords, response.tokens);
	const x = withReplyToMessage(pending.features, logOdds);
	const probability = judgeTurn(models.turn, x);
	const failed = probability >= thresholdFor('dissatisfaction', options);
	return { failed, evidence: pending.evidence, probability };
}

function appendTranscript(
	transcript: TranscriptEntry[],
	turn: Turn,
	at: string,
	length: number,
): TranscriptEntry[] {
	const next = [...transcript];
	const add = (role: TranscriptEntry['role'], text: string | undefined) => {
		if (text) next.push({ role, text: text.slice(0, MAX_TRANSCRIPT_TEXT), at });
	};
	add('user', turn.userMessage);
	add(turn.staffReply ? 'staff' : 'bot', turn.botReply);
	return next.slice(-length);
}

/**
 * Decides whether this turn hands the conversation to a person (DESIGN.md §3). Pure: the memory
 * of the conversation goes in, the new memory comes out with the answer.
 */
const TRIGGER_OF: Record<HandoverReason, keyof DetectorOptions['triggers']> = {
	contact_request: 'contactRequest',
	lack_of_information: 'lackOfInformation',
	failed_to_resolve: 'failedToResolve',
};

export function detectHandover(
	turn: Turn,
	memory: ConversationMemory | undefined,
	options: Partial<DetectorOptions> = {},
	now: Date = new Date(),
	secondOpinion?: SecondOpinion,
): DetectionResult {
	const opts = resolveOptions(options);
	const at = now.toISOString();
	const previous = memory ?? memoryAt(at);
	const next: ConversationMemory = {
		...previous,
		transcript: appendTranscript(previous.transcript, turn, at, opts.transcriptLength),
		updatedAt: at,
	};

	delete next.pendingAttempt;
	if (turn.staffReply) {
		next.handedOverAt = at;
		next.failedAttempts = 0;
		next.pausedUntil = new Date(now.getTime() + opts.staffReplyPauseMinutes * MINUTE).toISOString();
		return {
			handover: false,
			reason: null,
			evidence: 'a person replied',
			suppressed: 'bot_paused',
			confidence: 1,
			scores: NO_SCORES,
			failedAttempts: 0,
			memory: next,
		};
	}

	const message = turn.userMessage ? normaliseText(turn.userMessage) : undefined;
	const reading = message && turn.userMessage ? readMessage(message, turn.userMessage) : undefined;
	let reason: HandoverReason | null = null;
	let evidence = '';
	let confidence = 0;

	if (message && reading && opts.triggers.contactRequest) {
		const own = findExtraPhrase(message, opts.extraPhrases.contactRequest);
		if (own !== undefined) {
			reason = 'contact_request';
			evidence = own;
			confidence = 1;
		} else if (reading.contactRequest.probability >= thresholdFor('contactRequest', opts)) {
			reason = 'contact_request';
			evidence = reading.contactRequest.evidence;
			confidence = reading.contactRequest.probability;
		}
	}

	const reply = turn.botReply ? normaliseText(turn.botReply) : undefined;
	// Only a reply is read against a question; a reply alone re-reads the message waiting for it.
	const question =
		reply === undefined
			? undefined
			: message && turn.userMessage
				? { normal: message, raw: turn.userMessage }
				: unansweredMessage(previous.transcript);
	const noAnswer = botCannotAnswer(turn, reply, opts, opts.extraPhrases, question);
	if (reply !== undefined || turn.botUnanswered === true || turn.botConfidence !== undefined) {
		// The contact's next message is read against this reply.
		next.lastReplyNoInformation = noAnswer.probability;
		next.lastReplyTurnWords =
			reply === undefined ? 0 : replyLogOdds(getModels().turnWords, reply.tokens);
	}
	let failedAttempts = previous.failedAttempts;
	let failed: { evidence: string; probability: number } | undefined;
	let failedProbability = 0;
	const unjudged = previous.pendingAttempt;
	if (message && unjudged?.withoutReply !== undefined) {
		// The reply to the last message never came: it counts as it read without one.
		failedAttempts++;
		failed = { evidence: unjudged.evidence, probability: unjudged.withoutReply };
	}
	if (!message && reply !== undefined) next.repliesApart = true;
	if (message && reading) {
		const attempt = judgeUserMessage(
			turn.userMessage ?? '',
			message,
			reading,
			previous,
			opts,
			reply,
		);
		failedProbability = attempt.probability;
		delete next.afterSuccess;
		if (attempt.kind === 'failed') {
			failedAttempts++;
			failed = attempt;
		} else if (attempt.kind === 'success') {
			failedAttempts = 0;
			next.afterSuccess = true;
		} else if (attempt.pending !== undefined) {
			next.pendingAttempt = attempt.pending;
		}
		next.lastUserMessages = [...previous.lastUserMessages, message.text].slice(
			-REMEMBERED_QUESTIONS,
		);
	} else if (reply !== undefined && previous.pendingAttempt !== undefined) {
		const late = judgeWithResponse(previous.pendingAttempt, reply, opts);
		failedProbability = late?.probability ?? 0;
		if (late?.failed === true) {
			failedAttempts++;
			failed = late;
		}
	}
	// Without its own trigger, a bot that cannot answer is one more failed attempt.
	if (noAnswer.found !== undefined && !opts.triggers.lackOfInformation) {
		failedAttempts++;
		failed = noAnswer.found;
	}
	next.failedAttempts = failedAttempts;
	const scores = {
		contactRequest: reading?.contactRequest.probability ?? 0,
		lackOfInformation: noAnswer.probability,
		dissatisfaction: failedProbability,
	};

	if (reason === null && opts.triggers.failedToResolve && failedAttempts >= opts.failedAttempts) {
		reason = 'failed_to_resolve';
		evidence = `${failedAttempts} unsuccessful attempts; last: ${failed?.evidence ?? ''}`;
		confidence = failed?.probability ?? 1;
	}
	if (reason === null && opts.triggers.lackOfInformation && noAnswer.found !== undefined) {
		reason = 'lack_of_information';
		evidence = noAnswer.found.evidence;
		confidence = noAnswer.found.probability;
	}
	if (secondOpinion !== undefined) {
		const own = secondOpinion.reason ?? reason ?? 'contact_request';
		// A trigger the user turned off stays off, whoever judges.
		reason = secondOpinion.handover && opts.triggers[TRIGGER_OF[own]] ? own : null;
		evidence = reason === null ? '' : 'second opinion';
		confidence = secondOpinion.confidence;
	}
	if (reason === null) {
		if (secondOpinion !== undefined) {
			return {
				handover: false,
				reason,
				evidence,
				confidence,
				scores,
				failedAttempts,
				memory: next,
			};
		}
		// Confidence that no person is needed: the strongest reading that stayed below its threshold.
		const strongest = Math.max(
			opts.triggers.contactRequest ? scores.contactRequest : 0,
			opts.triggers.lackOfInformation ? scores.lackOfInformation : 0,
		);
		return {
			handover: false,
			reason: null,
			evidence: '',
			confidence: 1 - strongest,
			scores,
			failedAttempts,
			memory: next,
		};
	}

	const suppressed = suppression(previous, opts, now);
	if (suppressed !== undefined) {
		// Staff have the conversation: counting on would only fire again when they hand it back.
		next.failedAttempts = 0;
		return {
			handover: false,
			reason: null,
			evidence: `${reason}: ${evidence}`,
			suppressed,
			confidence,
			scores,
			failedAttempts,
			memory: next,
		};
	}
	next.handedOverAt = at;
	next.failedAttempts = 0;
	return { handover: true, reason, evidence, confidence, scores, failedAttempts, memory: next };
}

function suppression(
	memory: ConversationMemory,
	options: DetectorOptions,
	now: Date,
): DetectionResult['suppressed'] {
	if (memory.pausedUntil && Date.parse(memory.pausedUntil) > now.getTime()) return 'bot_paused';
	if (
		memory.handedOverAt &&
		now.getTime() - Date.parse(memory.handedOverAt) < options.coolDownMinutes * MINUTE
	) {
		return 'already_handed_over';
	}
	return undefined;
}

/** True while the bot must stay quiet in this conversation. */
export function isBotPaused(
	memory: ConversationMemory | undefined,
	now: Date = new Date(),
): boolean {
	return !!memory?.pausedUntil && Date.parse(memory.pausedUntil) > now.getTime();
}
