/**
 * Handover Send Message run as n8n runs it against the HighLevel and Chatwoot contract fakes and a
 * temp SQLite store: the message goes out on the contact's channel, and at most once per handover.
 */
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { HandoverSendMessage } from '../../../nodes/HandoverSendMessage/HandoverSendMessage.node';
import { typeForChannel } from '../../../nodes/platforms/highlevel/messageTypes';
import {
	awayText,
	DEFAULT_AWAY_MESSAGE,
	DEFAULT_MESSAGE,
} from '../../../nodes/HandoverSendMessage/sendMessage';
import { textToEmailHtml } from '../../../nodes/platforms/highlevel/client';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import type { ParameterValue } from '../../helpers/nodeContext';
import {
	CHATWOOT_ACCOUNT,
	CHATWOOT_CONVERSATION,
	HIGHLEVEL_LOCATION,
	chatwootCredentials,
	chatwootEvent,
	defaultParameters,
	failureOf,
	highLevelCredentials,
	highLevelEvent,
	runNode,
	tempStore,
	type RunOptions,
} from '../../helpers/actionNodes';

const node = new HandoverSendMessage();
const HL_SEND = /^\/conversations\/messages$/;
const CW_SEND = /\/conversations\/\d+\/messages$/;

let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;
let store: ReturnType<typeof tempStore>;

beforeAll(async () => {
	highLevel = new HighLevelFake({ locationId: HIGHLEVEL_LOCATION, rateLimit: { max: 10_000 } });
	chatwoot = new ChatwootFake({ accountId: CHATWOOT_ACCOUNT });
	await Promise.all([highLevel.start(), chatwoot.start()]);
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima', phone: '+15550001111' });
});

afterAll(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop()]);
});

beforeEach(() => {
	// A store per test: sent-once keys of one test must not skip another's send.
	store = tempStore();
	highLevel.requests.splice(0);
	highLevel.messages.splice(0);
	chatwoot.requests.splice(0);
	chatwoot.addConversation({ id: CHATWOOT_CONVERSATION, contact: { name: 'Ana Lima' } });
});

afterEach(async () => {
	await store.close();
});

function parameters(overrides: Record<string, ParameterValue>): Record<string, ParameterValue> {
	return defaultParameters(node, { stateStore: 'embedded', storeFile: store.file, ...overrides });
}

const runHighLevel = async (
	items: IDataObject[] = [highLevelEvent()],
	more: Partial<RunOptions> & { overrides?: Record<string, ParameterValue> } = {},
) =>
	await runNode(node, {
		items,
		parameters: parameters({ platform: 'highlevel', ...more.overrides }),
		credentials: highLevelCredentials(highLevel),
		...more,
	});

const runChatwoot = async (
	items: IDataObject[] = [chatwootEvent()],
	more: Partial<RunOptions> & { overrides?: Record<string, ParameterValue> } = {},
) =>
	await runNode(node, {
		items,
		parameters: parameters({ platform: 'chatwoot', ...more.overrides }),
		credentials: chatwootCredentials(chatwoot),
		...more,
	});

const resultOf = (item: { json: IDataObject }) =>
	(item.json.actions as { message: IDataObject }).message;

describe('HighLevel channel of the event', () => {
	it.each([
		['SMS', 'SMS'],
		['Email', 'Email'],
		['WhatsApp', 'WhatsApp'],
		['TYPE_INSTAGRAM', 'IG'],
		['FB', 'FB'],
		['Live Chat', 'Live_Chat'],
		['Live_Chat', 'Live_Chat'],
		['TIKTOK', 'TIKTOK'],
		['RCS', 'RCS'],
		['Custom', 'Custom'],
	])('answers %s with type %s', (channel, type) => {
		expect(typeForChannel(channel)).toEqual({ ok: true, type });
	});

	it.each([['GMB'], ['CALL'], [''], [undefined], ['Pigeon']])(
		'has no type for %p and says why',
		(channel) => {
			expect(typeForChannel(channel)).toEqual({ ok: false, why: expect.any(String) });
		},
	);
});

describe('Handover Send Message on HighLevel', () => {
	it('sends the away text, with the next opening, when Assign found no one there', async () => {
		const event = highLevelEvent({
			channel: 'SMS',
			actions: {
				assign: {
					platform: 'highlevel',
					userId: 'u-ana',
					userName: 'Ana',
					strategy: 'roundRobin',
					tried: [],
					available: false,
					unavailableReason: 'outside_business_hours',
					nextOpening: '2026-12-07T08:00:00.000Z',
					nextOpeningText: 'Monday 09:00',
				},
			},
		});
		const [output] = await runHighLevel([event]);
		const [request] = highLevel.callsTo('POST', HL_SEND);
		expect((request.body as IDataObject).message).toBe(
			'Thanks! Our team is away right now and will get back to you from Monday 09:00.',
		);
		expect(resultOf(output)).toMatchObject({ sent: true, away: true });
	});

	it('sends the default text on the channel of the event, and passes the event on', async () => {
		const event = highLevelEvent({ channel: 'WhatsApp' });
		const [output] = await runHighLevel([event]);

		const [request] = highLevel.callsTo('POST', HL_SEND);
		expect(request.headers.version).toBe('2021-04-15');
		expect(request.body).toEqual({
			type: 'WhatsApp',
			contactId: 'contact-1',
			message: DEFAULT_MESSAGE,
		});
		const [sent] = highLevel.messages;
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				message: {
					platform: 'highlevel',
					sent: true,
					contactId: 'contact-1',
					conversationId: sent.conversationId,
					messageId: sent.id,
					type: 'WhatsApp',
					idempotencyKey: `message:${String(event.handoverId)}:Node Under Test`,
				},
			},
		});
	});

	it('answers an e-mail with an e-mail: default subject, the text as HTML', async () => {
		await runHighLevel([highLevelEvent({ channel: 'Email' })]);
		expect(highLevel.callsTo('POST', HL_SEND)[0].body).toEqual({
			type: 'Email',
			contactId: 'contact-1',
			message: DEFAULT_MESSAGE,
			subject: 'Thank you for your message',
			html: textToEmailHtml(DEFAULT_MESSAGE),
		});
	});

	it('takes the text from an expression over the event', async () => {
		await runHighLevel(undefined, {
			overrides: {
				message: (item: IDataObject) =>
					`Thanks ${(item.contact as { name: string }).name}, a person will call you.`,
			},
		});
		expect(highLevel.messages[0].message).toBe('Thanks Ana Lima, a person will call you.');
	});

	it('sends an explicit Message Type whatever the event says', async () => {
		await runHighLevel([highLevelEvent({ channel: 'WhatsApp' })], {
			overrides: { messageType: 'sms' },
		});
		expect(highLevel.messages[0].type).toBe('SMS');
	});

	it('falls back to SMS, saying why, when HighLevel cannot send on the channel (GMB)', async () => {
		const [output] = await runHighLevel([highLevelEvent({ channel: 'GMB' })]);
		expect(highLevel.messages[0].type).toBe('SMS');
		expect(resultOf(output)).toMatchObject({
			sent: true,
			type: 'SMS',
			note: expect.stringMatching(/^Sent as SMS: HighLevel's API cannot send on Google Business/),
		});
	});

	it('with Fallback "Fail the Item" sends nothing and claims nothing, so a later run can send', async () => {
		const event = highLevelEvent({ channel: '' });
		const error = await failureOf(runHighLevel([event], { overrides: { fallbackType: 'fail' } }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(
			/Cannot answer on the contact's channel: the event has no channel/,
		);
		expect(highLevel.requests).toHaveLength(0);

		const [output] = await runHighLevel([event]);
		expect(resultOf(output)).toMatchObject({ sent: true, type: 'SMS' });
	});

	it('sends once when the node or the workflow is retried with the same handover', async () => {
		const event = highLevelEvent();
		await runHighLevel([event], { executionId: 'execution-1' });
		const [again] = await runHighLevel([event], { executionId: 'execution-1' });
		const [workflowRetry] = await runHighLevel([event], { executionId: 'execution-2' });

		expect(highLevel.messages).toHaveLength(1);
		for (const output of [again, workflowRetry]) {
			expect(output.pairedItem).toEqual({ item: 0 });
			expect(resultOf(output)).toEqual({
				platform: 'highlevel',
				sent: false,
				skipped: 'already sent for this handover',
				idempotencyKey: `message:${String(event.handoverId)}:Node Under Test`,
			});
		}
	});

	it('lets two Send Message nodes of one flow each send theirs', async () => {
		const event = highLevelEvent();
		await runHighLevel([event], { nodeName: 'Send Message' });
		await runHighLevel([event], { nodeName: 'Send Follow-Up' });
		expect(highLevel.messages).toHaveLength(2);
	});

	it('keys an item without a handover by execution and item: a node retry sends once, a new execution again', async () => {
		const item = { contactId: 'contact-1', channel: 'SMS' };
		await runHighLevel([item], { executionId: 'execution-7' });
		await runHighLevel([item], { executionId: 'execution-7' });
		expect(highLevel.messages).toHaveLength(1);
		await runHighLevel([item], { executionId: 'execution-8' });
		expect(highLevel.messages).toHaveLength(2);
	});

	it('on 401 says to check the credential and gives the claim back, so the next run sends', async () => {
		const event = highLevelEvent();
		const error = await failureOf(
			runHighLevel([event], { credentials: highLevelCredentials(highLevel, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/HighLevel rejected the credentials: check the Private Integration token/,
		);
		expect(highLevel.messages).toHaveLength(0);

		const [output] = await runHighLevel([event]);
		expect(resultOf(output)).toMatchObject({ sent: true });
		expect(highLevel.messages).toHaveLength(1);
	});

	it('on 404 says to check Contact ID', async () => {
		const error = await failureOf(runHighLevel([highLevelEvent({ contactId: 'nobody' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/contact does not exist in this sub-account: check Contact ID/);
	});

	it('waits out a 429 (Retry-After: 1) and sends once', async () => {
		highLevel.failNext(HL_SEND, 429, 1, { 'Retry-After': '1' });
		const started = Date.now();
		const [output] = await runHighLevel();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(highLevel.callsTo('POST', HL_SEND)).toHaveLength(2);
		expect(highLevel.messages).toHaveLength(1);
		expect(resultOf(output)).toMatchObject({ sent: true, messageId: highLevel.messages[0].id });
	});

	it('retries a 503 (not processed) and sends once', async () => {
		highLevel.failNext(HL_SEND, 503);
		await runHighLevel();
		expect(highLevel.callsTo('POST', HL_SEND)).toHaveLength(2);
		expect(highLevel.messages).toHaveLength(1);
	});

	it('after a 500 neither retries nor sends on a later run: HighLevel may have delivered it', async () => {
		highLevel.failNext(HL_SEND, 500);
		const event = highLevelEvent();
		const error = (await failureOf(runHighLevel([event]))) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/HighLevel had a server error \(500\)/);
		expect(error.description).toMatch(/may have been delivered/);

		const [rerun] = await runHighLevel([event], { executionId: 'execution-2' });
		expect(resultOf(rerun)).toMatchObject({ sent: false });
		expect(highLevel.callsTo('POST', HL_SEND)).toHaveLength(1);
	});

	it('does not resend after a dropped connection, as the message may have arrived', async () => {
		highLevel.dropNext(HL_SEND);
		const event = highLevelEvent();
		const error = await failureOf(runHighLevel([event]));
		expect(error.message).toMatch(/Could not reach HighLevel/);
		const [rerun] = await runHighLevel([event]);
		expect(resultOf(rerun)).toMatchObject({ sent: false });
		expect(highLevel.callsTo('POST', HL_SEND)).toHaveLength(1);
	});

	it('with Continue On Fail passes a failed item on with its error and pairing', async () => {
		const good = highLevelEvent({ handoverId: 'h-1' });
		const bad = highLevelEvent({ handoverId: 'h-2', contactId: 'nobody' });
		const output = await runHighLevel([good, bad], { continueOnFail: true });
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(resultOf(output[0])).toMatchObject({ sent: true });
		expect(output[1].json.error).toMatch(/check Contact ID/);
		expect(resultOf(output[1])).toEqual({ error: output[1].json.error });
		expect(highLevel.messages).toHaveLength(1);
	});
});

describe('Handover Send Message on Chatwoot', () => {
	const messages = () => chatwoot.conversation(CHATWOOT_CONVERSATION).messages;

	it("replies publicly in the conversation (its own inbox, the contact's channel) with the default text", async () => {
		const event = chatwootEvent();
		const [output] = await runChatwoot([event]);

		const [request] = chatwoot.callsTo('POST', CW_SEND);
		expect(request.path).toBe(`/api/v1/accounts/3/conversations/${CHATWOOT_CONVERSATION}/messages`);
		expect(request.body).toEqual({
			content: DEFAULT_MESSAGE,
			message_type: 'outgoing',
			private: false,
		});
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				message: {
					platform: 'chatwoot',
					sent: true,
					conversationId: String(CHATWOOT_CONVERSATION),
					messageId: messages()[0].id,
					channel: 'Channel::WebWidget',
					idempotencyKey: `message:${String(event.handoverId)}:Node Under Test`,
				},
			},
		});
	});

	it('sends once when run again for the same handover', async () => {
		const event = chatwootEvent();
		await runChatwoot([event]);
		const [again] = await runChatwoot([event], { executionId: 'execution-2' });
		expect(messages()).toHaveLength(1);
		expect(resultOf(again)).toMatchObject({
			sent: false,
			skipped: 'already sent for this handover',
		});
	});

	it('on 401 says to check the Access Token and a later run still sends', async () => {
		const event = chatwootEvent();
		const error = await failureOf(
			runChatwoot([event], { credentials: chatwootCredentials(chatwoot, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Chatwoot rejected the credentials: check the Access Token/);
		await runChatwoot([event]);
		expect(messages()).toHaveLength(1);
	});

	it('on 404 says to check the Conversation ID', async () => {
		const error = await failureOf(runChatwoot([chatwootEvent({ conversationId: '999' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/conversation 999 does not exist .*check the Conversation ID/);
	});

	it('waits out a 429 (Retry-After: 1) and sends once', async () => {
		chatwoot.failNext(CW_SEND, 429, 1, { 'Retry-After': '1' });
		await runChatwoot();
		expect(chatwoot.callsTo('POST', CW_SEND)).toHaveLength(2);
		expect(messages()).toHaveLength(1);
	});

	it('retries a 503 and sends once', async () => {
		chatwoot.failNext(CW_SEND, 503);
		await runChatwoot();
		expect(chatwoot.callsTo('POST', CW_SEND)).toHaveLength(2);
		expect(messages()).toHaveLength(1);
	});

	it('fails on a 500 without a second send', async () => {
		chatwoot.failNext(CW_SEND, 500);
		const error = await failureOf(runChatwoot());
		expect(error.message).toMatch(/Chatwoot had a server error \(500\)/);
		expect(chatwoot.callsTo('POST', CW_SEND)).toHaveLength(1);
	});

	it('refuses an empty message before claiming or sending', async () => {
		const error = await failureOf(runChatwoot(undefined, { overrides: { message: '  ' } }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Message is empty');
		expect(chatwoot.requests).toHaveLength(0);
	});
});

describe('away text', () => {
	it('reads without a known opening', () => {
		expect(awayText(DEFAULT_AWAY_MESSAGE, undefined)).toBe(
			'Thanks! Our team is away right now and will get back to you as soon as possible.',
		);
		expect(awayText('Back {{ next opening }}!', undefined)).toBe('Back soon!');
		expect(awayText('Back {{next opening}}', 'Monday 09:00')).toBe('Back Monday 09:00');
	});
});
