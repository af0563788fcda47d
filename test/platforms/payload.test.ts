import { z } from 'zod';

import {
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
});

describe('toIsoTimestamp', () => {
	it("reads ISO text, Chatwoot's UTC text, Unix seconds and milliseconds", () => {
		expect(toIsoTimestamp('2021-04-21T11:31:45.750Z')).toBe('2021-04-21T11:31:45.750Z');
		expect(toIsoTimestamp('2020-03-03 13:05:57 UTC')).toBe('2020-03-03T13:05:57.000Z');
		expect(toIsoTimestamp(1752161782)).toBe('2025-07-10T15:36:22.000Z');
		expect(toIsoTimestamp(1752161782262)).toBe('2025-07-10T15:36:22.262Z');
	});

	it('drops what it cannot read', () => {
		expect(toIsoTimestamp('not a date')).toBeUndefined();
		expect(toIsoTimestamp('')).toBeUndefined();
		expect(toIsoTimestamp(Number.POSITIVE_INFINITY)).toBeUndefined();
		expect(toIsoTimestamp(null)).toBeUndefined();
	});
});
