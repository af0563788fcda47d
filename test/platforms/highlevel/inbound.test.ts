import { parseHighLevel } from '../../../nodes/platforms/highlevel/inbound';
import { MAX_ID_CHARS, MAX_MESSAGE_CHARS } from '../../../nodes/platforms/payload';
import {
	highLevelInboundEmail,
	highLevelInboundSms,
	highLevelInboundVoicemail,
	highLevelOutboundCall,
	highLevelOutboundSms,
	highLevelOutboundWorkflowVoicemail,
	highLevelUnreadUpdate,
	highLevelWorkflowWebhook,
} from '../fixtures/payloads';

describe('parseHighLevel: InboundMessage', () => {
	it('turns the documented SMS example into a user turn', () => {
		expect(parseHighLevel(highLevelInboundSms())).toEqual({
			ok: true,
			turn: {
				conversationId: 'fcanlLgpbQgQhderivVs',
				contactId: 'cI08i1Bls3iTB9bKgFJh',
				platform: 'highlevel',
				locationId: 'l1C08ntBrFjLS0elLIYU',
				channel: 'SMS',
				userMessage: 'This is a test message',
				timestamp: '2021-04-21T11:31:45.750Z',
			},
		});
	});

	it('reads the words of an HTML e-mail body, not its markup', () => {
		expect(parseHighLevel(highLevelInboundEmail())).toEqual({
			ok: true,
			turn: {
				conversationId: 'yCdNo6pwyTLYKgg6V2gj',
				contactId: '3bN9f8LYJFG8F232XMUbfq',
				platform: 'highlevel',
				locationId: 'kF4NJ5gzRyQF2gKFD34G',
				channel: 'Email',
				userMessage: 'Testing Email Notification',
				timestamp: '2024-01-12T12:59:04.045Z',
			},
		});
	});

	it('keeps plain-text bodies as they are, apart from surrounding blanks', () => {
		const body = { ...highLevelInboundSms(), body: '  I need a <human> & fast  ' };
		const result = parseHighLevel(body);
		expect(result).toMatchObject({ ok: true, turn: { userMessage: 'I need a <human> & fast' } });
	});

	it('ignores a call or voicemail, which has no text', () => {
		expect(parseHighLevel(highLevelInboundVoicemail())).toEqual({
			ok: true,
			ignore: 'HighLevel CALL message has no text (call, voicemail or attachment only)',
		});
		expect(parseHighLevel({ ...highLevelInboundSms(), body: '   ' })).toMatchObject({
			ok: true,
			ignore: expect.stringContaining('no text'),
		});
	});

	it('cuts text longer than MAX_MESSAGE_CHARS instead of rejecting it', () => {
		const result = parseHighLevel({
			...highLevelInboundSms(),
			body: 'a'.repeat(MAX_MESSAGE_CHARS + 50),
		});
		expect(result.ok && 'turn' in result && result.turn.userMessage?.length).toBe(
			MAX_MESSAGE_CHARS,
		);
	});

	it('cuts an HTML e-mail before stripping it, then its text: the words at the top are read', () => {
		const body = `<p>Can I talk to a human?</p>${'<div>quoted history</div>'.repeat(40_000)}`;
		const result = parseHighLevel({ ...highLevelInboundEmail(), body });
		const text = result.ok && 'turn' in result ? (result.turn.userMessage ?? '') : '';
		expect(text).toHaveLength(MAX_MESSAGE_CHARS);
		expect(text.startsWith('Can I talk to a human?\nquoted history\nquoted history')).toBe(true);
	});

	it('refuses ids with control characters, and over the id limit', () => {
		expect(parseHighLevel({ ...highLevelInboundSms(), contactId: 'c\u0000' })).toEqual({
			ok: false,
			error: expect.stringMatching(/^Invalid payload: "contactId" must be plain text/),
		});
		expect(
			parseHighLevel({ ...highLevelInboundSms(), messageId: 'm'.repeat(MAX_ID_CHARS + 1) }),
		).toEqual({
			ok: false,
			error: `Invalid payload: "messageId" must be at most ${MAX_ID_CHARS} characters`,
		});
	});

	it('keeps extra fields out of the turn (signature fields, unknown keys)', () => {
		const body = {
			...highLevelInboundSms(),
			timestamp: '2025-01-28T14:35:00Z',
			webhookId: 'abc123xyz',
		};
		expect(parseHighLevel(body)).toEqual(parseHighLevel(highLevelInboundSms()));
	});
});

describe('parseHighLevel: OutboundMessage', () => {
	it('reads a message without userId as the bot or an automation replying', () => {
		expect(parseHighLevel(highLevelOutboundSms())).toEqual({
			ok: true,
			turn: {
				conversationId: 'fcanlLgpbQgQhderivVs',
				contactId: 'cI08i1Bls3iTB9bKgFJh',
				platform: 'highlevel',
				locationId: 'l1C08ntBrFjLS0elLIYU',
				channel: 'SMS',
				botReply: 'This is a test message',
				staffReply: false,
				timestamp: '2021-04-21T11:31:45.750Z',
			},
		});
	});

	it('reads a message with a userId sent from the app as a staff reply', () => {
		const body = {
			...highLevelOutboundSms(),
			userId: 'xsmF1xxhmC92ZpL1lj7aLa',
			body: 'Hi, Sam here',
		};
		expect(parseHighLevel(body)).toEqual({
			ok: true,
			turn: {
				conversationId: 'fcanlLgpbQgQhderivVs',
				contactId: 'cI08i1Bls3iTB9bKgFJh',
				platform: 'highlevel',
				locationId: 'l1C08ntBrFjLS0elLIYU',
				channel: 'SMS',
				botReply: 'Hi, Sam here',
				staffReply: true,
				timestamp: '2021-04-21T11:31:45.750Z',
			},
		});
	});

	it('reads a call made by a user as a staff reply even without text', () => {
		expect(parseHighLevel(highLevelOutboundCall())).toEqual({
			ok: true,
			turn: {
				conversationId: 'SGDqZrzmwTr19d10aHkt9F',
				messageId: 'tyW42xCD0HQpb3hhfLcx',
				contactId: 'gblakL5aYQC4glDtP1r2t3',
				platform: 'highlevel',
				locationId: '0d48aEf7q67DAu134bpy',
				channel: 'CALL',
				staffReply: true,
				timestamp: '2024-05-08T11:57:42.250Z',
			},
		});
	});

	it('reads a userId on a workflow or API send as automation, not a person', () => {
		for (const source of ['workflow', 'api']) {
			const body = { ...highLevelOutboundSms(), userId: 'xsmF1xxhmC92ZpL1lj7aLa', source };
			expect(parseHighLevel(body)).toMatchObject({
				ok: true,
				turn: { botReply: 'This is a test message', staffReply: false },
			});
		}
	});

	it('ignores campaign and bulk sends, which are not replies', () => {
		expect(parseHighLevel({ ...highLevelOutboundSms(), source: 'campaign' })).toEqual({
			ok: true,
			ignore: 'HighLevel message sent by a campaign is not a reply',
		});
		expect(parseHighLevel({ ...highLevelOutboundSms(), source: 'bulk_actions' })).toEqual({
			ok: true,
			ignore: 'HighLevel message sent by a bulk action is not a reply',
		});
	});

	it('ignores an automated voicemail, which has no text and no person', () => {
		expect(parseHighLevel(highLevelOutboundWorkflowVoicemail())).toEqual({
			ok: true,
			ignore: 'HighLevel VoiceMail message has no text (call, voicemail or attachment only)',
		});
	});
});

describe('parseHighLevel: other events and invalid bodies', () => {
	it('ignores events that are not messages', () => {
		expect(parseHighLevel(highLevelUnreadUpdate())).toEqual({
			ok: true,
			ignore: 'HighLevel event "ConversationUnreadUpdate" is not a message',
		});
		expect(parseHighLevel({ type: 'ContactCreate', locationId: 'l1', id: 'c1' })).toMatchObject({
			ok: true,
			ignore: expect.stringContaining('ContactCreate'),
		});
	});

	it.each([
		['conversationId', undefined, 'Invalid payload: "conversationId" is required'],
		['conversationId', '', 'Invalid payload: "conversationId" must not be empty'],
		['contactId', null, 'Invalid payload: "contactId" must be a string, not null'],
		['locationId', 42, 'Invalid payload: "locationId" must be a string, not a number'],
		['body', { text: 'hi' }, 'Invalid payload: "body" must be a string, not an object'],
	])('names the field when %s is %p', (field, value, error) => {
		const body: Record<string, unknown> = { ...highLevelInboundSms(), [field]: value };
		if (value === undefined) delete body[field];
		expect(parseHighLevel(body)).toEqual({ ok: false, error });
	});

	it('counts further problems after the first', () => {
		const { locationId, contactId, ...rest } = highLevelInboundSms();
		void locationId;
		void contactId;
		expect(parseHighLevel(rest)).toEqual({
			ok: false,
			error: 'Invalid payload: "locationId" is required (and 1 more problem)',
		});
	});

	it('says which fields make a HighLevel body when neither shape fits', () => {
		expect(parseHighLevel({ hello: 'world' })).toEqual({
			ok: false,
			error:
				'Invalid payload: "type" (HighLevel app webhook) or "contact_id" (HighLevel workflow webhook) is required',
		});
	});

	it.each([null, undefined, [], 'text', 7, true])('rejects %p as not a JSON object', (body) => {
		expect(parseHighLevel(body)).toMatchObject({
			ok: false,
			error: expect.stringMatching(/^Invalid payload: expected a JSON object, got /),
		});
	});
});

describe('parseHighLevel: workflow "Webhook" action', () => {
	it("reads the message as the contact's and uses the contact id as the conversation", () => {
		expect(parseHighLevel(highLevelWorkflowWebhook())).toEqual({
			ok: true,
			turn: {
				conversationId: 'gblakL5aYQC4glDtP1r2t3',
				contactId: 'gblakL5aYQC4glDtP1r2t3',
				platform: 'highlevel',
				locationId: '0d48aEf7q67DAu134bpy',
				userMessage: 'Can I talk to someone at the front desk?',
				contact: { name: 'Maria Lopez', email: 'maria.lopez@example.com', phone: '+15555550123' },
			},
		});
	});

	it('takes conversationId and channel from the custom data when the user added them', () => {
		const body = {
			...highLevelWorkflowWebhook(),
			customData: { conversationId: 'SGDqZrzmwTr19d10aHkt9F', channel: 'WhatsApp', other: 'x' },
		};
		expect(parseHighLevel(body)).toMatchObject({
			ok: true,
			turn: { conversationId: 'SGDqZrzmwTr19d10aHkt9F', channel: 'WhatsApp' },
		});
	});

	it('falls back to the contact id when the custom conversationId is empty', () => {
		const body = { ...highLevelWorkflowWebhook(), customData: { conversationId: '' } };
		expect(parseHighLevel(body)).toMatchObject({
			ok: true,
			turn: { conversationId: 'gblakL5aYQC4glDtP1r2t3' },
		});
	});

	it('uses a text message type as the channel and leaves undocumented numbers out', () => {
		const named = { ...highLevelWorkflowWebhook(), message: { type: 'SMS', body: 'hello' } };
		expect(parseHighLevel(named)).toMatchObject({ ok: true, turn: { channel: 'SMS' } });
		const numbered = parseHighLevel(highLevelWorkflowWebhook());
		expect(numbered.ok && 'turn' in numbered && 'channel' in numbered.turn).toBe(false);
	});

	it('builds the name from first and last name and drops empty fields', () => {
		const body = {
			...highLevelWorkflowWebhook(),
			full_name: '',
			email: '',
			phone: null,
			location: { id: '', name: 'Sunrise Dental' },
		};
		const result = parseHighLevel(body);
		expect(result).toMatchObject({ ok: true, turn: { contact: { name: 'Maria Lopez' } } });
		expect(result.ok && 'turn' in result && result.turn.contact).toEqual({ name: 'Maria Lopez' });
		expect(result.ok && 'turn' in result && 'locationId' in result.turn).toBe(false);
	});

	it('accepts a hand-written body whose message is the text itself', () => {
		const body = { contact_id: 'c-1', location: { id: 'loc-1' }, message: 'talk to an agent' };
		expect(parseHighLevel(body)).toEqual({
			ok: true,
			turn: {
				conversationId: 'c-1',
				contactId: 'c-1',
				platform: 'highlevel',
				locationId: 'loc-1',
				userMessage: 'talk to an agent',
			},
		});
	});

	it('ignores a workflow call without message text, saying which trigger to use', () => {
		const body = { ...highLevelWorkflowWebhook(), message: { type: 2, body: '' } };
		expect(parseHighLevel(body)).toMatchObject({
			ok: true,
			ignore: expect.stringContaining('"Customer Replied"'),
		});
	});

	it.each([
		[{ contact_id: undefined }, 'Invalid payload: "contact_id" is required'],
		[{ contact_id: '  ' }, 'Invalid payload: "contact_id" must not be empty'],
		[{ message: undefined }, 'Invalid payload: "message" is required'],
		[{ message: { type: 2 } }, 'Invalid payload: "message.body" is required'],
		[{ message: { body: 12 } }, 'Invalid payload: "message.body" must be a string, not a number'],
		[{ location: 'Sunrise' }, 'Invalid payload: "location" must be an object, not a string'],
		[{ customData: [] }, 'Invalid payload: "customData" must be an object, not an array'],
	])('names the field for %p', (change, error) => {
		const body: Record<string, unknown> = { ...highLevelWorkflowWebhook(), ...change };
		for (const [key, value] of Object.entries(change)) if (value === undefined) delete body[key];
		expect(parseHighLevel(body)).toEqual({ ok: false, error });
	});
});
