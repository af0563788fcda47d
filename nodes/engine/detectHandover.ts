import { findContactRequest } from './contactRequest';
import { getLexicon, saysSuccess } from './lexicon';
import { normaliseText, type NormalisedText } from './normalise';
import type {
	ConversationMemory,
	DetectionResult,
	DetectorOptions,
	ExtraPhrases,
	HandoverReason,
	TranscriptEntry,
	Turn,
} from './types';

export const DEFAULT_OPTIONS: DetectorOptions = {
	triggers: { contactRequest: true, lackOfInformation: true, failedToResolve: true },
	failedAttempts: 2,
	confidenceThreshold: 0.5,
	extraPhrases: { contactRequest: [], lackOfInformation: [], failedToResolve: [], success: [] },
	coolDownMinutes: 60,
	staffReplyPauseMinutes: 24 * 60,
	transcriptLength: 20,
};

/** User messages remembered to spot a repeated question. */
const REMEMBERED_QUESTIONS = 3;
const MAX_TRANSCRIPT_TEXT = 1000;
/** Share of words two messages must have in common to count as the same question. */
const REPEAT_SIMILARITY = 0.8;
const REPEAT_MIN_WORDS = 3;
const MINUTE = 60_000;

export function resolveOptions(options: Partial<DetectorOptions> = {}): DetectorOptions {
	return {
		...DEFAULT_OPTIONS,
		...options,
		triggers: { ...DEFAULT_OPTIONS.triggers, ...options.triggers },
		extraPhrases: { ...DEFAULT_OPTIONS.extraPhrases, ...options.extraPhrases },
	};
}

export function emptyMemory(now: Date): ConversationMemory {
	return { failedAttempts: 0, lastUserMessages: [], transcript: [], updatedAt: now.toISOString() };
}

/** A user's own phrase, matched on whole normalised words. */
function findExtraPhrase(text: NormalisedText, phrases: string[]): string | undefined {
	for (const phrase of phrases) {
		const normal = normaliseText(phrase).text;
		if (normal.trim() !== '' && text.text.includes(normal)) return phrase;
	}
	return undefined;
}

function botCannotAnswer(
	turn: Turn,
	options: DetectorOptions,
	extra: ExtraPhrases,
): string | undefined {
	if (turn.botUnanswered === true) return 'the bot marked its reply as unanswered';
	if (turn.botConfidence !== undefined && turn.botConfidence < options.confidenceThreshold) {
		return `bot confidence ${turn.botConfidence} is below ${options.confidenceThreshold}`;
	}
	if (!turn.botReply) return undefined;
	const reply = normaliseText(turn.botReply);
	const own = findExtraPhrase(reply, extra.lackOfInformation);
	if (own !== undefined) return `bot reply: "${turn.botReply}"`;
	const { noAnswer, noAnswerExceptions } = getLexicon();
	if (noAnswer.test(reply.text) && !noAnswerExceptions.test(reply.text)) {
		return `bot reply: "${turn.botReply}"`;
	}
	return undefined;
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
		const other = wordsOf(earlier);
		let shared = 0;
		for (const word of words) if (other.has(word)) shared++;
		return shared / (words.size + other.size - shared) >= REPEAT_SIMILARITY;
	});
}

type Attempt = { kind: 'failed'; evidence: string } | { kind: 'success' } | { kind: 'neutral' };

function judgeUserMessage(
	message: NormalisedText,
	memory: ConversationMemory,
	extra: ExtraPhrases,
): Attempt {
	const { dissatisfaction } = getLexicon();
	const own = findExtraPhrase(message, extra.failedToResolve);
	if (own !== undefined) return { kind: 'failed', evidence: own };
	if (dissatisfaction.test(message.text)) return { kind: 'failed', evidence: message.text.trim() };
	if (isRepeat(message, memory.lastUserMessages)) {
		return { kind: 'failed', evidence: `repeated question: ${message.text.trim()}` };
	}
	if (findExtraPhrase(message, extra.success) !== undefined || saysSuccess(message.text)) {
		return { kind: 'success' };
	}
	return { kind: 'neutral' };
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
export function detectHandover(
	turn: Turn,
	memory: ConversationMemory | undefined,
	options: Partial<DetectorOptions> = {},
	now: Date = new Date(),
): DetectionResult {
	const opts = resolveOptions(options);
	const at = now.toISOString();
	const previous = memory ?? emptyMemory(now);
	const next: ConversationMemory = {
		...previous,
		transcript: appendTranscript(previous.transcript, turn, at, opts.transcriptLength),
		updatedAt: at,
	};

	if (turn.staffReply) {
		next.handedOverAt = at;
		next.failedAttempts = 0;
		next.pausedUntil = new Date(now.getTime() + opts.staffReplyPauseMinutes * MINUTE).toISOString();
		return {
			handover: false,
			reason: null,
			evidence: 'a person replied',
			suppressed: 'bot_paused',
			failedAttempts: 0,
			memory: next,
		};
	}

	const message = turn.userMessage ? normaliseText(turn.userMessage) : undefined;
	let reason: HandoverReason | null = null;
	let evidence = '';

	if (message && opts.triggers.contactRequest) {
		const own = findExtraPhrase(message, opts.extraPhrases.contactRequest);
		const asked = own ?? findContactRequest(message.tokens);
		if (asked !== undefined) {
			reason = 'contact_request';
			evidence = asked;
		}
	}

	const noAnswer = botCannotAnswer(turn, opts, opts.extraPhrases);
	let failedAttempts = previous.failedAttempts;
	let failedEvidence = '';
	if (message) {
		const attempt = judgeUserMessage(message, previous, opts.extraPhrases);
		if (attempt.kind === 'failed') {
			failedAttempts++;
			failedEvidence = attempt.evidence;
		} else if (attempt.kind === 'success') {
			failedAttempts = 0;
		}
		next.lastUserMessages = [...previous.lastUserMessages, message.text].slice(-REMEMBERED_QUESTIONS);
	}
	// Without its own trigger, a bot that cannot answer is one more failed attempt.
	if (noAnswer !== undefined && !opts.triggers.lackOfInformation) {
		failedAttempts++;
		failedEvidence = noAnswer;
	}
	next.failedAttempts = failedAttempts;

	if (reason === null && opts.triggers.failedToResolve && failedAttempts >= opts.failedAttempts) {
		reason = 'failed_to_resolve';
		evidence = `${failedAttempts} unsuccessful attempts; last: ${failedEvidence}`;
	}
	if (reason === null && opts.triggers.lackOfInformation && noAnswer !== undefined) {
		reason = 'lack_of_information';
		evidence = noAnswer;
	}
	if (reason === null) return { handover: false, reason: null, evidence: '', failedAttempts, memory: next };

	const suppressed = suppression(previous, opts, now);
	if (suppressed !== undefined) {
		// Staff have the conversation: counting on would only fire again when they hand it back.
		next.failedAttempts = 0;
		return {
			handover: false,
			reason: null,
			evidence: `${reason}: ${evidence}`,
			suppressed,
			failedAttempts,
			memory: next,
		};
	}
	next.handedOverAt = at;
	next.failedAttempts = 0;
	return { handover: true, reason, evidence, failedAttempts, memory: next };
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
export function isBotPaused(memory: ConversationMemory | undefined, now: Date = new Date()): boolean {
	return !!memory?.pausedUntil && Date.parse(memory.pausedUntil) > now.getTime();
}
