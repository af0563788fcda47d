import { detectFormat, parseInbound, type PayloadFormat } from '../../nodes/platforms/inbound';
import {
	chatwootAgent,
	chatwootIncoming,
	chatwootOutgoing,
	chatwootStatusChanged,
	highLevelInboundSms,
	highLevelOutboundSms,
	highLevelUnreadUpdate,
	highLevelWorkflowWebhook,
} from './fixtures/payloads';

const generic = () => ({ conversationId: 'c1', userMessage: 'I want to talk to a human' });

describe('detectFormat', () => {
	it.each([
		['HighLevel InboundMessage', highLevelInboundSms(), 'highlevel'],
		['HighLevel OutboundMessage', highLevelOutboundSms(), 'highlevel'],
		['HighLevel other event', highLevelUnreadUpdate(), 'highlevel'],
		['HighLevel workflow webhook', highLevelWorkflowWebhook(), 'highlevel'],
		['Chatwoot message_created', chatwootIncoming(), 'chatwoot'],
		['Chatwoot conversation_status_changed', chatwootStatusChanged(), 'chatwoot'],
		['generic turn', generic(), 'generic'],
		['generic bot reply only', { conversationId: 3, botReply: 'Hi' }, 'generic'],
		['unknown object', { hello: 'world' }, undefined],
		['event without Chatwoot fields', { event: 'message_created' }, undefined],
	])('recognises a %s', (_name, body, format) => {
		expect(detectFormat(body as Record<string, unknown>)).toBe(format);
	});
});

describe('parseInbound', () => {
	it('parses each format when told the format', () => {
		expect(parseInbound(highLevelInboundSms(), 'highlevel')).toMatchObject({
			ok: true,
			turn: {
				platform: 'highlevel',
				conversationId: 'fcanlLgpbQgQhderivVs',
				userMessage: 'This is a test message',
			},
		});
		expect(parseInbound(chatwootIncoming(), 'chatwoot')).toMatchObject({
			ok: true,
			turn: { platform: 'chatwoot', conversationId: '13098' },
		});
		expect(parseInbound(generic(), 'generic')).toEqual({
			ok: true,
			turn: { conversationId: 'c1', platform: 'generic', userMessage: 'I want to talk to a human' },
		});
	});

	it('gives the same answer on auto as with the right format', () => {
		const cases: [unknown, PayloadFormat][] = [
			[highLevelInboundSms(), 'highlevel'],
			[highLevelWorkflowWebhook(), 'highlevel'],
			[highLevelUnreadUpdate(), 'highlevel'],
			[chatwootOutgoing(chatwootAgent, 'Luis here'), 'chatwoot'],
			[chatwootStatusChanged(), 'chatwoot'],
			[generic(), 'generic'],
		];
		for (const [body, format] of cases) {
			expect(parseInbound(body, 'auto')).toEqual(parseInbound(body, format));
		}
	});

	it('reads a HighLevel message as HighLevel on auto although it also has conversationId', () => {
		expect(parseInbound(highLevelInboundSms(), 'auto')).toMatchObject({
			ok: true,
			turn: { platform: 'highlevel', locationId: 'l1C08ntBrFjLS0elLIYU' },
		});
	});

	it('passes Chatwoot options through', () => {
		const open = {
			...chatwootIncoming(),
			conversation: { ...chatwootIncoming().conversation, status: 'open' },
		};
		expect(parseInbound(open, 'auto')).toMatchObject({
			ok: true,
			ignore: expect.stringContaining('open'),
		});
		expect(
			parseInbound(open, 'auto', { chatwoot: { ignoreOpenConversations: false } }),
		).toMatchObject({
			ok: true,
			turn: { userMessage: 'Can I speak to a real person please?' },
		});
	});

	it('holds a body to the format it was told, naming what is missing', () => {
		expect(parseInbound(generic(), 'chatwoot')).toEqual({
			ok: false,
			error: 'Invalid payload: "event" is required for a Chatwoot payload',
		});
		expect(parseInbound(chatwootIncoming(), 'generic')).toEqual({
			ok: false,
			error: 'Invalid payload: "conversationId" is required',
		});
		expect(parseInbound(generic(), 'highlevel')).toMatchObject({
			ok: false,
			error: expect.stringContaining('"contact_id"'),
		});
	});

	it('explains an unrecognised body on auto by what the generic format needs', () => {
		expect(parseInbound({ hello: 'world' }, 'auto')).toEqual({
			ok: false,
			error:
				'Invalid payload: "conversationId" is required; the body was read as the generic format because it is not a HighLevel or Chatwoot webhook',
		});
	});

	it('reports invalid fields of a recognised format on auto', () => {
		const { conversationId, ...rest } = highLevelInboundSms();
		void conversationId;
		expect(parseInbound(rest, 'auto')).toEqual({
			ok: false,
			error: 'Invalid payload: "conversationId" is required',
		});
		expect(
			parseInbound({ conversationId: 'c1', userMessage: 'x', botConfidence: 7 }, 'auto'),
		).toEqual({
			ok: false,
			error: 'Invalid payload: "botConfidence" must be a number between 0 and 1',
		});
	});

	const formats: PayloadFormat[] = ['auto', 'highlevel', 'chatwoot', 'generic'];
	it.each([
		[null, 'null'],
		[undefined, 'nothing'],
		[[], 'an array'],
		[[generic()], 'an array'],
		['', 'a string'],
		['{"conversationId":"c1"}', 'a string'],
		[0, 'a number'],
		[-1.5, 'a number'],
		[Number.NaN, 'a number'],
		[true, 'true or false'],
	])('rejects %p in every format', (body, got) => {
		for (const format of formats) {
			const result = parseInbound(body, format);
			expect(result.ok).toBe(false);
			expect(!result.ok && result.error).toMatch(
				new RegExp(`^Invalid payload: expected a JSON object, got ${got}`),
			);
		}
	});

	it('tells a caller who sent JSON as text to set the content type', () => {
		expect(parseInbound('{"conversationId":"c1"}', 'auto')).toEqual({
			ok: false,
			error:
				'Invalid payload: expected a JSON object, got a string (send the body as JSON with Content-Type: application/json)',
		});
	});

	it('rejects an unknown format name', () => {
		expect(parseInbound(generic(), 'slack' as PayloadFormat)).toEqual({
			ok: false,
			error: 'Unknown payload format "slack": use auto, highlevel, chatwoot or generic',
		});
	});
});
