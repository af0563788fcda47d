import { DEFAULT_ASK_BELOW } from '../../nodes/detector/secondOpinion';
import {
	detectHandover,
	type ConversationMemory,
	type DetectionResult,
	type DetectorOptions,
} from '../../nodes/engine';
import { LANGUAGES, type ConversationLine, type Corpus, type Language } from './corpus';

/**
 * Scores the whole engine (detectHandover with default options) on corpus lines: each user
 * message and bot reply as the single turn of a new conversation, each scripted conversation turn
 * by turn with its memory carried, as the trigger does.
 */
export interface Counts {
	tp: number;
	fp: number;
	fn: number;
	tn: number;
}

export interface Scores extends Counts {
	precision: number;
	recall: number;
	f1: number;
	n: number;
}

export interface Miss {
	id: string;
	expected: string;
	got: string;
	text: string;
}

export interface Evaluation {
	contactRequest: Record<Language | 'all', Scores>;
	/** Bot replies read with the contact's message of the turn, as the trigger receives them. */
	lackOfInformation: Record<Language | 'all', Scores>;
	/** The same replies read alone, without the message they answer. */
	lackOfInformationAlone: Record<Language | 'all', Scores>;
	dissatisfaction: Record<Language | 'all', Scores>;
	conversations: Record<Language | 'all', { exact: number; n: number }>;
	/**
	 * The same conversations with each contact message and the bot's reply to it sent as two events
	 * (as HighLevel and Chatwoot send them): a handover at either counts for the turn.
	 */
	conversationsApart: Record<Language | 'all', { exact: number; n: number }>;
	/** How many turns the Handover Check would put to a model at its default band, and of the
	 * wrong decisions how many fall in it (the model's chance to fix them). */
	uncertain: Record<
		'messages' | 'replies' | 'turns',
		{ inBand: number; n: number; wrongInBand: number; wrong: number }
	>;
	misses: Miss[];
}

function scores(c: Counts): Scores {
	const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
	const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
	const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
	return { ...c, precision, recall, f1, n: c.tp + c.fp + c.fn + c.tn };
}

class Tally {
	private counts = new Map<string, Counts>();
	add(lang: string, predicted: boolean, actual: boolean): void {
		for (const key of [lang, 'all']) {
			const c = this.counts.get(key) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
			if (predicted && actual) c.tp++;
			else if (predicted) c.fp++;
			else if (actual) c.fn++;
			else c.tn++;
			this.counts.set(key, c);
		}
	}
	result(): Record<Language | 'all', Scores> {
		const out = {} as Record<Language | 'all', Scores>;
		for (const key of [...LANGUAGES, 'all'] as const) {
			out[key] = scores(this.counts.get(key) ?? { tp: 0, fp: 0, fn: 0, tn: 0 });
		}
		return out;
	}
}

const turnOf = (fields: { userMessage?: string; botReply?: string }) => ({
	conversationId: 'corpus',
	platform: 'generic' as const,
	...fields,
});

/**
 * A bot reply is read as the trigger receives it, with the contact's message of the same turn (the
 * question it answers); only this trigger is on, so that a question asking for a person does not
 * decide the turn instead.
 */
const NO_INFORMATION_ONLY: Partial<DetectorOptions> = {
	triggers: { contactRequest: false, lackOfInformation: true, failedToResolve: false },
};

/** Only the failed-to-resolve trigger, firing at the first unsuccessful attempt: a complaint detector. */
const COMPLAINT_ONLY: Partial<DetectorOptions> = {
	triggers: { contactRequest: false, lackOfInformation: false, failedToResolve: true },
	failedAttempts: 1,
};

/**
 * A conversation in which the bot has answered once: a complaint needs an answer before it. The
 * answer asks nothing back (after a question from the bot a message is most often its answer, and
 * the turn judge weighs that). Read with the weights in use when the evaluation starts.
 */
const afterAnAnswer = (): ConversationMemory =>
	detectHandover(
		turnOf({
			userMessage: 'hello',
			botReply: 'We are open Monday to Friday, 9:00 to 17:00.',
		}),
		undefined,
		{ triggers: { contactRequest: false, lackOfInformation: false, failedToResolve: false } },
	).memory;

const inBand = (result: { confidence: number; suppressed?: unknown }) =>
	result.suppressed === undefined && result.confidence < DEFAULT_ASK_BELOW;

export function evaluate(corpus: Corpus, options: Partial<DetectorOptions> = {}): Evaluation {
	const misses: Miss[] = [];
	const band = () => ({ inBand: 0, n: 0, wrongInBand: 0, wrong: 0 });
	const uncertain = { messages: band(), replies: band(), turns: band() };
	const count = (
		key: keyof typeof uncertain,
		result: { confidence: number; suppressed?: unknown },
		wrong: boolean,
	) => {
		const tally = uncertain[key];
		tally.n++;
		if (inBand(result)) tally.inBand++;
		if (wrong) {
			tally.wrong++;
			if (inBand(result)) tally.wrongInBand++;
		}
	};
	const contact = new Tally();
	const complaint = new Tally();
	const answered = corpus.user.length > 0 ? afterAnAnswer() : undefined;
	for (const line of corpus.user) {
		const result = detectHandover(turnOf({ userMessage: line.text }), undefined, options);
		const asked = result.reason === 'contact_request';
		const expected = line.label === 'contact_request';
		contact.add(line.lang, asked, expected);
		count('messages', result, asked !== expected);
		if (asked !== expected) {
			misses.push({
				id: line.id,
				expected: line.label + (line.hard ? ' (hard)' : ''),
				got: `${result.reason ?? 'none'} ${result.scores.contactRequest.toFixed(2)}`,
				text: line.text,
			});
		}
		const judged = detectHandover(turnOf({ userMessage: line.text }), answered, {
			...options,
			...COMPLAINT_ONLY,
		});
		complaint.add(line.lang, judged.handover, line.label === 'complaint');
	}

	const noInfo = new Tally();
	const noInfoAlone = new Tally();
	for (const line of corpus.bot) {
		const result = detectHandover(
			turnOf({ userMessage: line.question, botReply: line.text }),
			undefined,
			{ ...options, ...NO_INFORMATION_ONLY },
		);
		const found = result.reason === 'lack_of_information';
		noInfo.add(line.lang, found, line.noInfo);
		const alone = detectHandover(turnOf({ botReply: line.text }), undefined, options);
		noInfoAlone.add(line.lang, alone.reason === 'lack_of_information', line.noInfo);
		count('replies', result, found !== line.noInfo);
		if (found !== line.noInfo) {
			misses.push({
				id: line.id,
				expected: line.noInfo ? 'no information' : 'answer',
				got: `${result.reason ?? 'none'} ${result.scores.lackOfInformation.toFixed(2)}`,
				text: line.text,
			});
		}
	}

	const byLanguage = () => {
		const tally = {} as Record<Language | 'all', { exact: number; n: number }>;
		for (const key of [...LANGUAGES, 'all'] as const) tally[key] = { exact: 0, n: 0 };
		return tally;
	};
	const conversations = byLanguage();
	const conversationsApart = byLanguage();
	for (const line of corpus.conversations) {
		const { firedAt, reason } = playConversation(line, options, false, (i, result) =>
			// A turn is decided wrongly when it fires where the script does not, or stays quiet where it fires.
			count('turns', result, result.handover !== (line.fireAt === i)),
		);
		const exact = firedAt === line.fireAt && reason === line.reason;
		const apart = playConversation(line, options, true);
		const exactApart = apart.firedAt === line.fireAt && apart.reason === line.reason;
		for (const key of [line.lang, 'all'] as const) {
			conversations[key].n++;
			if (exact) conversations[key].exact++;
			conversationsApart[key].n++;
			if (exactApart) conversationsApart[key].exact++;
		}
		if (!exact) {
			misses.push({
				id: line.id,
				expected: `${line.reason ?? 'no handover'} at ${String(line.fireAt)}`,
				got: `${reason ?? 'no handover'} at ${String(firedAt)}`,
				text: line.turns.map((t) => `U: ${t.userMessage} | B: ${t.botReply}`).join(' // '),
			});
		}
	}

	return {
		contactRequest: contact.result(),
		lackOfInformation: noInfo.result(),
		lackOfInformationAlone: noInfoAlone.result(),
		dissatisfaction: complaint.result(),
		conversations,
		conversationsApart,
		uncertain,
		misses,
	};
}

/**
 * Plays a scripted conversation through the engine until it hands over. `apart` sends each
 * contact message and the bot's reply to it as two events, one minute apart.
 */
function playConversation(
	line: ConversationLine,
	options: Partial<DetectorOptions>,
	apart: boolean,
	onTurn?: (i: number, result: DetectionResult) => void,
): { firedAt: number | null; reason: string | null } {
	let memory: ConversationMemory | undefined;
	const start = Date.parse('2026-01-01T10:00:00Z');
	for (let i = 0; i < line.turns.length; i++) {
		const at = start + i * 120_000;
		const { userMessage, botReply } = line.turns[i];
		const events =
			apart && userMessage && botReply
				? [turnOf({ userMessage }), turnOf({ botReply })]
				: [turnOf(line.turns[i])];
		for (const [k, event] of events.entries()) {
			const result = detectHandover(event, memory, options, new Date(at + k * 60_000));
			memory = result.memory;
			if (k === events.length - 1 || result.handover) onTurn?.(i, result);
			if (result.handover) return { firedAt: i, reason: result.reason };
		}
	}
	return { firedAt: null, reason: null };
}

const pct = (x: number) => x.toFixed(3);

/** The evaluation as a Markdown table (README shows it). */
export function formatTable(evaluation: Evaluation): string {
	const rows = [
		'| language | contact request P / R / F1 (n) | no information P / R / F1 (n) | dissatisfaction P / R / F1 (n) | conversations exact |',
		'|---|---|---|---|---|',
	];
	for (const key of [...LANGUAGES, 'all'] as const) {
		const c = evaluation.contactRequest[key];
		const b = evaluation.lackOfInformation[key];
		const d = evaluation.dissatisfaction[key];
		const v = evaluation.conversations[key];
		rows.push(
			`| ${key} | ${pct(c.precision)} / ${pct(c.recall)} / ${pct(c.f1)} (${c.n}) | ${pct(b.precision)} / ${pct(b.recall)} / ${pct(b.f1)} (${b.n}) | ${pct(d.precision)} / ${pct(d.recall)} / ${pct(d.f1)} (${d.n}) | ${v.exact}/${v.n} |`,
		);
	}
	const alone = evaluation.lackOfInformationAlone.all;
	const apart = evaluation.conversationsApart.all;
	rows.push(
		'',
		`No information, each reply read alone (without the message it answers): ${pct(alone.precision)} / ${pct(alone.recall)} / ${pct(alone.f1)} (${alone.n})`,
		`Conversations exact with each message and the bot's reply to it sent as two events (HighLevel, Chatwoot): ${apart.exact}/${apart.n}`,
	);
	const u = evaluation.uncertain;
	const line = (name: string, t: (typeof u)['turns']) =>
		`${name}: ${t.inBand} of ${t.n} in the band; ${t.wrongInBand} of ${t.wrong} wrong decisions in it`;
	rows.push(
		'',
		`Handover Check with a model, asked below confidence ${DEFAULT_ASK_BELOW}:`,
		line('contact messages', u.messages),
		line('bot replies', u.replies),
		line('conversation turns', u.turns),
	);
	return rows.join('\n');
}
