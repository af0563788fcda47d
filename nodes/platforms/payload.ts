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
export type InboundResult =
	{ ok: true; turn: Turn } | { ok: true; ignore: string } | { ok: false; error: string };

/**
 * Longest message text kept. Longer text (long e-mail threads with quoted history) is cut, not
 * rejected: a 400 makes platforms retry or disable the webhook, and the words that ask for a person
 * are at the start of a message, not in the quoted tail.
 */
export const MAX_MESSAGE_CHARS = 20_000;

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

/** A required id given as text (HighLevel ids). */
export const requiredText = z.string().trim().min(1, { message: 'must not be empty' });

/** A required id that platforms send as a number or as text (Chatwoot ids); kept as text. */
export const requiredId = z
	.union([requiredText, z.number().finite()])
	.transform((id): string => String(id));

/** An optional text field; platforms send null or "" for fields they have no value for. */
export const optionalText = z
	.string()
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
	});

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

/**
 * Plain text of an HTML e-mail body. Deliberately small: the detector needs the words, not the
 * layout, and style attributes ("font-family: verdana") would otherwise be read as words.
 */
export function htmlToText(html: string): string {
	return html
		.replace(/<(style|script|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
			if (code[0] === '#') {
				const point =
					code[1] === 'x' || code[1] === 'X'
						? parseInt(code.slice(2), 16)
						: parseInt(code.slice(1), 10);
				return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
			}
			return HTML_ENTITIES[code.toLowerCase()] ?? entity;
		})
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
	if (value == null || value === '') return undefined;
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
