import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mock } from 'jest-mock-extended';
import type { IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { receiveTurn } from '../../../nodes/HandoverDetectorTrigger/receiveTurn';
import type { WebhookAnswer } from '../../../nodes/detector/answer';
import { SECRET_CACHE_MS } from '../../../nodes/detector/turnSettings';
import type { HandoverEvent } from '../../../nodes/event/handoverEvent';
import { getStore } from '../../../nodes/shared/storeProvider';
import { conversationKey } from '../../../nodes/conversation/conversationKey';
import { MAX_MESSAGE_CHARS } from '../../../nodes/platforms/payload';
import { LONG_MESSAGE, REFUSED, TAKEN } from '../../helpers/inputContract';
import { chatwootIncoming, highLevelInboundSms } from '../../platforms/fixtures/payloads';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ALL_TRIGGERS = ['contactRequest', 'lackOfInformation', 'failedToResolve'];
const MINUTE = 60_000;

interface CallSettings {
	authentication?: string;
	options?: IDataObject;
	payloadFormat?: string;
	triggers?: string[];
	headers?: Record<string, string>;
	secret?: string;
	/** The id of the node's Handover Webhook Secret credential (unset: the node names none). */
	credentialId?: string;
}

interface Call {
	status: number | undefined;
	answer: WebhookAnswer & { error?: string };
	data: IWebhookResponseData;
	context: ReturnType<typeof mock<IWebhookFunctions>>;
}

let dir: string;
let storeFile: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-receive-'));
	storeFile = join(dir, 'store.sqlite');
});

afterEach(async () => {
	// getStore caches one store per file; the file is unique to this test, so close it for good.
	await (await getStore({ kind: 'embedded', filePath: storeFile })).close();
	rmSync(dir, { recursive: true, force: true });
});

/** One webhook call of a JSON body through a mocked n8n context, as a platform sends it. */
async function call(body: object, settings: CallSettings = {}): Promise<Call> {
	const headers = { 'content-type': 'application/json', ...settings.headers };
	return await deliver(headers, Buffer.from(JSON.stringify(body)), body, settings);
}

/** One webhook call of exactly these headers and bytes; records what was answered to the caller. */
async function deliver(
	headers: Record<string, string>,
	rawBody: Buffer,
	body: unknown,
	settings: CallSettings = {},
): Promise<Call> {
	const context = mock<IWebhookFunctions>();
	const parameters: Record<string, unknown> = {
		authentication: settings.authentication ?? 'none',
		options: settings.options ?? {},
		stateStore: 'embedded',
		storeFile,
		payloadFormat: settings.payloadFormat ?? 'auto',
		triggers: settings.triggers ?? ALL_TRIGGERS,
	};
	context.getNodeParameter.mockImplementation(((name: string) => {
		if (!(name in parameters)) throw new Error(`Unexpected parameter ${name}`);
		return parameters[name];
	}) as IWebhookFunctions['getNodeParameter']);
	context.getCredentials.mockResolvedValue({ secret: settings.secret ?? 'token-123' });
	if (settings.credentialId) {
		const credential = { id: settings.credentialId, name: 'Handover Webhook Secret' };
		context.getNode.mockReturnValue({
			name: 'Handover Detector',
			credentials: { handoverWebhookApi: credential },
		} as unknown as INode);
	}

	const request = { headers, body, rawBody };
	context.getRequestObject.mockReturnValue(
		request as unknown as ReturnType<IWebhookFunctions['getRequestObject']>,
	);
	context.getBodyData.mockReturnValue(body as IDataObject);

	const recorded: Pick<Call, 'status' | 'answer'> = {
		status: undefined,
		answer: undefined as unknown as Call['answer'],
	};
	interface FakeResponse {
		status: jest.Mock<FakeResponse, [number]>;
		json: jest.Mock<FakeResponse, [Call['answer']]>;
	}
	const response: FakeResponse = {
		status: jest.fn((status: number) => {
			recorded.status = status;
			return response;
		}),
		json: jest.fn((answer: Call['answer']) => {
			recorded.answer = answer;
			return response;
		}),
	};
	context.getResponseObject.mockReturnValue(
		response as unknown as ReturnType<IWebhookFunctions['getResponseObject']>,
	);

	const data = await receiveTurn(context);
	expect(response.json).toHaveBeenCalledTimes(1);
	return { ...recorded, data, context };
}

/** The single HandoverEvent the trigger emitted. */
function eventOf(result: Call): HandoverEvent {
	const workflowData = result.data.workflowData;
	expect(workflowData).toHaveLength(1);
	expect(workflowData?.[0]).toHaveLength(1);
	return workflowData![0][0].json as unknown as HandoverEvent;
}

function expectNoExecution(result: Call): void {
	expect(result.data.noWebhookResponse).toBe(true);
	expect(result.data.workflowData).toBeUndefined();
}

const genericTurn = (fields: Record<string, unknown> = {}) => ({
	conversationId: 'conv-1',
	contactId: 'user-7',
	channel: 'web',
	userMessage: 'Can I talk to a human?',
	...fields,
});

const NOT_A_HANDOVER = { userMessage: 'What are your opening hours?' };

describe('receiveTurn: handover', () => {
	it('answers a contact request at once and starts an execution with the HandoverEvent', async () => {
		const before = Date.now();
		const result = await call(
			genericTurn({ botReply: 'One moment.', contact: { name: 'Ana', email: 'ana@example.com' } }),
		);
		const after = Date.now();

		expect(result.status).toBe(200);
		expect(result.answer).toEqual({
			handover: true,
			reason: 'contact_request',
			handoverId: expect.stringMatching(UUID),
			confidence: expect.any(Number),
			botPaused: false,
			pausedUntil: null,
		});
		expect(result.data.noWebhookResponse).toBe(true);

		const event = eventOf(result);
		expect(event).toEqual({
			handoverId: result.answer.handoverId,
			reason: 'contact_request',
			evidence: expect.any(String),
			confidence: expect.any(Number),
			platform: 'generic',
			conversationId: 'conv-1',
			contactId: 'user-7',
			channel: 'web',
			contact: { name: 'Ana', email: 'ana@example.com' },
			message: 'Can I talk to a human?',
			botReply: 'One moment.',
			transcript: [
				{ role: 'user', text: 'Can I talk to a human?', at: event.detectedAt },
				{ role: 'bot', text: 'One moment.', at: event.detectedAt },
			],
			failedAttempts: 0,
			detectedAt: expect.any(String),
			actions: {},
		});
		expect(event.evidence).not.toBe('');
		const detectedAt = Date.parse(event.detectedAt);
		expect(detectedAt).toBeGreaterThanOrEqual(before);
		expect(detectedAt).toBeLessThanOrEqual(after);
	});

	it('keeps the handover id and time in the conversation memory of the store file', async () => {
		const result = await call(genericTurn());
		const store = await getStore({ kind: 'embedded', filePath: storeFile });
		const memory = await store.getConversation(conversationKey('generic', undefined, 'conv-1'));
		expect(memory).toMatchObject({
			lastHandoverId: result.answer.handoverId,
			handedOverAt: eventOf(result).detectedAt,
			failedAttempts: 0,
		});
		expect(memory?.pausedUntil).toBeUndefined();
	});

	it('gives every handover its own id', async () => {
		const first = await call(genericTurn({ conversationId: 'a' }));
		const second = await call(genericTurn({ conversationId: 'b' }));
		expect(first.answer.handoverId).not.toBe(second.answer.handoverId);
	});

	it('answers handover false and starts nothing for an ordinary turn', async () => {
		const result = await call(genericTurn(NOT_A_HANDOVER));
		expect(result.status).toBe(200);
		expect(result.answer).toEqual({
			handover: false,
			reason: null,
			handoverId: null,
			confidence: expect.any(Number),
			botPaused: false,
			pausedUntil: null,
		});
		expectNoExecution(result);
	});

	it('remembers failed attempts between calls and hands over on the second', async () => {
		await call(genericTurn({ userMessage: 'What is the deposit?' }));
		const first = await call(genericTurn({ userMessage: "That didn't help at all" }));
		expect(first.answer.handover).toBe(false);
		expectNoExecution(first);

		const second = await call(genericTurn({ userMessage: 'Still not working' }));
		expect(second.answer).toMatchObject({ handover: true, reason: 'failed_to_resolve' });
		const event = eventOf(second);
		expect(event.failedAttempts).toBe(2);
		expect(event.reason).toBe('failed_to_resolve');
		expect(event.handoverId).toBe(second.answer.handoverId);
		expect(event.transcript.map((entry) => entry.text)).toEqual([
			'What is the deposit?',
			"That didn't help at all",
			'Still not working',
		]);
	});

	it('does not count failed attempts of one conversation in another', async () => {
		await call(genericTurn({ conversationId: 'x', userMessage: "That didn't help at all" }));
		const other = await call(
			genericTurn({ conversationId: 'y', userMessage: 'Still not working' }),
		);
		expect(other.answer.handover).toBe(false);
		expectNoExecution(other);
	});

	it('suppresses a further ask within the cool-down', async () => {
		await call(genericTurn({ userMessage: 'What is the deposit?' }));
		await call(genericTurn({ userMessage: "That didn't help at all" }));
		const handover = await call(genericTurn({ userMessage: 'Still not working' }));
		expect(handover.answer.handover).toBe(true);

		const third = await call(genericTurn());
		expect(third.status).toBe(200);
		expect(third.answer).toEqual({
			handover: false,
			reason: null,
			handoverId: null,
			confidence: expect.any(Number),
			botPaused: false,
			pausedUntil: null,
			suppressed: 'already_handed_over',
		});
		expectNoExecution(third);
	});

	it('hands over again once the cool-down is off', async () => {
		const options = { coolDownMinutes: 0 };
		expect((await call(genericTurn({ messageId: 'm-1' }), { options })).answer.handover).toBe(true);
		// Another message (another id): the same words twice would be one redelivered turn.
		const again = await call(genericTurn({ messageId: 'm-2' }), { options });
		expect(again.answer.handover).toBe(true);
		eventOf(again);
	});

	it('pauses the bot on a handover when configured, and says so on the next turns', async () => {
		const options = { pauseOnHandoverMinutes: 30 };
		const before = Date.now();
		const handover = await call(genericTurn(), { options });
		const after = Date.now();

		expect(handover.answer).toMatchObject({ handover: true, botPaused: true });
		const pausedUntil = Date.parse(handover.answer.pausedUntil ?? '');
		expect(pausedUntil).toBeGreaterThanOrEqual(before + 30 * MINUTE);
		expect(pausedUntil).toBeLessThanOrEqual(after + 30 * MINUTE);
		eventOf(handover);

		const next = await call(genericTurn(NOT_A_HANDOVER), { options });
		expect(next.answer).toMatchObject({
			handover: false,
			botPaused: true,
			pausedUntil: handover.answer.pausedUntil,
		});
		expectNoExecution(next);
	});
});

describe('receiveTurn: parameters', () => {
	it('does not hand over a contact request when that trigger is off', async () => {
		const result = await call(genericTurn(), {
			triggers: ['lackOfInformation', 'failedToResolve'],
		});
		expect(result.answer).toMatchObject({ handover: false, reason: null });
		expectNoExecution(result);
	});

	it('still hands over on the triggers left on', async () => {
		const result = await call(genericTurn({ userMessage: 'Hi', botUnanswered: true }), {
			triggers: ['lackOfInformation'],
		});
		expect(result.answer).toMatchObject({ handover: true, reason: 'lack_of_information' });
		expect(eventOf(result).reason).toBe('lack_of_information');
	});

	it('reads extra contact-request phrases as a comma-separated list', async () => {
		const options = { contactRequestPhrases: 'pineapple protocol, banana mode ,' };
		const plain = await call(genericTurn({ conversationId: 'p0', userMessage: 'banana mode' }));
		expect(plain.answer.handover).toBe(false);

		const first = await call(
			genericTurn({ conversationId: 'p1', userMessage: 'Start the pineapple protocol' }),
			{ options },
		);
		expect(first.answer).toMatchObject({ handover: true, reason: 'contact_request' });
		expect(eventOf(first).evidence).toBe('pineapple protocol');

		const second = await call(genericTurn({ conversationId: 'p2', userMessage: 'banana mode' }), {
			options,
		});
		expect(second.answer).toMatchObject({ handover: true, reason: 'contact_request' });
		expect(eventOf(second).evidence).toBe('banana mode');
	});
});

describe('receiveTurn: payloads', () => {
	it.each([
		['a missing conversationId', { userMessage: 'hi' }, '"conversationId"'],
		['a userMessage of the wrong type', { conversationId: 'c', userMessage: 42 }, '"userMessage"'],
	])('answers 400 naming the field for %s, without an execution', async (_, body, field) => {
		const result = await call(body);
		expect(result.status).toBe(400);
		expect(Object.keys(result.answer)).toEqual(['error']);
		expect(result.answer.error).toContain(field);
		expectNoExecution(result);
	});

	it('answers 200 with the reason for an ignored Chatwoot private note', async () => {
		const note = { ...chatwootIncoming(), content: 'Can I talk to a human?', private: true };
		const result = await call(note);
		expect(result.status).toBe(200);
		expect(result.answer).toEqual({
			handover: false,
			reason: null,
			handoverId: null,
			botPaused: false,
			pausedUntil: null,
			ignored: expect.stringContaining('private note'),
		});
		expectNoExecution(result);
	});

	it('hands over a Chatwoot contact message with the account as scope', async () => {
		const event = eventOf(await call(chatwootIncoming()));
		expect(event).toMatchObject({
			platform: 'chatwoot',
			conversationId: '13098',
			accountId: '3',
			contactId: '52870',
		});
	});

	describe('HighLevel', () => {
		let sent = 0;
		// Each call another message: one id delivered again would be the same turn.
		const inbound = (locationId: string, body = 'Can I talk to a human?') => ({
			...highLevelInboundSms(),
			locationId,
			body,
			messageId: `msg-${++sent}`,
		});

		it('reads an InboundMessage as a HighLevel turn with its location', async () => {
			const result = await call(inbound('l1C08ntBrFjLS0elLIYU'));
			expect(result.answer.handover).toBe(true);
			expect(eventOf(result)).toMatchObject({
				platform: 'highlevel',
				locationId: 'l1C08ntBrFjLS0elLIYU',
				conversationId: 'fcanlLgpbQgQhderivVs',
				contactId: 'cI08i1Bls3iTB9bKgFJh',
				channel: 'SMS',
				message: 'Can I talk to a human?',
			});
		});

		it('keeps the memory of the same conversation id apart per location', async () => {
			const first = await call(inbound('location-A'));
			expect(first.answer.handover).toBe(true);

			// Same conversation id elsewhere: not in A's cool-down.
			const elsewhere = await call(inbound('location-B'));
			expect(elsewhere.answer.handover).toBe(true);
			expect(eventOf(elsewhere).locationId).toBe('location-B');

			// Back in A: the cool-down of A's handover applies.
			const again = await call(inbound('location-A'));
			expect(again.answer).toMatchObject({ handover: false, suppressed: 'already_handed_over' });
		});

		it('keeps failed attempts apart per location', async () => {
			await call(inbound('location-A', 'What is the deposit?'));
			await call(inbound('location-B', 'What is the deposit?'));
			await call(inbound('location-A', "That didn't help at all"));
			const elsewhere = await call(inbound('location-B', 'Still not working'));
			expect(elsewhere.answer.handover).toBe(false);
			const back = await call(inbound('location-A', 'Still not working'));
			expect(eventOf(back).failedAttempts).toBe(2);
		});
	});
});

describe('receiveTurn: authentication', () => {
	const tokenAuth = (headers: Record<string, string>) => ({
		authentication: 'headerToken',
		headers,
		secret: 'token-123',
	});

	it('accepts the right header token and reads the secret from the credential', async () => {
		const result = await call(genericTurn(), tokenAuth({ 'x-handover-token': 'token-123' }));
		expect(result.status).toBe(200);
		expect(result.answer.handover).toBe(true);
		expect(result.context.getCredentials).toHaveBeenCalledWith('handoverWebhookApi');
		eventOf(result);
	});

	it.each([
		['a wrong token', { 'x-handover-token': 'token-124' }, 403],
		['no token', {}, 401],
	])('refuses %s before reading the payload', async (_, headers, status) => {
		const result = await call(genericTurn(), tokenAuth(headers));
		expect(result.status).toBe(status);
		expect(result.answer).toEqual({ error: expect.any(String) });
		expectNoExecution(result);
		expect(result.context.getBodyData).not.toHaveBeenCalled();
	});

	it("reads a credential's secret at most every 10 s, so a busy webhook does not hold n8n's database", async () => {
		const start = performance.now();
		const clock = jest.spyOn(performance, 'now').mockReturnValue(start);
		try {
			const settings = (credentialId: string, secret: string, token: string) => ({
				...tokenAuth({ 'x-handover-token': token }),
				secret,
				credentialId,
			});
			const first = await call(genericTurn(), settings('cred-cache-a', 'old', 'old'));
			expect(first.status).toBe(200);
			expect(first.context.getCredentials).toHaveBeenCalledTimes(1);

			// The secret changed in n8n: the old one holds until the cached one expires.
			const cached = await call(genericTurn(), settings('cred-cache-a', 'new', 'old'));
			expect(cached.status).toBe(200);
			expect(cached.context.getCredentials).not.toHaveBeenCalled();
			const otherCredential = await call(genericTurn(), settings('cred-cache-b', 'b', 'b'));
			expect(otherCredential.status).toBe(200);
			expect(otherCredential.context.getCredentials).toHaveBeenCalledTimes(1);

			clock.mockReturnValue(start + SECRET_CACHE_MS);
			const stale = await call(genericTurn(), settings('cred-cache-a', 'new', 'old'));
			expect(stale.status).toBe(403);
			expect(stale.context.getCredentials).toHaveBeenCalledTimes(1);
			const fresh = await call(genericTurn(), settings('cred-cache-a', 'new', 'new'));
			expect(fresh.status).toBe(200);
			expect(fresh.context.getCredentials).not.toHaveBeenCalled();
		} finally {
			clock.mockRestore();
		}
	});

	it('does not remember a refused turn', async () => {
		await call(genericTurn({ userMessage: "That didn't help at all" }), tokenAuth({}));
		await call(genericTurn({ userMessage: "That didn't help at all" }), tokenAuth({}));
		const accepted = await call(
			genericTurn({ userMessage: 'Still not working' }),
			tokenAuth({ 'x-handover-token': 'token-123' }),
		);
		expect(accepted.answer.handover).toBe(false);
	});

	it('checks a HighLevel signature with the configured key and no credential', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			publicKeyEncoding: { type: 'spki', format: 'pem' },
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		});
		// HighLevel signs its timestamp inside the body; a signed body without one is refused.
		const body = {
			...highLevelInboundSms(),
			body: 'Can I talk to a human?',
			timestamp: new Date().toISOString(),
		};
		const signature = createSign('SHA256').update(JSON.stringify(body)).sign(privateKey, 'base64');
		const settings = (headers: Record<string, string>) => ({
			authentication: 'highlevelSignature',
			options: { highlevelPublicKey: publicKey },
			headers,
		});

		const accepted = await call(body, settings({ 'x-wh-signature': signature }));
		expect(accepted.status).toBe(200);
		expect(eventOf(accepted).platform).toBe('highlevel');
		expect(accepted.context.getCredentials).not.toHaveBeenCalled();

		const tampered = await call({ ...body, body: 'hi' }, settings({ 'x-wh-signature': signature }));
		expect(tampered.status).toBe(403);
		expectNoExecution(tampered);

		// The same delivery again is a replay: refused, and nothing runs.
		const replayed = await call(body, settings({ 'x-wh-signature': signature }));
		expect(replayed.status).toBe(403);
		expect(replayed.answer).toEqual({ error: expect.stringMatching(/already received/) });
		expectNoExecution(replayed);
	});
});

describe('receiveTurn: input contract (the same table as the dedicated port)', () => {
	it.each(REFUSED.map((refused) => [refused.what, refused] as const))(
		'refuses %s, and nothing runs or is remembered',
		async (_, { headers, body, status, error }) => {
			const result = await deliver(headers, body, undefined);
			expect(result.status).toBe(status);
			expect(result.answer).toEqual({ error: expect.stringMatching(error) });
			expectNoExecution(result);
		},
	);

	it.each(TAKEN.map((taken) => [taken.what, taken] as const))(
		'takes %s',
		async (_, { headers, body }) => {
			const result = await deliver(headers, body, undefined);
			expect(result.status).toBe(200);
			expect(result.answer).toMatchObject({ handover: true, reason: 'contact_request' });
		},
	);

	it('cuts a message over the cap instead of refusing it: the event has the cut text', async () => {
		const result = await deliver(LONG_MESSAGE.headers, LONG_MESSAGE.body, undefined);
		expect(result.status).toBe(200);
		const event = eventOf(result);
		expect(event.message).toHaveLength(MAX_MESSAGE_CHARS);
		expect(event.message?.startsWith('Can I talk to a human? agent agent')).toBe(true);
	});

	it('keys a generic turn as generic, away from the platform conversation of the same ids', async () => {
		await call(chatwootIncoming());
		const generic = await call(
			genericTurn({ conversationId: '13098', accountId: '3', staffReply: true }),
		);
		expect(generic.status).toBe(200);
		const store = await getStore({ kind: 'embedded', filePath: storeFile });
		const chatwoot = await store.getConversation(conversationKey('chatwoot', '3', '13098'));
		expect(chatwoot?.transcript).toHaveLength(1);
		expect(chatwoot?.pausedUntil).toBeUndefined();
		expect(
			(await store.getConversation(conversationKey('generic', '3', '13098')))?.pausedUntil,
		).toEqual(expect.any(String));
	});
});
