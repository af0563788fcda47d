import * as fs from 'fs';
import * as path from 'path';

import { asksForHuman, doesNotAskForHuman } from '../engine/fixtures/contactRequests';
import {
	botAnswers,
	botCannotAnswer,
	dissatisfied,
	neutral,
	satisfied,
} from '../engine/fixtures/phraseFamilies';

/**
 * The labelled corpus (see LABELS.md): one set of files per writer in writers/, and split.json
 * naming the writers whose lines form the test split — used to measure, never to train or tune.
 */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt', 'it', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

export type UserLabel = 'contact_request' | 'complaint' | 'success' | 'none';

export interface UserLine {
	id: string;
	writer: string;
	lang: Language;
	channel: string;
	industry: string;
	text: string;
	label: UserLabel;
	hard: boolean;
	/** Derived from a scripted conversation: only known not to ask for a person (label is then 'none'). */
	notContactOnly?: boolean;
}

export interface BotLine {
	id: string;
	writer: string;
	lang: Language;
	industry: string;
	question: string;
	text: string;
	noInfo: boolean;
	hard: boolean;
}

export interface ConversationLine {
	id: string;
	writer: string;
	lang: Language;
	industry: string;
	channel: string;
	turns: Array<{ userMessage: string; botReply: string }>;
	fireAt: number | null;
	reason: 'contact_request' | 'lack_of_information' | 'failed_to_resolve' | null;
	/**
	 * What each contact message up to the handover turn does to the count of unsuccessful
	 * attempts, labelled by a second reader (training writers only; LABELS.md).
	 */
	attempts?: AttemptLabel[];
}

export type AttemptLabel = 'failed' | 'success' | 'none';
const ATTEMPT_LABELS = new Set<string>(['failed', 'success', 'none']);

/**
 * The turn at which labelled attempts, counted as the engine counts them (a failure adds one, a
 * success resets, anything else leaves the count), first reach two; null when they never do.
 */
export function failedToResolveReachedAt(attempts: AttemptLabel[]): number | null {
	let count = 0;
	for (let i = 0; i < attempts.length; i++) {
		const label = attempts[i];
		count = label === 'failed' ? count + 1 : label === 'success' ? 0 : count;
		if (count >= 2) return i;
	}
	return null;
}

export interface Corpus {
	user: UserLine[];
	bot: BotLine[];
	conversations: ConversationLine[];
}

export type Split = 'train' | 'test' | 'all';

/** The corpus's folder in the source tree, also when this runs compiled from .build. */
export const CORPUS_DIR = __dirname.endsWith(path.join('.build', 'test', 'corpus'))
	? path.resolve(__dirname, '../../../test/corpus')
	: __dirname;
const WRITERS_DIR = path.join(CORPUS_DIR, 'writers');

export function testWriters(): string[] {
	return (
		JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'split.json'), 'utf8')) as { test: string[] }
	).test;
}

function readLines<T>(file: string): T[] {
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.map((line, index) => ({ line, index }))
		.filter(({ line }) => line.trim() !== '')
		.map(({ line, index }) => {
			try {
				return JSON.parse(line) as T;
			} catch (error) {
				throw new Error(`${path.basename(file)} line ${index + 1}: ${(error as Error).message}`);
			}
		});
}

const USER_LABELS = new Set(['contact_request', 'complaint', 'success', 'none']);
const REASONS = new Set(['contact_request', 'lack_of_information', 'failed_to_resolve', null]);

function check(ok: boolean, id: string, what: string): void {
	if (!ok) throw new Error(`corpus line ${id}: ${what}`);
}

function validate(corpus: Corpus): void {
	const langs = new Set<string>(LANGUAGES);
	for (const line of corpus.user) {
		check(typeof line.text === 'string' && line.text.trim() !== '', line.id, 'text is empty');
		check(langs.has(line.lang), line.id, `unknown lang ${line.lang}`);
		check(USER_LABELS.has(line.label), line.id, `unknown label ${line.label}`);
	}
	for (const line of corpus.bot) {
		check(typeof line.text === 'string' && line.text.trim() !== '', line.id, 'text is empty');
		check(typeof line.noInfo === 'boolean', line.id, 'noInfo must be true or false');
	}
	for (const line of corpus.conversations) {
		check(Array.isArray(line.turns) && line.turns.length > 0, line.id, 'no turns');
		check(REASONS.has(line.reason), line.id, `unknown reason ${String(line.reason)}`);
		check(
			(line.fireAt === null) === (line.reason === null) &&
				(line.fireAt === null || (line.fireAt >= 0 && line.fireAt < line.turns.length)),
			line.id,
			'fireAt and reason must agree and fireAt must name a turn',
		);
		if (line.attempts !== undefined) {
			check(
				line.attempts.length === (line.fireAt ?? line.turns.length - 1) + 1 &&
					line.attempts.every((label) => ATTEMPT_LABELS.has(label)),
				line.id,
				'attempts must label each turn up to fireAt (or every turn) with failed, success or none',
			);
		}
	}
}

/** Writer of the phrasings in test/engine/fixtures, written with the grammar: training only. */
export const HOUSE_WRITER = 'w00';

function houseLines(): Corpus {
	const user = (
		lines: Array<[string, string]>,
		label: UserLabel,
		hard: boolean,
		name: string,
	): UserLine[] =>
		lines.map(([lang, text], i) => ({
			id: `${HOUSE_WRITER}-${name}-${i}`,
			writer: HOUSE_WRITER,
			lang: lang as Language,
			channel: 'webchat',
			industry: 'real_estate',
			text,
			label,
			hard,
		}));
	const bot = (lines: Array<[string, string]>, noInfo: boolean, name: string): BotLine[] =>
		lines.map(([lang, text], i) => ({
			id: `${HOUSE_WRITER}-${name}-${i}`,
			writer: HOUSE_WRITER,
			lang: lang as Language,
			industry: 'real_estate',
			question: '',
			text,
			noInfo,
			hard: false,
		}));
	return {
		user: [
			...user(asksForHuman, 'contact_request', false, 'asks'),
			...user(doesNotAskForHuman, 'none', true, 'not'),
			...user(dissatisfied, 'complaint', false, 'complaint'),
			...user(satisfied, 'success', false, 'success'),
			...user(neutral, 'none', false, 'neutral'),
		],
		bot: [...bot(botCannotAnswer, true, 'noinfo'), ...bot(botAnswers, false, 'answer')],
		conversations: [],
	};
}

/** Every writer of the corpus, sorted: also one who wrote only conversations or only replies. */
export function writersOf(corpus: Corpus): string[] {
	return [
		...new Set([...corpus.user, ...corpus.bot, ...corpus.conversations].map((l) => l.writer)),
	].sort();
}

/** Every writer's lines, or only those of one split. */
export function loadCorpus(split: Split = 'all'): Corpus {
	const held = new Set(testWriters());
	const corpus: Corpus = split === 'test' ? { user: [], bot: [], conversations: [] } : houseLines();
	const files = fs.readdirSync(WRITERS_DIR).sort();
	for (const file of files) {
		const writer = file.split('.')[0];
		if (split === 'test' && !held.has(writer)) continue;
		if (split === 'train' && held.has(writer)) continue;
		const full = path.join(WRITERS_DIR, file);
		if (file.endsWith('.user.jsonl')) corpus.user.push(...readLines<UserLine>(full));
		else if (file.endsWith('.bot.jsonl')) corpus.bot.push(...readLines<BotLine>(full));
		else if (file.endsWith('.conversations.jsonl')) {
			corpus.conversations.push(...readLines<ConversationLine>(full));
		}
	}
	validate(corpus);
	return corpus;
}

/**
 * Bot replies of the scripted conversations, labelled by the conversation's own script: every reply
 * before the handover turn answers (writers were asked for replies that answer something, even the
 * wrong thing), and the reply of a lack-of-information handover does not. Replies at or after
 * another handover are left out. Training material only: the evaluation scores conversations whole.
 */
export function repliesOfConversations(conversations: ConversationLine[]): BotLine[] {
	const replies: BotLine[] = [];
	for (const conversation of conversations) {
		conversation.turns.forEach((turn, index) => {
			const fired = conversation.fireAt !== null && index >= conversation.fireAt;
			const noInfo = index === conversation.fireAt && conversation.reason === 'lack_of_information';
			if (!turn.botReply || (fired && !noInfo)) return;
			replies.push({
				id: `${conversation.id}-t${index}`,
				writer: conversation.writer,
				lang: conversation.lang,
				industry: conversation.industry,
				question: turn.userMessage,
				text: turn.botReply,
				noInfo,
				hard: false,
			});
		});
	}
	return replies;
}

/**
 * Contact turns of the scripted conversations, for training: the turn of a contact-request handover
 * asks for a person. The other turns up to the handover carry their labelled attempt (a failed
 * attempt is a complaint, a success a success, anything else none); in conversations without those
 * labels, every turn before a handover is only known not to ask for a person (a partial label).
 */
const LABEL_OF_ATTEMPT: Record<AttemptLabel, UserLabel> = {
	failed: 'complaint',
	success: 'success',
	none: 'none',
};

export function messagesOfConversations(conversations: ConversationLine[]): UserLine[] {
	const messages: UserLine[] = [];
	for (const conversation of conversations) {
		const attempts = conversation.attempts;
		conversation.turns.forEach((turn, index) => {
			const before = conversation.fireAt === null || index < conversation.fireAt;
			const asks = index === conversation.fireAt && conversation.reason === 'contact_request';
			const labelled = attempts !== undefined && index < attempts.length;
			if (!turn.userMessage || (!before && !asks && !labelled)) return;
			const label: UserLabel = asks
				? 'contact_request'
				: labelled
					? LABEL_OF_ATTEMPT[attempts[index]]
					: 'none';
			messages.push({
				id: `${conversation.id}-t${index}`,
				writer: conversation.writer,
				lang: conversation.lang,
				channel: conversation.channel,
				industry: conversation.industry,
				text: turn.userMessage,
				label,
				hard: false,
				...(!asks && !labelled && { notContactOnly: true }),
			});
		});
	}
	return messages;
}
