/**
 * Handover Pause Bot run as n8n runs it against the contract fakes and a temp SQLite store, and
 * the Handover Detector's own webhook code (receiveTurn) run on the same store afterwards: the
 * pause is proven by the detector answering `botPaused`, then not once the pause is over.
 */
import { mock } from 'jest-mock-extended';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { HandoverPauseBot } from '../../../nodes/HandoverPauseBot/HandoverPauseBot.node';
import { parseDateTime } from '../../../nodes/HandoverPauseBot/pauseEnd';
import { receiveTurn } from '../../../nodes/HandoverDetectorTrigger/receiveTurn';
import type { WebhookAnswer } from '../../../nodes/detector/answer';
import { conversationKey } from '../../../nodes/conversation/conversationKey';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import type { ParameterValue } from '../../helpers/nodeContext';
import { chatwootIncoming, highLevelInboundSms } from '../../platforms/fixtures/payloads';
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
	msUntil,
	runNode,
	tempStore,
	type RunOptions,
} from '../../helpers/actionNodes';

const node = new HandoverPauseBot();
const HOUR = 60 * 60 * 1000;
const TAGS = /^\/contacts\/[^/]+\/tags$/;
const TOGGLE = /\/conversations\/\d+\/toggle_status$/;
const HIGHLEVEL_KEY = conversationKey('highlevel', HIGHLEVEL_LOCATION, 'conv-1');
const CHATWOOT_KEY = conversationKey(
	'chatwoot',
	String(CHATWOOT_ACCOUNT),
	String(CHATWOOT_CONVERSATION),
);
/** Everything but Date keeps running for real, so HTTP and SQLite work while the clock jumps. */
const REAL_TIMERS = [
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
] as const;

let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;
let store: ReturnType<typeof tempStore>;

beforeAll(async () => {
	highLevel = new HighLevelFake({ locationId: HIGHLEVEL_LOCATION, rateLimit: { max: 10_000 } });
	chatwoot = new ChatwootFake({ accountId: CHATWOOT_ACCOUNT });
	await Promise.all([highLevel.start(), chatwoot.start()]);
});

afterAll(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop()]);
});

beforeEach(() => {
	store = tempStore();
	highLevel.requests.splice(0);
	chatwoot.requests.splice(0);
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima', tags: ['lead'] });
	chatwoot.addConversation({ id: CHATWOOT_CONVERSATION, status: 'pending' });
});

afterEach(async () => {
	jest.useRealTimers();
	await store.close();
});

type More = Partial<RunOptions> & { overrides?: Record<string, ParameterValue> };

const parameters = (overrides: Record<string, ParameterValue>) =>
	defaultParameters(node, { stateStore: 'embedded', storeFile: store.file, ...overrides });

const runHighLevel = async (items: IDataObject[] = [highLevelEvent()], more: More = {}) =>
	await runNode(node, {
		items,
		parameters: parameters({ platform: 'highlevel', ...more.overrides }),
		credentials: highLevelCredentials(highLevel),
		...more,
	});

const runChatwoot = async (items: IDataObject[] = [chatwootEvent()], more: More = {}) =>
	await runNode(node, {
		items,
		parameters: parameters({ platform: 'chatwoot', ...more.overrides }),
		credentials: chatwootCredentials(chatwoot),
		...more,
	});

const pauseOf = (item: { json: IDataObject }) =>
	(item.json.actions as { pause: IDataObject }).pause;

const storedPause = async (key: string) =>
	(await (await store.open()).getConversation(key))?.pausedUntil;

/** One webhook call of the Handover Detector on the test's store; what it answered the caller. */
async function detectorAnswer(body: object): Promise<WebhookAnswer> {
	const context = mock<IWebhookFunctions>();
	const parameters: Record<string, unknown> = {
		authentication: 'none',
		options: {},
		stateStore: 'embedded',
		storeFile: store.file,
		payloadFormat: 'auto',
		triggers: ['contactRequest', 'lackOfInformation', 'failedToResolve'],
	};
	context.getNodeParameter.mockImplementation(((name: string) => parameters[name]) as never);
	context.getRequestObject.mockReturnValue({
		headers: { 'content-type': 'application/json' },
		body,
		rawBody: Buffer.from(JSON.stringify(body)),
	} as never);
	context.getBodyData.mockReturnValue(body as IDataObject);
	let answer: WebhookAnswer | undefined;
	const response = {
		status: () => response,
		json: (sent: WebhookAnswer) => {
			answer = sent;
			return response;
		},
	};
	context.getResponseObject.mockReturnValue(response as never);
	await receiveTurn(context);
	return answer!;
}

const highLevelTurn = (text: string) => ({
	...highLevelInboundSms(),
	locationId: HIGHLEVEL_LOCATION,
	conversationId: 'conv-1',
	contactId: 'contact-1',
	body: text,
});

function chatwootTurn(text: string) {
	const payload = chatwootIncoming();
	return {
		...payload,
		content: text,
		account: { ...payload.account, id: CHATWOOT_ACCOUNT },
		conversation: { ...payload.conversation, id: CHATWOOT_CONVERSATION },
	};
}

/** Moves only the clock, `ms` ahead. */
function travel(ms: number): void {
	jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: Date.now() + ms });
}

describe('Handover Pause Bot on HighLevel', () => {
	it('pauses for 24 hours by default: the detector answers botPaused, and stops after the pause', async () => {
		const event = highLevelEvent();
		const started = Date.now();
		const [output] = await runHighLevel([event]);

		const result = pauseOf(output);
		expect(msUntil(result.until, started)).toBeGreaterThanOrEqual(24 * HOUR - 1000);
		expect(msUntil(result.until, started)).toBeLessThan(24 * HOUR + 5000);
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				pause: {
					platform: 'highlevel',
					operation: 'pause',
					conversationId: 'conv-1',
					contactId: 'contact-1',
					until: result.until,
					tagged: ['ai_paused'],
				},
			},
		});
		// The documented way to keep HighLevel's own AI away: the ai_paused tag, existing tags kept.
		const [tagCall] = highLevel.callsTo('POST', TAGS);
		expect(tagCall.path).toBe('/contacts/contact-1/tags');
		expect(tagCall.body).toEqual({ tags: ['ai_paused'] });
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead', 'ai_paused']);

		expect(await storedPause(HIGHLEVEL_KEY)).toBe(result.until);
		expect(await detectorAnswer(highLevelTurn('What are your opening hours?'))).toMatchObject({
			handover: false,
			botPaused: true,
			pausedUntil: result.until,
		});

		travel(24 * HOUR + 60_000);
		expect(await detectorAnswer(highLevelTurn('And on Sundays?'))).toMatchObject({
			botPaused: false,
			pausedUntil: null,
		});
	});

	it('Resume hands the contact back: the tag comes off and the next request for a person hands over again', async () => {
		expect((await detectorAnswer(highLevelTurn('can I talk to a person?'))).handover).toBe(true);
		await runHighLevel();
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead', 'ai_paused']);

		const [output] = await runHighLevel([highLevelEvent()], { overrides: { operation: 'resume' } });
		expect(pauseOf(output)).toEqual({
			platform: 'highlevel',
			operation: 'resume',
			conversationId: 'conv-1',
			contactId: 'contact-1',
			until: null,
			untagged: ['ai_paused'],
		});
		const [untag] = highLevel.callsTo('DELETE', TAGS);
		expect(untag.body).toEqual({ tags: ['ai_paused'] });
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead']);
		expect(await storedPause(HIGHLEVEL_KEY)).toBeUndefined();
		// Without Resume the cool-down would hold this back for an hour.
		expect(await detectorAnswer(highLevelTurn('I still need to talk to a person'))).toMatchObject({
			handover: true,
			botPaused: false,
		});
	});

	it('Resume run again changes nothing more', async () => {
		await runHighLevel();
		const resume = { overrides: { operation: 'resume' } };
		await runHighLevel([highLevelEvent()], resume);
		const [again] = await runHighLevel([highLevelEvent()], resume);
		expect(pauseOf(again)).toMatchObject({ operation: 'resume', untagged: ['ai_paused'] });
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead']);
	});

	it('keeps what the detector remembers of the conversation', async () => {
		await detectorAnswer(highLevelTurn('Is the house on Oak Street available?'));
		await runHighLevel();
		const memory = await (await store.open()).getConversation(HIGHLEVEL_KEY);
		expect(memory?.transcript.map((entry) => entry.text)).toEqual([
			'Is the house on Oak Street available?',
		]);
		expect(memory?.pausedUntil).toEqual(expect.any(String));
	});

	it('pauses for minutes or days', async () => {
		const started = Date.now();
		const [minutes] = await runHighLevel(undefined, {
			overrides: { duration: 90, unit: 'minutes' },
		});
		expect(msUntil(pauseOf(minutes).until, started)).toBeGreaterThanOrEqual(90 * 60_000 - 1000);
		expect(msUntil(pauseOf(minutes).until, started)).toBeLessThan(90 * 60_000 + 5000);
		const [days] = await runHighLevel(undefined, { overrides: { duration: 3, unit: 'days' } });
		expect(msUntil(pauseOf(days).until, started)).toBeGreaterThanOrEqual(72 * HOUR - 1000);
	});

	it("pauses until a time, read in the workflow's time zone when it has no offset", async () => {
		const [output] = await runHighLevel(undefined, {
			overrides: { pauseMode: 'until', until: '2099-01-15T09:00:00' },
			timezone: 'America/New_York',
		});
		expect(pauseOf(output).until).toBe('2099-01-15T14:00:00.000Z');
		expect(await storedPause(HIGHLEVEL_KEY)).toBe('2099-01-15T14:00:00.000Z');
	});

	it('reads Pause Until values as n8n gives them', () => {
		expect(parseDateTime('2099-07-15T09:00:00', 'America/New_York')?.toISOString()).toBe(
			'2099-07-15T13:00:00.000Z',
		);
		expect(parseDateTime('2099-01-15T09:00:00+02:00', 'America/New_York')?.toISOString()).toBe(
			'2099-01-15T07:00:00.000Z',
		);
		expect(parseDateTime('2099-01-15T09:00:00.250', 'UTC')?.toISOString()).toBe(
			'2099-01-15T09:00:00.250Z',
		);
		const luxonLike = { toISO: () => '2099-01-15T09:00:00.000Z' };
		expect(parseDateTime(luxonLike, 'Europe/Berlin')?.toISOString()).toBe(
			'2099-01-15T09:00:00.000Z',
		);
		expect(parseDateTime('next tuesday', 'UTC')).toBeUndefined();
		expect(parseDateTime('', 'UTC')).toBeUndefined();
	});

	it('refuses a Pause Until in the past, naming the field and the item, and changes nothing', async () => {
		const error = (await failureOf(
			runHighLevel(undefined, { overrides: { pauseMode: 'until', until: '2020-01-01T00:00:00' } }),
		)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Pause Until is in the past');
		expect(error.description).toMatch(/^Item 0 asks to pause until 2020-01-01T00:00:00.000Z/);
		expect(highLevel.requests).toHaveLength(0);
		expect(await storedPause(HIGHLEVEL_KEY)).toBeUndefined();
	});

	it('adds no tag when Pause Tag is empty, and still pauses', async () => {
		const [output] = await runHighLevel(undefined, { overrides: { pauseTag: '' } });
		expect(highLevel.requests).toHaveLength(0);
		expect(pauseOf(output).tagged).toEqual([]);
		expect(await storedPause(HIGHLEVEL_KEY)).toBe(pauseOf(output).until);
	});

	it('on 401 says to check the credential (the pause in the store still holds)', async () => {
		const error = await failureOf(
			runHighLevel(undefined, { credentials: highLevelCredentials(highLevel, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/HighLevel rejected the credentials: check the Private Integration token/,
		);
		expect(await storedPause(HIGHLEVEL_KEY)).toEqual(expect.any(String));
	});

	it('on 404 says to check Contact ID', async () => {
		const error = await failureOf(runHighLevel([highLevelEvent({ contactId: 'nobody' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/contact does not exist in this sub-account: check Contact ID/);
	});

	it('waits out a 429 (Retry-After: 1), then tags', async () => {
		highLevel.failNext(TAGS, 429, 1, { 'Retry-After': '1' });
		const started = Date.now();
		await runHighLevel();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(highLevel.callsTo('POST', TAGS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tags).toContain('ai_paused');
	});

	it('retries a 500 (adding a tag twice changes nothing), then tags', async () => {
		highLevel.failNext(TAGS, 500);
		await runHighLevel();
		expect(highLevel.callsTo('POST', TAGS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tags).toContain('ai_paused');
	});

	it('with Continue On Fail passes a failed item on with its error and pairing', async () => {
		const output = await runHighLevel(
			[highLevelEvent(), highLevelEvent({ contactId: 'nobody', conversationId: 'conv-2' })],
			{ continueOnFail: true },
		);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(pauseOf(output[0])).toMatchObject({ tagged: ['ai_paused'] });
		expect(output[1].json.error).toMatch(/check Contact ID/);
		expect(pauseOf(output[1])).toEqual({ error: output[1].json.error });
	});
});

describe('Handover Pause Bot on Chatwoot', () => {
	it("opens the conversation (out of the bot's queue) and the detector answers botPaused until the end", async () => {
		const event = chatwootEvent();
		const [output] = await runChatwoot([event]);

		const [toggle] = chatwoot.callsTo('POST', TOGGLE);
		expect(toggle.path).toBe(
			`/api/v1/accounts/3/conversations/${CHATWOOT_CONVERSATION}/toggle_status`,
		);
		expect(toggle.body).toEqual({ status: 'open' });
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).status).toBe('open');
		const result = pauseOf(output);
		expect(output.json).toEqual({
			...event,
			actions: {
				pause: {
					platform: 'chatwoot',
					operation: 'pause',
					conversationId: String(CHATWOOT_CONVERSATION),
					until: result.until,
					status: 'open',
				},
			},
		});

		expect(await storedPause(CHATWOOT_KEY)).toBe(result.until);
		expect(await detectorAnswer(chatwootTurn('What are your opening hours?'))).toMatchObject({
			botPaused: true,
			pausedUntil: result.until,
		});
		travel(24 * HOUR + 60_000);
		expect(await detectorAnswer(chatwootTurn('And on Sundays?'))).toMatchObject({
			botPaused: false,
		});
	});

	it("Resume puts the conversation back in the bot's queue (pending) and the detector answers botPaused false", async () => {
		await runChatwoot();
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).status).toBe('open');
		const [output] = await runChatwoot([chatwootEvent()], { overrides: { operation: 'resume' } });
		expect(pauseOf(output)).toEqual({
			platform: 'chatwoot',
			operation: 'resume',
			conversationId: String(CHATWOOT_CONVERSATION),
			until: null,
			status: 'pending',
		});
		const toggles = chatwoot.callsTo('POST', TOGGLE);
		expect(toggles.map((call) => call.body)).toEqual([{ status: 'open' }, { status: 'pending' }]);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).status).toBe('pending');
		expect(await detectorAnswer(chatwootTurn('What are your opening hours?'))).toMatchObject({
			botPaused: false,
			pausedUntil: null,
		});
	});

	it('snoozes until the end of the pause when asked to', async () => {
		const [output] = await runChatwoot(undefined, {
			overrides: { chatwootStatus: 'snoozed', duration: 2, unit: 'days' },
		});
		const until = Date.parse(String(pauseOf(output).until));
		const [toggle] = chatwoot.callsTo('POST', TOGGLE);
		expect(toggle.body).toEqual({ status: 'snoozed', snoozed_until: Math.floor(until / 1000) });
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION)).toMatchObject({
			status: 'snoozed',
			snoozed_until: Math.floor(until / 1000),
		});
		expect(pauseOf(output).status).toBe('snoozed');
	});

	it('on 401 says to check the Access Token', async () => {
		const error = await failureOf(
			runChatwoot(undefined, { credentials: chatwootCredentials(chatwoot, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Chatwoot rejected the credentials: check the Access Token/);
	});

	it('on 404 says to check the Conversation ID', async () => {
		const error = await failureOf(runChatwoot([chatwootEvent({ conversationId: '999' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/conversation 999 does not exist .*check the Conversation ID/);
	});

	it('waits out a 429 (Retry-After: 1), then opens the conversation', async () => {
		chatwoot.failNext(TOGGLE, 429, 1, { 'Retry-After': '1' });
		await runChatwoot();
		expect(chatwoot.callsTo('POST', TOGGLE)).toHaveLength(2);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).status).toBe('open');
	});

	it('retries a 500 (setting a status twice changes nothing), then opens the conversation', async () => {
		chatwoot.failNext(TOGGLE, 500);
		await runChatwoot();
		expect(chatwoot.callsTo('POST', TOGGLE)).toHaveLength(2);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).status).toBe('open');
	});
});
