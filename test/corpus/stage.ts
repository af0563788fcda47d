import * as fs from 'fs';
import * as path from 'path';

import {
	CORPUS_DIR,
	LANGUAGES,
	failedToResolveReachedAt,
	loadCorpus,
	type AttemptLabel,
	type BotLine,
	type ConversationLine,
	type UserLine,
} from './corpus';

/**
 * Stages a round of new writers outside the repository, as WRITING.md describes: writes each
 * writer's brief and each second reader's, checks what they wrote, and keeps the lines that may
 * join the corpus in `<stage>/out/`. Run after `npm run build:tools`:
 *
 *   node .build/test/corpus/stage.js brief <stage> <writer> user|bot|conversations "<angle>"
 *   node .build/test/corpus/stage.js check <stage> <writer>...
 *   node .build/test/corpus/stage.js reader <stage> <writer>...
 *   node .build/test/corpus/stage.js keep <stage> <writer>...
 *
 * Nothing here reads the engine: a writer's folder holds its brief and LABELS.md's copy only.
 */

export type WriterKind = 'user' | 'bot' | 'conversations';
const KINDS: WriterKind[] = ['user', 'bot', 'conversations'];

const USER_FIELDS = ['id', 'writer', 'lang', 'channel', 'industry', 'text', 'label', 'hard'];
const BOT_FIELDS = ['id', 'writer', 'lang', 'industry', 'question', 'text', 'noInfo', 'hard'];
const CONVERSATION_FIELDS = [
	'id',
	'writer',
	'lang',
	'industry',
	'channel',
	'turns',
	'fireAt',
	'reason',
];
const FIELDS: Record<WriterKind, string[]> = {
	user: USER_FIELDS,
	bot: BOT_FIELDS,
	conversations: CONVERSATION_FIELDS,
};
/** The letter of each kind's line ids: `w1100-en-u01`, `-b01`, `-c01`. */
const ID_LETTER: Record<WriterKind, string> = { user: 'u', bot: 'b', conversations: 'c' };

const opening = (stage: string, writer: string, angle: string) => `# Brief for writer ${writer}

You write labelled test data for a detector that decides when a chatbot conversation must be handed
to a human. Read \`${stage}/LABELS.md\` (the labelling guide) first; it is the only other file you
may read. Do not read any other file on this machine. Write everything yourself, from your own
imagination: no lines copied from public datasets, websites or other sources.

Your angle: ${angle}

Languages: en es fr de pt it nl. Each language is written as a native speaker of it would write,
not translated line by line from another language: vary the situations, names, places and details
between languages. Vary length, register, typos, missing accents, emoji, slang, as the channel makes
real people write. No two lines may be near-copies of each other.
`;

const CHANNELS = 'sms, whatsapp, instagram, facebook, webchat, app, email, voice, telegram';

const OUTPUT: Record<WriterKind, (stage: string, writer: string) => string> = {
	user: (stage, writer) => `
## Output
Write \`${stage}/${writer}/${writer}.user.jsonl\`, one JSON object per line, 40 lines per language
(280 in all), with the fields ${USER_FIELDS.join(', ')}.

- ids \`${writer}-<lang>-u01\` … \`u40\` per language.
- \`channel\`: one of ${CHANNELS}.
- \`industry\`: a short snake_case word for the business.
- \`label\`: per language about 18 \`contact_request\`, 18 \`none\`, 2 \`complaint\`, 2 \`success\`.
- \`hard\`: true on the negatives that look most like a request (about 17 of the 18 \`none\` lines);
  requests are hard only when a reader could easily miss them.

When done, reply only with a table: language, lines, contact_request, none, hard.
`,
	bot: (stage, writer) => `
## Output
Write \`${stage}/${writer}/${writer}.bot.jsonl\`, one JSON object per line, 24 lines per language
(168 in all), with the fields ${BOT_FIELDS.join(', ')}.

- ids \`${writer}-<lang>-b01\` … \`b24\` per language.
- \`industry\`: a short snake_case word for the business.
- \`question\`: the contact's message the reply answers; \`text\`: the bot's reply.
- \`noInfo\`: true when the reply lacks the information asked for (LABELS.md, "Bot reply lacks
  information"); about 12 of each kind per language.
- \`hard\`: about half of each kind: an answer that hedges but answers (false), a reply that lacks
  the information but sounds helpful and full of detail (true).

When done, reply only with a table: language, lines, noInfo true, noInfo false, hard.
`,
	conversations: (stage, writer) => `
## Output
Write \`${stage}/${writer}/${writer}.conversations.jsonl\`, one JSON object per line, 6 conversations
per language (42 in all), each of 3 to 7 turns, with the fields ${CONVERSATION_FIELDS.join(', ')}
(each turn a contact message and the bot's reply to it: {"userMessage": "...", "botReply": "..."}).

- ids \`${writer}-<lang>-c01\` … \`c06\` per language.
- \`channel\`: one of ${CHANNELS}.
- \`fireAt\`: index (from 0) of the FIRST turn at which, under LABELS.md's Conversations rules with
  default settings, the conversation must be handed over to a person; null when it never must.
- \`reason\`: contact_request, lack_of_information, failed_to_resolve, or null with fireAt null.
- Per language about 2 failed_to_resolve, 1 lack_of_information, 1 contact_request, 2 null (ending
  well, with one failure only, or a failure followed by a success). Vary where the handover falls.
- Be exact: before fireAt no turn may already fire. A bot reply that answers, even partly or with
  a caveat, is not a lack of information.

When done, reply only with a table: language, conversations, and the count of each reason.
`,
};

const conversationReader = (stage: string, writer: string) => `# Brief for reader of ${writer}

You are a second reader of scripted chatbot conversations written by someone else. Read
\`${stage}/LABELS.md\`, above all "Conversations" and "Labelling each turn (\`attempts\`)". Then read
\`${stage}/${writer}/${writer}.conversations.jsonl\`. These two are the only files you may read.

For each conversation, label each contact message from the first turn up to and including turn
fireAt (every turn when fireAt is null) with what it does to the count of unsuccessful attempts:
failed, success or none, judged against the bot reply of the turn before it. Label what the
message says, not what would make the count fit the script. Also say whether you agree with the
script's fireAt and reason.

Write \`${stage}/${writer}/${writer}.attempts.jsonl\`, one object per conversation, in the same order:
{"id": "...", "attempts": ["none", "failed", "failed"], "agree": true, "doubt": ""}
- attempts: exactly fireAt+1 labels (or one per turn when fireAt is null).
- agree: false when the conversation should be handed over at another turn, for another reason or
  not at all; then say where and why in doubt, in one sentence.
- doubt: a short note when a label was a close call; empty otherwise.

When done, reply only with: conversations read, agreed, disagreed.
`;

const replyReader = (stage: string, writer: string) => `# Brief for reader of ${writer}

You are a second reader of chatbot replies written by someone else. Read \`${stage}/LABELS.md\`, above
all "Bot reply lacks information (\`noInfo: true\`)". Then read \`${stage}/${writer}/${writer}.bot.blind.jsonl\`:
each line is a contact's message (\`question\`) and the bot's reply to it (\`text\`). These two are the
only files you may read.

For each line, decide by LABELS.md alone whether the reply lacks the information (\`noInfo: true\`)
or not (\`noInfo: false\`). Follow the guide's rules exactly, including its \`noInfo: false\` cases (a
reply beside the question that answers something else concretely is \`false\`; generic filler that
only points elsewhere is \`true\`).

Write \`${stage}/${writer}/${writer}.bot.read.jsonl\`, one object per line, in the same order:
{"id": "...", "noInfo": true, "doubt": ""}
- doubt: a short note when the call was close; empty otherwise.

When done, reply only with: lines read, noInfo true, noInfo false.
`;

type Line = Record<string, unknown>;

/** One JSON object per non-empty line; a line that is not JSON is reported, not thrown. */
export function parseLines(text: string, problems: string[], file: string): Line[] {
	const lines: Line[] = [];
	text.split('\n').forEach((raw, index) => {
		if (raw.trim() === '') return;
		try {
			lines.push(JSON.parse(raw) as Line);
		} catch (error) {
			problems.push(`${file} line ${index + 1}: ${(error as Error).message}`);
		}
	});
	return lines;
}

const isText = (value: unknown): value is string =>
	typeof value === 'string' && value.trim() !== '';

/** What is wrong with one line of a writer's file, by the fields LABELS.md gives its kind. */
function lineProblems(kind: WriterKind, writer: string, line: Line): string[] {
	const problems: string[] = [];
	const fields = FIELDS[kind];
	const missing = fields.filter((field) => !(field in line));
	const extra = Object.keys(line).filter((field) => !fields.includes(field));
	if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
	if (extra.length > 0) problems.push(`unknown fields ${extra.join(', ')}`);
	if (line.writer !== writer) problems.push(`writer is not ${writer}`);
	if (!(LANGUAGES as readonly unknown[]).includes(line.lang)) problems.push('unknown lang');
	const idForm = new RegExp(`^${writer}-${String(line.lang)}-${ID_LETTER[kind]}\\d{2}$`);
	if (typeof line.id !== 'string' || !idForm.test(line.id)) problems.push('id is not of the form');
	if (kind === 'user') {
		if (!isText(line.text)) problems.push('text is empty');
		if (!['contact_request', 'complaint', 'success', 'none'].includes(line.label as string))
			problems.push('unknown label');
		if (typeof line.hard !== 'boolean') problems.push('hard must be true or false');
	} else if (kind === 'bot') {
		if (!isText(line.text) || !isText(line.question)) problems.push('question or text is empty');
		if (typeof line.noInfo !== 'boolean' || typeof line.hard !== 'boolean')
			problems.push('noInfo and hard must be true or false');
	} else {
		const turns = line.turns;
		const turnsOk =
			Array.isArray(turns) &&
			turns.length > 0 &&
			turns.every(
				(turn: Line) =>
					turn !== null &&
					typeof turn === 'object' &&
					Object.keys(turn).sort().join() === 'botReply,userMessage' &&
					isText(turn.userMessage) &&
					isText(turn.botReply),
			);
		if (!turnsOk) problems.push('turns must each hold a userMessage and a botReply');
		const { fireAt, reason } = line;
		const reasons = ['contact_request', 'lack_of_information', 'failed_to_resolve'];
		if (fireAt === null ? reason !== null : !reasons.includes(reason as string))
			problems.push('fireAt and reason must both be null or both be set');
		if (
			fireAt !== null &&
			!(
				Number.isInteger(fireAt) &&
				turnsOk &&
				(fireAt as number) >= 0 &&
				(fireAt as number) < (turns as unknown[]).length
			)
		)
			problems.push('fireAt must name a turn');
	}
	return problems;
}

/** Every problem of a writer's lines: per line, then duplicate ids and texts. */
export function checkLines(kind: WriterKind, writer: string, lines: Line[]): string[] {
	const problems: string[] = [];
	const ids = new Set<unknown>();
	const texts = new Set<string>();
	for (const line of lines) {
		for (const problem of lineProblems(kind, writer, line))
			problems.push(`${String(line.id)}: ${problem}`);
		if (ids.has(line.id)) problems.push(`${String(line.id)}: id used twice`);
		ids.add(line.id);
		const text = kind === 'conversations' ? JSON.stringify(line.turns) : String(line.text).trim();
		if (texts.has(text)) problems.push(`${String(line.id)}: the same text as an earlier line`);
		texts.add(text);
	}
	return problems;
}

/** Lines per language, with the counts a brief asks for. */
function summary(kind: WriterKind, lines: Line[]): string {
	return LANGUAGES.map((lang) => {
		const own = lines.filter((line) => line.lang === lang);
		if (kind === 'user') {
			const requests = own.filter((line) => line.label === 'contact_request').length;
			const hard = own.filter((line) => line.hard === true).length;
			return `${lang} ${own.length} (${requests} requests, ${hard} hard)`;
		}
		if (kind === 'bot') {
			const noInfo = own.filter((line) => line.noInfo === true).length;
			return `${lang} ${own.length} (${noInfo} noInfo)`;
		}
		return `${lang} ${own.length}`;
	}).join(', ');
}

export interface ReaderAttempts {
	id: string;
	attempts: AttemptLabel[];
	agree: boolean;
	doubt?: string;
}

export interface KeptConversations {
	kept: ConversationLine[];
	/** The reader disagreed with the script, or labelled the wrong number of turns. */
	disagreed: string[];
	/** The reader's labels, counted as the engine counts, do not reach the script's handover. */
	countDisagrees: string[];
	unread: string[];
	/** Kept conversations on which the reader noted a doubt. */
	doubts: number;
}

/**
 * The conversations a second reader confirms (WRITING.md, step 4), with the reader's attempts:
 * dropped when the reader disagrees, or when the labels reach two failures elsewhere than the
 * script's failed-to-resolve turn, or before another reason's turn.
 */
export function keepConversations(
	lines: ConversationLine[],
	readings: ReaderAttempts[],
): KeptConversations {
	const byId = new Map(readings.map((reading) => [reading.id, reading]));
	const result: KeptConversations = {
		kept: [],
		disagreed: [],
		countDisagrees: [],
		unread: [],
		doubts: 0,
	};
	for (const line of lines) {
		const reading = byId.get(line.id);
		if (reading === undefined) {
			result.unread.push(line.id);
			continue;
		}
		const expected = (line.fireAt ?? line.turns.length - 1) + 1;
		const labels = reading.attempts;
		if (
			reading.agree !== true ||
			!Array.isArray(labels) ||
			labels.length !== expected ||
			!labels.every((label) => label === 'failed' || label === 'success' || label === 'none')
		) {
			result.disagreed.push(line.id);
			continue;
		}
		const reached = failedToResolveReachedAt(labels);
		const fits =
			line.reason === 'failed_to_resolve'
				? reached === line.fireAt
				: reached === null || (line.fireAt !== null && reached >= line.fireAt);
		if (!fits) {
			result.countDisagrees.push(line.id);
			continue;
		}
		if ((reading.doubt ?? '').trim() !== '') result.doubts++;
		result.kept.push({ ...line, attempts: labels });
	}
	return result;
}

export interface KeptReplies {
	kept: BotLine[];
	disagreed: string[];
	alreadyInCorpus: string[];
	unread: string[];
}

/** The replies on which the blind second reader agrees with the writer, not yet in the corpus. */
export function keepReplies(
	lines: BotLine[],
	readings: Array<{ id: string; noInfo: boolean }>,
	corpusTexts: Set<string>,
): KeptReplies {
	const byId = new Map(readings.map((reading) => [reading.id, reading]));
	const result: KeptReplies = { kept: [], disagreed: [], alreadyInCorpus: [], unread: [] };
	for (const line of lines) {
		const reading = byId.get(line.id);
		if (reading === undefined) result.unread.push(line.id);
		else if (reading.noInfo !== line.noInfo) result.disagreed.push(line.id);
		else if (corpusTexts.has(line.text.trim())) result.alreadyInCorpus.push(line.id);
		else result.kept.push(line);
	}
	return result;
}

export interface KeptMessages {
	kept: UserLine[];
	alreadyInCorpus: string[];
	/** Texts the corpus already holds under another label: a question for LABELS.md. */
	otherLabel: string[];
}

/** Contact messages not in the corpus word for word (stock phrases recur across writers). */
export function keepMessages(lines: UserLine[], corpus: Map<string, string>): KeptMessages {
	const result: KeptMessages = { kept: [], alreadyInCorpus: [], otherLabel: [] };
	for (const line of lines) {
		const label = corpus.get(line.text.trim());
		if (label === undefined) {
			result.kept.push(line);
			continue;
		}
		result.alreadyInCorpus.push(line.id);
		if (label !== line.label) result.otherLabel.push(`${line.id} (${line.label}; corpus ${label})`);
	}
	return result;
}

/** The line with its fields in the corpus's order, nothing else. */
function ordered<T>(line: T, fields: string[]): T {
	const source = line as Line;
	return Object.fromEntries(fields.map((field) => [field, source[field]])) as T;
}

const toJsonl = (lines: unknown[]) => lines.map((line) => JSON.stringify(line) + '\n').join('');

/** The kind of a writer's staged file, from the file present in its folder. */
function kindOf(stage: string, writer: string): WriterKind {
	const found = KINDS.filter((kind) =>
		fs.existsSync(path.join(stage, writer, `${writer}.${kind}.jsonl`)),
	);
	if (found.length !== 1) {
		throw new Error(
			`${writer}: expected one of ${KINDS.map((kind) => `${writer}.${kind}.jsonl`).join(', ')} in ${path.join(stage, writer)}`,
		);
	}
	return found[0];
}

function readWriter(
	stage: string,
	writer: string,
): { kind: WriterKind; lines: Line[]; problems: string[] } {
	const kind = kindOf(stage, writer);
	const file = path.join(stage, writer, `${writer}.${kind}.jsonl`);
	const problems: string[] = [];
	const lines = parseLines(fs.readFileSync(file, 'utf8'), problems, path.basename(file));
	problems.push(...checkLines(kind, writer, lines));
	return { kind, lines, problems };
}

function brief(stage: string, writer: string, kind: string, angle: string): void {
	if (!KINDS.includes(kind as WriterKind))
		throw new Error(`kind must be one of ${KINDS.join(', ')}`);
	if (!/^w\d+$/.test(writer)) throw new Error(`a writer is named w and a number, not ${writer}`);
	fs.mkdirSync(path.join(stage, writer), { recursive: true });
	fs.copyFileSync(path.join(CORPUS_DIR, 'LABELS.md'), path.join(stage, 'LABELS.md'));
	const text = opening(stage, writer, angle) + OUTPUT[kind as WriterKind](stage, writer);
	fs.writeFileSync(path.join(stage, writer, 'BRIEF.md'), text);
	console.log(`${path.join(stage, writer, 'BRIEF.md')}`);
}

/** Reads and checks a writer's file, printing what is wrong; `ok` false when anything is. */
function check(stage: string, writer: string): { kind: WriterKind; lines: Line[]; ok: boolean } {
	const { kind, lines, problems } = readWriter(stage, writer);
	console.log(`${writer} (${kind}): ${lines.length} lines; ${summary(kind, lines)}`);
	for (const problem of problems.slice(0, 20)) console.log(`  ${problem}`);
	if (problems.length > 20) console.log(`  … and ${problems.length - 20} more`);
	return { kind, lines, ok: problems.length === 0 };
}

/** The writer's checked lines; throws when they need mending first. */
function checked(stage: string, writer: string): { kind: WriterKind; lines: Line[] } {
	const { kind, lines, ok } = check(stage, writer);
	if (!ok) throw new Error(`${writer}: mend the problems above first`);
	return { kind, lines };
}

/** The second reader's brief, and for replies the reader's copy without the writer's labels. */
function reader(stage: string, writer: string): void {
	const { kind, lines } = checked(stage, writer);
	if (kind === 'user') throw new Error(`${writer}: contact messages have no second reader`);
	const folder = path.join(stage, writer);
	if (kind === 'bot') {
		const blind = lines.map((line) => ordered(line, ['id', 'lang', 'question', 'text']));
		fs.writeFileSync(path.join(folder, `${writer}.bot.blind.jsonl`), toJsonl(blind));
		fs.writeFileSync(path.join(folder, 'READ.md'), replyReader(stage, writer));
	} else fs.writeFileSync(path.join(folder, 'READ.md'), conversationReader(stage, writer));
	console.log(path.join(folder, 'READ.md'));
}

function readerLines<T>(stage: string, writer: string, file: string): T[] {
	const problems: string[] = [];
	const lines = parseLines(fs.readFileSync(path.join(stage, writer, file), 'utf8'), problems, file);
	for (const problem of problems) console.log(`  ${problem}`);
	return lines as T[];
}

function keep(stage: string, writer: string): void {
	const { kind, lines } = checked(stage, writer);
	const corpus = loadCorpus('all');
	const out = path.join(stage, 'out', `${writer}.${kind}.jsonl`);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	if (kind === 'user') {
		const labels = new Map(corpus.user.map((line) => [line.text.trim(), line.label]));
		const result = keepMessages(lines as unknown as UserLine[], labels);
		fs.writeFileSync(out, toJsonl(result.kept.map((line) => ordered(line, USER_FIELDS))));
		console.log(
			`${writer}: kept ${result.kept.length}, already in the corpus ${result.alreadyInCorpus.length}` +
				(result.otherLabel.length > 0
					? `, under another label: ${result.otherLabel.join('; ')}`
					: ''),
		);
	} else if (kind === 'bot') {
		const readings = readerLines<{ id: string; noInfo: boolean }>(
			stage,
			writer,
			`${writer}.bot.read.jsonl`,
		);
		const texts = new Set(corpus.bot.map((line) => line.text.trim()));
		const result = keepReplies(lines as unknown as BotLine[], readings, texts);
		fs.writeFileSync(out, toJsonl(result.kept.map((line) => ordered(line, BOT_FIELDS))));
		console.log(
			`${writer}: kept ${result.kept.length}, reader disagreed ${result.disagreed.length}, ` +
				`already in the corpus ${result.alreadyInCorpus.length}, unread ${result.unread.length}`,
		);
	} else {
		const readings = readerLines<ReaderAttempts>(stage, writer, `${writer}.attempts.jsonl`);
		const result = keepConversations(lines as unknown as ConversationLine[], readings);
		const fields = [...CONVERSATION_FIELDS, 'attempts'];
		fs.writeFileSync(out, toJsonl(result.kept.map((line) => ordered(line, fields))));
		console.log(
			`${writer}: kept ${result.kept.length}, reader disagreed ${result.disagreed.length} ` +
				`(${result.disagreed.join(', ')}), count disagrees ${result.countDisagrees.length} ` +
				`(${result.countDisagrees.join(', ')}), unread ${result.unread.length}, doubts ${result.doubts}`,
		);
	}
}

const USAGE = `usage: node .build/test/corpus/stage.js <command> <stage folder> ...
  brief <stage> <writer> user|bot|conversations "<angle>"  the writer's brief (and LABELS.md's copy)
  check <stage> <writer>...                                format, ids, duplicates, counts per language
  reader <stage> <writer>...                               the second reader's brief (replies: and its blind copy)
  keep <stage> <writer>...                                 the lines that may join the corpus, in <stage>/out/`;

function main(args: string[]): number {
	const [command, stage, ...rest] = args;
	if (stage === undefined || rest.length === 0) {
		console.error(USAGE);
		return 2;
	}
	const folder = path.resolve(stage);
	const repository = path.resolve(CORPUS_DIR, '..', '..');
	const inside = (dir: string) =>
		[repository, fs.realpathSync(repository)].some(
			(root) => dir === root || dir.startsWith(root + path.sep),
		);
	if (inside(folder) || (fs.existsSync(folder) && inside(fs.realpathSync(folder)))) {
		console.error('the stage must be outside the repository: writers must not see its files');
		return 2;
	}
	try {
		if (command === 'brief') brief(folder, rest[0], rest[1], rest.slice(2).join(' '));
		else if (command === 'check') return rest.every((writer) => check(folder, writer).ok) ? 0 : 1;
		else if (command === 'reader') rest.forEach((writer) => reader(folder, writer));
		else if (command === 'keep') rest.forEach((writer) => keep(folder, writer));
		else {
			console.error(USAGE);
			return 2;
		}
	} catch (error) {
		console.error((error as Error).message);
		return 1;
	}
	return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
