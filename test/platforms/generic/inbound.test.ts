import { parseGeneric } from '../../../nodes/platforms/generic/inbound';
import { MAX_FIELD_CHARS, MAX_ID_CHARS, MAX_MESSAGE_CHARS } from '../../../nodes/platforms/payload';

const fullTurn = () => ({
	conversationId: 'web-4711',
	contactId: 'visitor-88',
	platform: 'generic',
	accountId: 'acme',
	channel: 'web',
	userMessage: 'That still does not work.',
	botReply: "I'm sorry, I don't have that information.",
	botConfidence: 0.35,
	botUnanswered: true,
	staffReply: false,
	contact: { name: 'Ana García', email: 'ana@example.com', phone: '+34600111222' },
	timestamp: '2025-07-10T15:36:22.262Z',
});

describe('parseGeneric', () => {
	it('takes the documented turn as it is', () => {
		expect(parseGeneric(fullTurn())).toEqual({ ok: true, turn: fullTurn() });
	});

	it('needs only a conversation id and one text, and defaults the platform', () => {
		expect(parseGeneric({ conversationId: 'c1', userMessage: 'hello' })).toEqual({
			ok: true,
			turn: { conversationId: 'c1', platform: 'generic', userMessage: 'hello' },
		});
		expect(parseGeneric({ conversationId: 'c1', botReply: 'Hi!' })).toEqual({
			ok: true,
			turn: { conversationId: 'c1', platform: 'generic', botReply: 'Hi!' },
		});
	});

	it('keys a webhook turn as generic: a body cannot claim a platform conversation', () => {
		const body = { conversationId: 'c1', userMessage: 'hi', accountId: 2 };
		expect(parseGeneric({ ...body, platform: 'generic' })).toMatchObject({
			ok: true,
			turn: { platform: 'generic', accountId: '2' },
		});
		for (const platform of ['chatwoot', 'highlevel']) {
			expect(parseGeneric({ ...body, platform })).toEqual({
				ok: false,
				error: expect.stringMatching(/^Invalid payload: "platform" must be "generic" or left out/),
			});
		}
	});

	it('keeps the platform a trusted caller names in the options (the Handover Check)', () => {
		const body = { conversationId: 'c1', userMessage: 'hi', accountId: 2 };
		expect(parseGeneric(body, { platform: 'chatwoot' })).toMatchObject({
			ok: true,
			turn: { platform: 'chatwoot', accountId: '2' },
		});
		expect(parseGeneric(body, { platform: 'slack' })).toEqual({
			ok: false,
			error: 'Invalid payload: "platform" must be one of highlevel, chatwoot, generic',
		});
	});

	it.each([
		['conversationId', 'c\u0007'],
		['conversationId', 'c\u2028d'],
		['contactId', 'u\ufffd'],
		['accountId', '\udc00'],
		['locationId', 'l\u0085'],
	])('refuses a %s holding a control character or broken text', (field, id) => {
		expect(parseGeneric({ conversationId: 'c1', userMessage: 'hi', [field]: id })).toEqual({
			ok: false,
			error: `Invalid payload: "${field}" must be plain text: no control characters, U+FFFD or half of a surrogate pair (send ids as UTF-8)`,
		});
	});

	it('refuses ids over MAX_ID_CHARS and takes them at the limit, numbers too', () => {
		const at = (conversationId: unknown) => parseGeneric({ conversationId, userMessage: 'hi' });
		expect(at('c'.repeat(MAX_ID_CHARS))).toMatchObject({ ok: true });
		expect(at(` ${'c'.repeat(MAX_ID_CHARS)} `)).toMatchObject({ ok: true });
		expect(at('c'.repeat(MAX_ID_CHARS + 1))).toEqual({
			ok: false,
			error: `Invalid payload: "conversationId" must be at most ${MAX_ID_CHARS} characters`,
		});
		expect(at(1e300)).toMatchObject({ ok: true, turn: { conversationId: '1e+300' } });
	});

	it('refuses short text fields over MAX_FIELD_CHARS', () => {
		const body = {
			conversationId: 'c1',
			userMessage: 'hi',
			channel: 'w'.repeat(MAX_FIELD_CHARS + 1),
		};
		expect(parseGeneric(body)).toEqual({
			ok: false,
			error: `Invalid payload: "channel" must be at most ${MAX_FIELD_CHARS} characters`,
		});
	});

	it('turns number ids into text and reads numbers and booleans sent as text', () => {
		const body = {
			conversationId: 4711,
			contactId: 88,
			userMessage: 'hi',
			botConfidence: '0.2',
			botUnanswered: 'false',
			staffReply: 'true',
		};
		expect(parseGeneric(body)).toEqual({
			ok: true,
			turn: {
				conversationId: '4711',
				contactId: '88',
				platform: 'generic',
				userMessage: 'hi',
				botConfidence: 0.2,
				botUnanswered: false,
				staffReply: true,
			},
		});
	});

	it('accepts the bounds 0 and 1 for botConfidence', () => {
		for (const botConfidence of [0, 1]) {
			expect(parseGeneric({ conversationId: 'c', botReply: 'x', botConfidence })).toMatchObject({
				ok: true,
				turn: { botConfidence },
			});
		}
	});

	it('accepts a staff reply without text', () => {
		expect(parseGeneric({ conversationId: 'c1', staffReply: true })).toEqual({
			ok: true,
			turn: { conversationId: 'c1', platform: 'generic', staffReply: true },
		});
	});

	it('drops blank text, null and empty fields', () => {
		const body = {
			conversationId: 'c1',
			userMessage: '   ',
			botReply: ' Hello ',
			contactId: null,
			channel: '',
			contact: { name: 'Ana', email: null, phone: '' },
			botConfidence: null,
		};
		expect(parseGeneric(body)).toEqual({
			ok: true,
			turn: {
				conversationId: 'c1',
				platform: 'generic',
				botReply: 'Hello',
				contact: { name: 'Ana' },
			},
		});
	});

	it('reads Unix seconds and milliseconds as ISO times and drops unreadable ones', () => {
		const at = (timestamp: unknown) => {
			const result = parseGeneric({ conversationId: 'c', userMessage: 'x', timestamp });
			return result.ok && 'turn' in result ? result.turn.timestamp : 'error';
		};
		expect(at(1752161782)).toBe('2025-07-10T15:36:22.000Z');
		expect(at(1752161782262)).toBe('2025-07-10T15:36:22.262Z');
		expect(at('yesterday-ish')).toBeUndefined();
	});

	it('cuts long text to MAX_MESSAGE_CHARS', () => {
		const result = parseGeneric({
			conversationId: 'c',
			userMessage: 'é'.repeat(MAX_MESSAGE_CHARS * 2),
		});
		expect(result.ok && 'turn' in result && result.turn.userMessage?.length).toBe(
			MAX_MESSAGE_CHARS,
		);
	});

	it.each([
		[{ conversationId: undefined }, 'Invalid payload: "conversationId" is required'],
		[{ conversationId: ' ' }, 'Invalid payload: "conversationId" must not be empty'],
		[{ conversationId: null }, 'Invalid payload: "conversationId" must be a string or a number'],
		[
			{ conversationId: { id: 1 } },
			'Invalid payload: "conversationId" must be a string or a number',
		],
		[{ botConfidence: 1.5 }, 'Invalid payload: "botConfidence" must be a number between 0 and 1'],
		[{ botConfidence: -0.1 }, 'Invalid payload: "botConfidence" must be a number between 0 and 1'],
		[
			{ botConfidence: 'high' },
			'Invalid payload: "botConfidence" must be a number between 0 and 1',
		],
		[{ botUnanswered: 'yes' }, 'Invalid payload: "botUnanswered" must be true or false'],
		[{ staffReply: 1 }, 'Invalid payload: "staffReply" must be true or false'],
		[{ userMessage: 42 }, 'Invalid payload: "userMessage" must be a string, not a number'],
		[{ contact: 'Ana' }, 'Invalid payload: "contact" must be an object, not a string'],
		[{ contact: { email: 5 } }, 'Invalid payload: "contact.email" must be a string, not a number'],
		[
			{ platform: 'slack' },
			'Invalid payload: "platform" must be "generic" or left out: HighLevel and Chatwoot turns come through their own webhooks, or the Handover Check\'s Platform',
		],
		[
			{ userMessage: undefined, botReply: '' },
			'Invalid payload: "userMessage" or "botReply" is required (non-empty text)',
		],
	])('names the field for %p', (change, error) => {
		const body: Record<string, unknown> = { conversationId: 'c1', userMessage: 'hi', ...change };
		for (const [key, value] of Object.entries(change)) if (value === undefined) delete body[key];
		expect(parseGeneric(body)).toEqual({ ok: false, error });
	});

	it.each([null, undefined, [{ conversationId: 'c' }], 'c1', 3.14, false])(
		'rejects %p as not a JSON object',
		(body) => {
			expect(parseGeneric(body)).toMatchObject({
				ok: false,
				error: expect.stringMatching(/^Invalid payload: expected a JSON object/),
			});
		},
	);
});
