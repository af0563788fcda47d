/**
 * The one input contract of the detector's webhook doors (the n8n webhook and the dedicated port):
 * which requests are read at all, and how their bytes become the JSON body the payload parsers
 * get. Both doors apply these checks in the same order (turnHandler.ts), which is n8n's where n8n
 * checks first, so the same request gets the same status on either door:
 *
 * 1. 415 a body not declared as JSON, or compressed (checked before the body is read);
 * 2. 413 a body over MAX_BODY_BYTES;
 * 3. 422 a body that cannot be read as JSON: declared in a charset other than UTF-8, not JSON, or
 *    nested too deep (n8n answers the first two so itself, before the node runs);
 * 4. 401 / 403 authentication (webhookAuth.ts);
 * 5. 400 an empty body, bytes that are not UTF-8, or a forbidden key anywhere;
 * 6. 400 what the payload parsers refuse (fields, ids), 200 for the rest.
 *
 * No n8n import.
 */
import { isUtf8 } from 'node:buffer';

type Headers = Record<string, string | string[] | undefined>;

/** Largest body read, in bytes; larger ones are answered 413 without being parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Deepest nesting of objects and arrays read. Platform webhooks nest five levels or so; parsing
 * a body of a million brackets takes a third of a second, so such a body is refused unparsed.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys refused anywhere in a body: harmless to JSON.parse, but the classic way to reach an
 * object's prototype in whatever merges the body later (expressions, other nodes).
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface Refusal {
	status: 400 | 413 | 415 | 422;
	error: string;
}

export type JsonBody = { ok: true; body: unknown } | { ok: false; refusal: Refusal };

function header(headers: Headers, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function mediaTypeOf(headers: Headers): { mediaType: string; parameters: string[] } {
	const [mediaType, ...parameters] = (header(headers, 'content-type') ?? '').split(';');
	return { mediaType: mediaType.trim().toLowerCase(), parameters };
}

/**
 * 415 for a body that is not read whatever it holds: not declared as `application/json`, or
 * compressed. n8n would also read forms, XML and gzip, but the dedicated port does not, and a
 * form-encoded turn that n8n turned into an object must not pass either.
 */
export function typeRefusal(headers: Headers): Refusal | undefined {
	const encoding = header(headers, 'content-encoding')?.trim().toLowerCase();
	if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
		return {
			status: 415,
			error: `Unsupported content encoding "${encoding.slice(0, 40)}": send the turn uncompressed`,
		};
	}
	if (mediaTypeOf(headers).mediaType !== 'application/json') {
		const declared = header(headers, 'content-type');
		const got = declared === undefined ? 'none' : `"${declared.slice(0, 100)}"`;
		return {
			status: 415,
			error: `Unsupported content type ${got}: send the turn as JSON with Content-Type: application/json`,
		};
	}
	return undefined;
}

/**
 * 422 for a JSON body declared in a charset other than UTF-8 (JSON is UTF-8, RFC 8259). n8n
 * decodes the body in the declared charset before the node runs and answers 422 when it cannot
 * ("iso-8859-1", "utf-16"), so the same status is used for the charsets it can decode.
 */
export function charsetRefusal(headers: Headers): Refusal | undefined {
	for (const parameter of mediaTypeOf(headers).parameters) {
		const [name, value = ''] = parameter.split('=');
		if (name.trim().toLowerCase() !== 'charset') continue;
		const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
		if (charset !== 'utf-8' && charset !== 'utf8') {
			return {
				status: 422,
				error: `Unreadable body: declared in charset "${charset.slice(0, 40)}": send the turn as UTF-8 (charset=utf-8, or no charset)`,
			};
		}
	}
	return undefined;
}

/** The 413 of a body over `limit` bytes. */
export function payloadTooLarge(limit = MAX_BODY_BYTES): Refusal {
	return { status: 413, error: `Payload too large: a turn may have at most ${limit} bytes` };
}

/** 413 for a body over `limit` bytes. */
export function bodySizeRefusal(bytes: number, limit = MAX_BODY_BYTES): Refusal | undefined {
	return bytes > limit ? payloadTooLarge(limit) : undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the brackets of `raw` nest deeper than `limit`, counted outside strings in one pass
 * over the bytes (a quote or backslash byte is never part of a multi-byte UTF-8 character).
 * Strings are skipped with indexOf, which is most of a body.
 */
function nestsDeeperThan(raw: Buffer, limit: number): boolean {
	let depth = 0;
	for (let i = 0; i < raw.length; i++) {
		const byte = raw[i];
		if (byte === QUOTE) {
			// To the closing quote: the next one not escaped by an odd run of backslashes.
			for (let end = raw.indexOf(QUOTE, i + 1); ; end = raw.indexOf(QUOTE, end + 1)) {
				if (end === -1) return false;
				let backslashes = 0;
				while (raw[end - 1 - backslashes] === BACKSLASH) backslashes++;
				if (backslashes % 2 === 0) {
					i = end;
					break;
				}
			}
		} else if (byte === 0x7b || byte === 0x5b) {
			if (++depth > limit) return true;
		} else if (byte === 0x7d || byte === 0x5d) {
			depth--;
		}
	}
	return false;
}

/** The first forbidden key anywhere in `value`, walked without recursion. */
function forbiddenKeyIn(value: unknown): string | undefined {
	const pending: unknown[] = [value];
	while (pending.length > 0) {
		const next = pending.pop();
		if (typeof next !== 'object' || next === null) continue;
		if (Array.isArray(next)) {
			for (const item of next) pending.push(item);
			continue;
		}
		for (const [key, item] of Object.entries(next)) {
			if (FORBIDDEN_KEYS.has(key)) return key;
			pending.push(item);
		}
	}
	return undefined;
}

const utf8 = new TextDecoder('utf-8');

/**
 * The body as n8n reads one declared as JSON before the node runs: decoded (a leading BOM dropped,
 * bad bytes replaced) and parsed, 422 when that fails; undefined for an empty body, which n8n
 * does not parse. Too deep a nesting is refused unparsed, also with 422.
 */
export function parseJsonBody(raw: Buffer): JsonBody {
	if (raw.length === 0) return { ok: true, body: undefined };
	if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
		const error = `Unreadable body: JSON nested more than ${MAX_JSON_DEPTH} levels deep`;
		return { ok: false, refusal: { status: 422, error } };
	}
	try {
		return { ok: true, body: JSON.parse(utf8.decode(raw)) as unknown };
	} catch (error) {
		const message = `Unreadable body: not valid JSON (${(error as Error).message})`;
		return { ok: false, refusal: { status: 422, error: message } };
	}
}

/** 400 for a parsed body the doors do not take: empty, not UTF-8, or with a forbidden key. */
export function bodyRefusal(raw: Buffer, body: unknown): Refusal | undefined {
	if (raw.length === 0) {
		return {
			status: 400,
			error: 'Invalid payload: the body is empty: send the turn as a JSON object',
		};
	}
	if (!isUtf8(raw)) {
		return {
			status: 400,
			error: 'Invalid payload: the body is not valid UTF-8: send the turn as UTF-8',
		};
	}
	const key = forbiddenKeyIn(body);
	if (key !== undefined) {
		return {
			status: 400,
			error: `Invalid payload: the key "${key}" is not accepted anywhere in the body`,
		};
	}
	return undefined;
}
