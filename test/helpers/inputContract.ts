/**
 * The requests both detector doors must answer alike (nodes/detector/inputContract.ts and the
 * payload parsers): each refusal with its status, and requests at the edges that are taken. The
 * n8n webhook's test and the dedicated port's test run the same table.
 */
import { gzipSync } from 'node:zlib';

import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../nodes/detector/inputContract';
import { MAX_FIELD_CHARS, MAX_ID_CHARS } from '../../nodes/platforms/payload';
import { chatwootIncoming, highLevelInboundSms } from '../platforms/fixtures/payloads';

export interface ContractRequest {
	what: string;
	headers: Record<string, string>;
	body: Buffer;
}

export interface Refused extends ContractRequest {
	status: number;
	error: RegExp;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const turn = (fields: Record<string, unknown> = {}) => ({
	conversationId: 'contract-1',
	userMessage: 'Can I talk to a human?',
	...fields,
});

function nested(depth: number): unknown {
	let value: unknown = 'deep';
	for (let level = 0; level < depth; level++) value = { inner: value };
	return value;
}

/** A valid generic turn whose bytes hold 0xff, which is never UTF-8, inside the message. */
function invalidUtf8(): Buffer {
	const [before, after] = JSON.stringify(turn({ userMessage: 'Can I talk to a X?' })).split('X');
	return Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);
}

export const REFUSED: Refused[] = [
	{
		what: 'a form-encoded body',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: Buffer.from('conversationId=c-1&userMessage=Can+I+talk+to+a+human'),
		status: 415,
		error: /content type "application\/x-www-form-urlencoded".*application\/json/,
	},
	{
		what: 'JSON sent as text/plain',
		headers: { 'content-type': 'text/plain' },
		body: json(turn()),
		status: 415,
		error: /content type "text\/plain"/,
	},
	{
		what: 'no Content-Type',
		headers: {},
		body: json(turn()),
		status: 415,
		error: /content type none/,
	},
	{
		what: 'JSON in a charset n8n cannot decode',
		headers: { 'content-type': 'application/json; charset=iso-8859-1' },
		body: json(turn()),
		status: 422,
		error: /charset "iso-8859-1".*UTF-8/,
	},
	{
		what: 'JSON in a charset n8n decodes',
		headers: { 'content-type': 'application/json; charset=latin1' },
		body: json(turn()),
		status: 422,
		error: /charset "latin1".*UTF-8/,
	},
	{
		what: 'a compressed body',
		headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
		body: gzipSync(json(turn())),
		status: 415,
		error: /content encoding "gzip"/,
	},
	{
		what: 'a body over 1 MiB',
		headers: JSON_TYPE,
		body: json(turn({ userMessage: 'a'.repeat(MAX_BODY_BYTES) })),
		status: 413,
		error: new RegExp(`at most ${MAX_BODY_BYTES} bytes`),
	},
	{
		what: 'a body that is not JSON',
		headers: JSON_TYPE,
		body: Buffer.from('{"conversationId": "c-1", userMessage: human}'),
		status: 422,
		error: /not valid JSON/,
	},
	{
		what: 'JSON nested too deep',
		headers: JSON_TYPE,
		body: json(turn({ extra: nested(MAX_JSON_DEPTH + 1) })),
		status: 422,
		error: new RegExp(`nested more than ${MAX_JSON_DEPTH} levels`),
	},
	{
		what: 'an empty body',
		headers: JSON_TYPE,
		body: Buffer.alloc(0),
		status: 400,
		error: /body is empty/,
	},
	{
		what: 'a message that is not UTF-8',
		headers: JSON_TYPE,
		body: invalidUtf8(),
		status: 400,
		error: /not valid UTF-8/,
	},
	{
		what: 'a "__proto__" key',
		headers: JSON_TYPE,
		body: Buffer.from(
			'{"conversationId":"c-1","userMessage":"human","contact":{"__proto__":{"admin":true}}}',
		),
		status: 400,
		error: /key "__proto__"/,
	},
	{
		what: 'a "constructor" key',
		headers: JSON_TYPE,
		body: json(turn({ constructor: { prototype: { admin: true } } })),
		status: 400,
		error: /key "constructor"/,
	},
	{
		what: 'a "prototype" key in an array',
		headers: JSON_TYPE,
		body: json(turn({ tags: [{ prototype: 1 }] })),
		status: 400,
		error: /key "prototype"/,
	},
	{
		what: 'a control character in the conversation id',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: 'c-1\u0000x' })),
		status: 400,
		error: /"conversationId" must be plain text/,
	},
	{
		what: 'a line break in the contact id',
		headers: JSON_TYPE,
		body: json(turn({ contactId: 'user\n7' })),
		status: 400,
		error: /"contactId" must be plain text/,
	},
	{
		what: 'U+FFFD (a bad decode) in the conversation id',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: 'c-\ufffd' })),
		status: 400,
		error: /"conversationId" must be plain text/,
	},
	{
		what: 'half a surrogate pair in the conversation id',
		headers: JSON_TYPE,
		body: Buffer.from('{"conversationId":"c-\\ud83d","userMessage":"human"}'),
		status: 400,
		error: /"conversationId" must be plain text/,
	},
	{
		what: 'a conversation id over the id limit',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: 'c'.repeat(MAX_ID_CHARS + 1) })),
		status: 400,
		error: new RegExp(`"conversationId" must be at most ${MAX_ID_CHARS} characters`),
	},
	{
		what: 'a conversation id of 900 KB',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: 'c'.repeat(900_000) })),
		status: 400,
		error: new RegExp(`"conversationId" must be at most ${MAX_ID_CHARS} characters`),
	},
	{
		what: 'a contact name over the field limit',
		headers: JSON_TYPE,
		body: json(turn({ contact: { name: 'n'.repeat(MAX_FIELD_CHARS + 1) } })),
		status: 400,
		error: new RegExp(`"contact.name" must be at most ${MAX_FIELD_CHARS} characters`),
	},
	{
		what: 'a generic turn that claims to be a Chatwoot conversation',
		headers: JSON_TYPE,
		body: json(turn({ platform: 'chatwoot', accountId: '3', conversationId: '13098' })),
		status: 400,
		error: /"platform" must be "generic" or left out/,
	},
	{
		what: 'a control character in a HighLevel location id',
		headers: JSON_TYPE,
		body: json({ ...highLevelInboundSms(), locationId: 'loc\u001b[2J' }),
		status: 400,
		error: /"locationId" must be plain text/,
	},
	{
		what: 'U+FFFD in a Chatwoot account id',
		headers: JSON_TYPE,
		body: json({ ...chatwootIncoming(), account: { id: '3\ufffd' } }),
		status: 400,
		error: /"account.id" must be plain text/,
	},
];

/** Requests at the edges of the contract that are taken: each asks for a human. */
export const TAKEN: ContractRequest[] = [
	{
		what: 'JSON with charset=UTF-8',
		headers: { 'content-type': 'Application/JSON; charset="UTF-8"' },
		body: json(turn({ conversationId: 'taken-1' })),
	},
	{
		what: 'JSON with a leading byte order mark',
		headers: JSON_TYPE,
		body: Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			json(turn({ conversationId: 'taken-2' })),
		]),
	},
	{
		what: 'a generic turn that says it is generic',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: 'taken-3', platform: 'generic' })),
	},
	{
		what: 'ids at the limit, and emoji in them',
		headers: JSON_TYPE,
		body: json(turn({ conversationId: `😀${'c'.repeat(MAX_ID_CHARS - 2)}` })),
	},
];

/** A handover whose message is far over the cap: cut, not refused. */
export const LONG_MESSAGE: ContractRequest = {
	what: 'a message of 900,000 characters',
	headers: JSON_TYPE,
	body: json(
		turn({
			conversationId: 'long-1',
			userMessage: `Can I talk to a human? ${'agent '.repeat(150_000)}`,
		}),
	),
};
