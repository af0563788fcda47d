import { z } from 'zod';

import {
	MAX_HTML_CHARS,
	MAX_MESSAGE_CHARS,
	formatPayloadError,
	htmlToText,
	messageText,
	toIsoTimestamp,
} from '../../nodes/platforms/payload';

describe('formatPayloadError', () => {
	const errorOf = (schema: z.ZodTypeAny, value: unknown) => {
		const result = schema.safeParse(value);
		if (result.success) throw new Error('expected a failure');
		return formatPayloadError(result.error);
	};

	it('writes nested paths and array positions the way a user reads them', () => {
		const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
		expect(errorOf(schema, { items: [{ id: 'a' }, { id: 2 }] })).toBe(
			'Invalid payload: "items[1].id" must be a string, not a number',
		);
	});

	it('uses a message written in the schema as it is', () => {
		const schema = z.object({ score: z.number().max(1, 'must be at most 1, the top score') });
		expect(errorOf(schema, { score: 2 })).toBe(
			'Invalid payload: "score" must be at most 1, the top score',
		);
	});

	it('counts the other problems', () => {
		const schema = z.object({ a: z.string(), b: z.string(), c: z.string() });
		expect(errorOf(schema, {})).toBe('Invalid payload: "a" is required (and 2 more problems)');
	});
});

describe('messageText', () => {
	it('trims, drops blank text and cuts without splitting an emoji', () => {
		expect(messageText('  hi \n')).toBe('hi');
		expect(messageText(' \n\t')).toBeUndefined();
		expect(messageText(null)).toBeUndefined();
		const text = `${'a'.repeat(MAX_MESSAGE_CHARS - 1)}😀`;
		expect(messageText(text)).toBe('a'.repeat(MAX_MESSAGE_CHARS - 1));
	});
});

describe('htmlToText', () => {
	it('keeps the words and line breaks of an e-mail, not its markup or styles', () => {
		const html =
			'<html><head><style>p { color: red }</style></head><body><p>Hi&nbsp;team,</p>' +
			'<p>I&#39;d like to speak to a <b>real person</b> &amp; soon.<br>Thanks</p></body></html>';
		expect(htmlToText(html)).toBe("Hi team,\nI'd like to speak to a real person & soon.\nThanks");
	});

	it('drops comments and scripts, ends lines at <br> and block ends, keeps a lone "<" as text', () => {
		const html =
			'<!--[if mso]><style>td{}</style><![endif]--><SCRIPT type="x">alert(1)</script >' +
			'<div>Line&nbsp;one<br class="x">two</DIV><p>a &lt; b &#x41;&#66; &bogus;</p>3 < 4';
		expect(htmlToText(html)).toBe('Line one\ntwo\na < b AB &bogus;\n3 < 4');
	});

	it('keeps the content of an element that is never closed, as the browser shows it', () => {
		expect(htmlToText('<style>Can I talk to a human?')).toBe('Can I talk to a human?');
		expect(htmlToText('<head><title>x</title></head><header>Hello</header>')).toBe('Hello');
	});

	const million = (unit: string) => unit.repeat(Math.ceil(1_000_000 / unit.length));

	it.each([
		['unclosed tags', million('<p'), '<p'.repeat(MAX_HTML_CHARS / 2)],
		// Cut inside the last one, which is then text.
		['unclosed styles', million('<style>'), '<st'],
		['unclosed comments', million('<!--'), '<!--'.repeat(MAX_HTML_CHARS / 4)],
		['endless nesting', `${'<div>'.repeat(100_000)}talk to a human${'</div>'.repeat(100_000)}`, ''],
		['entities', million('&amp;'), '&'.repeat(MAX_HTML_CHARS / 5)],
		['ampersands', million('&'), '&'.repeat(MAX_HTML_CHARS)],
		['blank lines', `hi${million(' \n')}`, 'hi'],
	])(
		'reads a million characters of %s in one pass over the first MAX_HTML_CHARS',
		(_, html, text) => {
			expect(htmlToText(html)).toBe(text);
		},
	);
});

describe('toIsoTimestamp', () => {
	it("reads ISO text, Chatwoot's UTC text, Unix seconds and milliseconds", () => {
		expect(toIsoTimestamp('2021-04-21T11:31:45.750Z')).toBe('2021-04-21T11:31:45.750Z');
		expect(toIsoTimestamp('2020-03-03 13:05:57 UTC')).toBe('2020-03-03T13:05:57.000Z');
		expect(toIsoTimestamp(1752161782)).toBe('2025-07-10T15:36:22.000Z');
		expect(toIsoTimestamp(1752161782262)).toBe('2025-07-10T15:36:22.262Z');
	});

	it('drops what it cannot read, and text too long to be a time', () => {
		expect(toIsoTimestamp(`2021-04-21T11:31:45.750Z${' '.repeat(100)}`)).toBeUndefined();
		expect(toIsoTimestamp('not a date')).toBeUndefined();
		expect(toIsoTimestamp('')).toBeUndefined();
		expect(toIsoTimestamp(Number.POSITIVE_INFINITY)).toBeUndefined();
		expect(toIsoTimestamp(null)).toBeUndefined();
	});
});
