import {
	MAX_BODY_BYTES,
	MAX_JSON_DEPTH,
	bodyRefusal,
	bodySizeRefusal,
	charsetRefusal,
	parseJsonBody,
	typeRefusal,
} from '../../nodes/detector/inputContract';

describe('typeRefusal', () => {
	it.each([
		'application/json',
		'Application/JSON',
		'application/json; charset=utf-8',
		'application/json;charset=ISO-8859-1', // refused later, by charsetRefusal
	])('reads %s', (type) => {
		expect(typeRefusal({ 'content-type': type })).toBeUndefined();
	});

	it.each([
		[{}, /content type none/],
		[{ 'content-type': 'application/x-www-form-urlencoded' }, /application\/x-www-form/],
		[{ 'content-type': 'application/vnd.api+json' }, /vnd\.api\+json/],
		[{ 'content-type': 'multipart/form-data; boundary=x' }, /multipart/],
		[{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, /encoding "gzip"/],
	])('refuses %p with 415 saying what to send', (headers, error) => {
		expect(typeRefusal(headers)).toEqual({ status: 415, error: expect.stringMatching(error) });
	});

	it('takes identity as no encoding', () => {
		const headers = { 'content-type': 'application/json', 'content-encoding': 'identity' };
		expect(typeRefusal(headers)).toBeUndefined();
	});
});

describe('charsetRefusal', () => {
	it.each([
		'application/json',
		'application/json; charset=utf-8',
		'application/json;charset="UTF8"',
	])('takes %s', (type) => expect(charsetRefusal({ 'content-type': type })).toBeUndefined());

	it('refuses another charset with 422, as n8n does', () => {
		expect(charsetRefusal({ 'content-type': 'application/json; charset=utf-16' })).toEqual({
			status: 422,
			error: expect.stringContaining('"utf-16"'),
		});
	});
});

describe('bodySizeRefusal', () => {
	it('takes MAX_BODY_BYTES and refuses one byte more with 413', () => {
		expect(bodySizeRefusal(MAX_BODY_BYTES)).toBeUndefined();
		expect(bodySizeRefusal(MAX_BODY_BYTES + 1)).toEqual({
			status: 413,
			error: `Payload too large: a turn may have at most ${MAX_BODY_BYTES} bytes`,
		});
	});
});

describe('parseJsonBody', () => {
	const nested = (depth: number, open = '{"a":', close = '}') =>
		`${open.repeat(depth)}1${close.repeat(depth)}`;

	it('parses JSON, without a leading byte order mark', () => {
		const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":[1,"}"]}')]);
		expect(parseJsonBody(raw)).toEqual({ ok: true, body: { a: [1, '}'] } });
	});

	it('leaves an empty body to bodyRefusal, as n8n does not parse one', () => {
		expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: true, body: undefined });
	});

	it('refuses text that is not JSON with 422', () => {
		expect(parseJsonBody(Buffer.from('conversationId=c1'))).toEqual({
			ok: false,
			refusal: { status: 422, error: expect.stringMatching(/^Unreadable body: not valid JSON/) },
		});
	});

	it('takes MAX_JSON_DEPTH levels and refuses one more with 422, unparsed', () => {
		expect(parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH)))).toMatchObject({ ok: true });
		expect(parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH + 1, '[', ']')))).toEqual({
			ok: false,
			refusal: { status: 422, error: expect.stringContaining(`${MAX_JSON_DEPTH} levels`) },
		});
		// A million brackets: refused in one pass instead of parsed.
		expect(parseJsonBody(Buffer.from(nested(500_000, '[', ']')))).toMatchObject({ ok: false });
	});

	it('does not count brackets inside strings, escaped quotes included', () => {
		const text = `{"text": "${'[{'.repeat(100)} \\" ${'[{'.repeat(100)}"}`;
		expect(parseJsonBody(Buffer.from(text))).toMatchObject({ ok: true });
	});
});

describe('bodyRefusal', () => {
	const raw = (text: string) => Buffer.from(text);

	it('takes a plain body', () => {
		expect(bodyRefusal(raw('{"a":1}'), { a: 1 })).toBeUndefined();
	});

	it('refuses an empty body and bytes that are not UTF-8 with 400', () => {
		expect(bodyRefusal(Buffer.alloc(0), undefined)).toMatchObject({ status: 400 });
		const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]); // {"a":"\xc3"}
		expect(bodyRefusal(bad, { a: '\ufffd' })).toEqual({
			status: 400,
			error: expect.stringContaining('not valid UTF-8'),
		});
	});

	it.each(['__proto__', 'constructor', 'prototype'])(
		'refuses the key %s at any depth, in objects and arrays',
		(key) => {
			const text = `{"a":[{"b":{"${key}":{}}}]}`;
			expect(bodyRefusal(raw(text), JSON.parse(text))).toEqual({
				status: 400,
				error: `Invalid payload: the key "${key}" is not accepted anywhere in the body`,
			});
		},
	);

	it('takes those words as values and inside longer keys', () => {
		const body = { text: '__proto__', constructorName: 'x', tags: ['prototype'] };
		expect(bodyRefusal(raw(JSON.stringify(body)), body)).toBeUndefined();
	});
});
