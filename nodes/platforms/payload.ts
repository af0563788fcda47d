/**
 * What every inbound payload parser shares: the result shape, zod helpers, error wording and text
 * clean-up. Pure TypeScript, no n8n import, so the trigger and the tests call it the same way.
 */
import { z, type ZodError, type ZodIssue, type ZodTypeAny } from 'zod';

import type { Turn } from '../engine/types';

/**
 * One parsed webhook call: a turn for the detector, an event that is deliberately not a turn
 * (answered 200 with the reason, no execution), or a payload the caller must fix (answered 400).
 */
/** The conversation a lifecycle event is about: the fields its store key is built from. */
export type ConversationRef = Pick<
	Turn,
	'platform' | 'conversationId' | 'accountId' | 'locationId'
>;

export type InboundResult =
	| { ok: true; turn: Turn }
	| { ok: true; ignore: string }
	/** The conversation's handover is over (resolved, or handed back to the bot): close it. */
	| { ok: true; close: ConversationRef; why: string }
	| { ok: false; error: string };

/**
 * Longest message text kept. Longer text (long e-mail threads with quoted history) is cut, not
 * rejected: a 400 makes platforms retry or disable the webhook, and the words that ask for a person
 * are at the start of a message, not in the quoted tail. The cut comes before anything reads the
 * text (HTML stripping aside, which has its own cut), so no message costs more than this much.
 */
export const MAX_MESSAGE_CHARS = 20_000;

/**
 * Longest HTML of an e-mail read. Cut before the markup is stripped, then the text is cut to
 * MAX_MESSAGE_CHARS: e-mail clients put tens of kilobytes of styles before the first word, so the
 * HTML gets more room than the text.
 */
export const MAX_HTML_CHARS = 200_000;

/**
 * Longest id accepted (conversation, contact, account, location, message and user ids). Longer ones
 * are refused, not cut: a cut id would name another conversation, and ids are kept for 30 days.
 */
export const MAX_ID_CHARS = 256;

/** Longest short text field accepted: names, e-mail, phone, channel, message type and the like. */
export const MAX_FIELD_CHARS = 1000;

/**
 * What an id may not contain: control characters (C0, DEL, C1), line and paragraph separators,
 * U+FFFD (what a decoder puts where the bytes were not UTF-8) and halves of a surrogate pair (what
 * is left of an emoji cut in two). With the u flag a surrogate range matches unpaired halves only.
 */
const NOT_IN_AN_ID = /[\p{Cc}\u2028\u2029\ufffd\ud800-\udfff]/u;

export const ignore = (reason: string): InboundResult => ({ ok: true, ignore: reason });
export const fail = (error: string): InboundResult => ({ ok: false, error });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return 'a string';
	if (typeof value === 'number') return 'a number';
	if (typeof value === 'boolean') return 'true or false';
	return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

/** The error for a body that is not a JSON object at all. */
export function notAnObject(body: unknown): InboundResult {
	const hint =
		typeof body === 'string' ? ' (send the body as JSON with Content-Type: application/json)' : '';
	return fail(`Invalid payload: expected a JSON object, got ${describeValue(body)}${hint}`);
}

// ---- zod helpers --------------------------------------------------------------------------------

/** Why an id is refused, or undefined when it is fine. */
function idProblem(id: string): string | undefined {
	if (id.length > MAX_ID_CHARS) return `must be at most ${MAX_ID_CHARS} characters`;
	if (NOT_IN_AN_ID.test(id)) {
		return 'must be plain text: no control characters, U+FFFD or half of a surrogate pair (send ids as UTF-8)';
	}
	return undefined;
}

function checkId(id: string | undefined, context: z.RefinementCtx): void {
	const problem = id === undefined ? undefined : idProblem(id);
	if (problem !== undefined) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
}

/** A required id given as text (HighLevel ids). */
export const requiredText = z
	.string()
	.trim()
	.min(1, { message: 'must not be empty' })
	.superRefine(checkId);

/** A required id that platforms send as a number or as text (Chatwoot ids); kept as text. */
export const requiredId = z
	.union([requiredText, z.number().finite()])
	.transform((id): string => String(id));

/** An optional text field; platforms send null or "" for fields they have no value for. */
export const optionalText = z
	.string()
	.max(MAX_FIELD_CHARS, { message: `must be at most ${MAX_FIELD_CHARS} characters` })
	.nullish()
	.transform((text): string | undefined =>
		text == null || text.trim() === '' ? undefined : text.trim(),
	);

/** An optional id; a number becomes text, null and "" become absent. */
export const optionalId = z
	.union([z.string(), z.number().finite()])
	.nullish()
	.transform((id): string | undefined => {
		if (id == null) return undefined;
		const text = String(id).trim();
		return text === '' ? undefined : text;
	})
	.superRefine(checkId);

/**
 * A boolean that may arrive as "true"/"false" text (values typed into low-code tools and
 * HighLevel custom data are text).
 */
export function flexibleBoolean(message: string) {
	return z.preprocess(
		(value) => (value === 'true' ? true : value === 'false' ? false : value),
		z.boolean({ invalid_type_error: message }).nullish(),
	);
}

/** A number that may arrive as numeric text, for the same reason. */
export function flexibleNumber(schema: z.ZodNumber) {
	return z.preprocess(
		(value) =>
			typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
				? Number(value)
				: value,
		schema.nullish(),
	);
}

// ---- error wording ------------------------------------------------------------------------------

const TYPE_WORDS: Record<string, string> = {
	string: 'a string',
	number: 'a number',
	integer: 'a whole number',
	boolean: 'true or false',
	object: 'an object',
	array: 'an array',
};

function pathText(path: (string | number)[]): string {
	return path
		.map((part, index) =>
			typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`,
		)
		.join('');
}

/**
 * The predicate for one issue ("is required", "must be a string"). Messages written in the schemas
 * start with a lower-case word and are used as they are; zod's own (capitalised) defaults are
 * reworded here so that every error reads the same way.
 */
function issuePredicate(issue: ZodIssue): string {
	if (/^[a-z]/.test(issue.message)) return issue.message;
	switch (issue.code) {
		case 'invalid_type':
			if (issue.received === 'undefined') return 'is required';
			return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}, not ${
				issue.received === 'null' ? 'null' : (TYPE_WORDS[issue.received] ?? issue.received)
			}`;
		case 'invalid_literal':
			return `must be ${JSON.stringify(issue.expected)}`;
		case 'invalid_enum_value':
			return `must be one of ${issue.options.join(', ')}`;
		case 'invalid_union': {
			// The branch that had the right type but a wrong value says the most; otherwise the
			// value had none of the accepted types.
			const closest = issue.unionErrors
				.map((error) => error.issues[0])
				.find((first) => first !== undefined && first.code !== 'invalid_type');
			if (closest) return issuePredicate(closest);
			const types = issue.unionErrors
				.map((error) => error.issues[0])
				.filter(
					(first): first is Extract<ZodIssue, { code: 'invalid_type' }> =>
						first?.code === 'invalid_type',
				);
			if (types.some((first) => first.received === 'undefined')) return 'is required';
			const expected = types.map((first) => TYPE_WORDS[first.expected] ?? first.expected);
			return `must be ${expected.join(' or ')}`;
		}
		case 'too_small':
			return issue.type === 'string' ? 'must not be empty' : `must be at least ${issue.minimum}`;
		case 'too_big':
			return issue.type === 'string'
				? `must be at most ${issue.maximum} characters`
				: `must be at most ${issue.maximum}`;
		default:
			return 'is not valid';
	}
}

/**
 * One sentence naming the field, e.g. `Invalid payload: "contact.email" must be a string, not a
 * number`. The first problem is spelled out; further ones are counted, since fixing the first
 * usually shows the rest.
 */
export function formatPayloadError(error: ZodError, pathPrefix: (string | number)[] = []): string {
	const [first, ...others] = error.issues;
	if (!first) return 'Invalid payload';
	const path = pathText([...pathPrefix, ...first.path]);
	const predicate = issuePredicate(first);
	const sentence = path === '' ? predicate : `"${path}" ${predicate}`;
	const more =
		others.length === 0
			? ''
			: ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})`;
	return `Invalid payload: ${sentence}${more}`;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

export function parseWith<S extends ZodTypeAny>(schema: S, body: unknown): Parsed<z.output<S>> {
	const result = schema.safeParse(body);
	return result.success
		? { ok: true, data: result.data }
		: { ok: false, error: formatPayloadError(result.error) };
}

// ---- text ---------------------------------------------------------------------------------------

/** Cuts at a code point boundary so that an emoji is never split in half. */
function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.slice(0, max);
	const last = cut.charCodeAt(cut.length - 1);
	return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Message text as the detector gets it: trimmed, bounded, absent when there are no words. */
export function messageText(text: string | null | undefined): string | undefined {
	if (text == null) return undefined;
	const trimmed = text.trim();
	return trimmed === '' ? undefined : truncate(trimmed, MAX_MESSAGE_CHARS);
}

const HTML_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/** Elements whose content is not text: removed with their content. */
const HIDDEN_ELEMENTS = new Set(['style', 'script', 'head']);
/** Elements whose end (and `<br>`) ends a line. */
const LINE_ENDS = new Set([
	'p',
	'div',
	'li',
	'tr',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'blockquote',
]);
/** Longest entity read (`&#x10ffff;`, `&nbsp;`); a longer run after "&" is text. */
const MAX_ENTITY_CHARS = 32;
const ENTITY = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i;
const TAG_NAME = /^<(\/?)([a-z][a-z0-9]*)/i;

function decodeEntity(entity: string, code: string): string {
	if (code[0] === '#') {
		const point =
			code[1] === 'x' || code[1] === 'X'
				? parseInt(code.slice(2), 16)
				: parseInt(code.slice(1), 10);
		return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
	}
	return HTML_ENTITIES[code.toLowerCase()] ?? entity;
}

/**
 * Where the next `search` match starts at or after `from`, or -1. Remembers its last answer: when a
 * later search starts before the match found, the answer is the same, and after a miss every later
 * search misses too. So an e-mail of a thousand "<style>" without an end is searched once, not a
 * thousand times — the repeated scans that made the regular expressions before this quadratic.
 */
function forwardFinder(html: string, search: RegExp): (from: number) => number {
	const pattern = new RegExp(search.source, `${search.flags.replace('g', '')}g`);
	let lastFrom = Infinity;
	let found = -1;
	return (from) => {
		if (from >= lastFrom && (found === -1 || found >= from)) return found;
		pattern.lastIndex = from;
		found = pattern.exec(html)?.index ?? -1;
		lastFrom = from;
		return found;
	};
}

/**
 * Plain text of an HTML e-mail body. Deliberately small: the detector needs the words, not the
 * layout, and style attributes ("font-family: verdana") would otherwise be read as words. One pass
 * over at most MAX_HTML_CHARS: each character is looked at a bounded number of times, whatever the
 * markup (unclosed tags, endless nesting, a thousand unclosed styles).
 */
export function htmlToText(html: string): string {
	const source = truncate(html, MAX_HTML_CHARS);
	const tagEnd = forwardFinder(source, />/);
	const commentEnd = forwardFinder(source, /-->/);
	const hiddenEnds = new Map<string, (from: number) => number>();
	const hiddenEnd = (name: string) => {
		let finder = hiddenEnds.get(name);
		if (finder === undefined) {
			finder = forwardFinder(source, new RegExp(`</${name}\\s*>`, 'i'));
			hiddenEnds.set(name, finder);
		}
		return finder;
	};

	const out: string[] = [];
	let text = 0; // start of the text not yet copied
	const copyTo = (end: number) => {
		if (end > text) out.push(source.slice(text, end));
	};
	let i = source.indexOf('<');
	let amp = source.indexOf('&');
	while (i !== -1 || amp !== -1) {
		if (amp !== -1 && (i === -1 || amp < i)) {
			// An entity in text; in a tag it goes with the tag.
			const match = ENTITY.exec(source.slice(amp, amp + MAX_ENTITY_CHARS));
			if (match !== null) {
				copyTo(amp);
				out.push(decodeEntity(match[0], match[1]));
				text = amp + match[0].length;
			}
			amp = source.indexOf('&', match === null ? amp + 1 : text);
			continue;
		}
		const close = tagEnd(i + 1);
		if (close === -1) {
			// No ">" after this "<": it and every later one are text, like any other character.
			i = -1;
			continue;
		}
		copyTo(i);
		let end = close + 1;
		let replacement = ' ';
		if (source.startsWith('<!--', i)) {
			const comment = commentEnd(i + 4);
			if (comment !== -1) end = comment + 3;
		} else {
			const tag = TAG_NAME.exec(source.slice(i, i + 16));
			const closing = tag?.[1] === '/';
			const name = tag?.[2].toLowerCase();
			if (
				name !== undefined &&
				!closing &&
				HIDDEN_ELEMENTS.has(name) &&
				!/\w/.test(source[i + 1 + name.length] ?? '')
			) {
				const hidden = hiddenEnd(name)(close + 1);
				if (hidden !== -1) end = tagEnd(hidden) + 1;
			} else if (name === 'br' || (closing && name !== undefined && LINE_ENDS.has(name))) {
				replacement = '\n';
			}
		}
		out.push(replacement);
		text = end;
		i = source.indexOf('<', end);
		if (amp !== -1 && amp < end) amp = source.indexOf('&', end);
	}
	copyTo(source.length);
	// Linear: the first replacement leaves no run of spaces for the second to rescan.
	return out
		.join('')
		.replace(/[ \t\f\v\u00a0]+/g, ' ')
		.replace(/ *\n[ \n]*/g, '\n')
		.trim();
}

/**
 * An ISO time from what platforms send: ISO or "2020-03-03 13:05:57 UTC" text, or Unix time in
 * seconds (Chatwoot) or milliseconds. Anything unreadable is dropped rather than failing the call,
 * because the time is informational.
 */
export function toIsoTimestamp(value: string | number | null | undefined): string | undefined {
	if (value == null || value === '' || (typeof value === 'string' && value.length > 64)) {
		return undefined;
	}
	const ms =
		typeof value === 'number' ? (Math.abs(value) < 1e12 ? value * 1000 : value) : Date.parse(value);
	if (!Number.isFinite(ms)) return undefined;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The contact as the Turn carries it; absent when nothing is known. */
export function contactOf(fields: {
	name?: string;
	email?: string;
	phone?: string;
}): Turn['contact'] | undefined {
	const contact: NonNullable<Turn['contact']> = {};
	if (fields.name) contact.name = fields.name;
	if (fields.email) contact.email = fields.email;
	if (fields.phone) contact.phone = fields.phone;
	return Object.keys(contact).length === 0 ? undefined : contact;
}

/** Drops keys whose value is undefined, so that turns compare and serialise cleanly. */
export function compact<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
