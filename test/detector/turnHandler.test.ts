/**
 * The whole webhook turn (handleTurn: contract, authentication, parsing, detection, store) on
 * bodies of a million characters of the text shapes that made code paths super-linear: each
 * completes, and what reaches the engine and the store is the capped text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { conversationKeyOfTurn } from '../../nodes/conversation/conversationKey';
import { MAX_BODY_BYTES } from '../../nodes/detector/inputContract';
import { handleTurn, type TurnSettings } from '../../nodes/detector/turnHandler';
import type { Turn } from '../../nodes/engine/types';
import { MAX_MESSAGE_CHARS } from '../../nodes/platforms/payload';
import { EmbeddedStore } from '../../nodes/store/EmbeddedStore';
import { chatwootIncoming, highLevelInboundEmail } from '../platforms/fixtures/payloads';

const SETTINGS: TurnSettings = {
	auth: { authentication: 'none' },
	format: 'auto',
	inbound: { chatwoot: { ignoreOpenConversations: true } },
	detector: {},
	pauseOnHandoverMs: 0,
};

let dir: string;
let store: EmbeddedStore;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-turn-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
});

afterAll(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

/** About a million characters of `unit`, as many as a 1 MiB body holds beside the envelope. */
const million = (unit: string) => unit.repeat(Math.floor(1_000_000 / unit.length));

const SHAPES: Array<[string, string]> = [
	['one character', million('a')],
	['repeated person words', million('agent human person ')],
	['owned person words', million('my agent ')],
	['nested HTML', `${'<div>'.repeat(90_000)}talk to a human${'</div>'.repeat(90_000)}`],
	['unclosed tags', million('<p')],
	['unclosed styles', million('<style>')],
	['blank lines before a capital', `${million('  ')}Marta?`],
];

const FORMATS: Array<[string, (text: string, id: string) => object, Omit<Turn, 'userMessage'>]> = [
	[
		'HighLevel e-mail',
		(text, id) => ({ ...highLevelInboundEmail(), conversationId: id, body: text }),
		{ platform: 'highlevel', locationId: highLevelInboundEmail().locationId, conversationId: '' },
	],
	[
		'Chatwoot',
		(text, id) => {
			const message = chatwootIncoming();
			return { ...message, content: text, conversation: { ...message.conversation, id } };
		},
		{ platform: 'chatwoot', accountId: '3', conversationId: '' },
	],
	[
		'generic',
		(text, id) => ({ conversationId: id, userMessage: text }),
		{ platform: 'generic', conversationId: '' },
	],
];

/** HTML e-mails whose words all lie past MAX_HTML_CHARS. */
const BEYOND_THE_HTML_CUT = new Set([
	'HighLevel e-mail, nested HTML',
	'HighLevel e-mail, blank lines before a capital',
]);

const CASES = FORMATS.flatMap(([format, body, key]) =>
	SHAPES.map(([shape, text], n) => [format, shape, body, key, text, `${format}-${n}`] as const),
);

describe('handleTurn on a million characters', () => {
	it.each(CASES)('%s, %s: answered, with the capped text detected and stored', async (...args) => {
		const [format, shape, body, key, text, id] = args;
		const rawBody = Buffer.from(JSON.stringify(body(text, id)));
		expect(rawBody.length).toBeGreaterThan(900_000);
		expect(rawBody.length).toBeLessThanOrEqual(MAX_BODY_BYTES);

		const outcome = await handleTurn(SETTINGS, store, {
			headers: { 'content-type': 'application/json' },
			rawBody,
		});
		expect(outcome.status).toBe(200);
		const memory = await store.getConversation(
			conversationKeyOfTurn({ ...key, conversationId: id }),
		);
		if (BEYOND_THE_HTML_CUT.has(`${format}, ${shape}`)) {
			// The words come after the first MAX_HTML_CHARS of markup: no text is left to detect.
			expect(outcome.answer).toMatchObject({ ignored: expect.stringMatching(/no text/) });
			expect(memory).toBeUndefined();
			return;
		}
		expect(outcome.answer).not.toHaveProperty('ignored');
		if (outcome.event !== undefined) {
			expect(outcome.event.message?.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
		}
		// What the engine read of the message, normalised, is what it remembers.
		expect(memory?.lastUserMessages).toHaveLength(1);
		expect(memory?.lastUserMessages[0].length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 2);
		expect(memory?.transcript[0].text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
	});
});

describe('a state store that does not answer in time', () => {
	it('is answered 503 with Retry-After, and nothing names the file or host', async () => {
		const { StoreUnavailable } = await import('../../nodes/store/StoreUnavailable');
		const slow = new Proxy(store, {
			get(target, name) {
				if (name === 'updateConversation') {
					return async () => {
						throw new StoreUnavailable('The state store file /tmp/x.sqlite is locked');
					};
				}
				return Reflect.get(target, name, target) as unknown;
			},
		});
		const outcome = await handleTurn(SETTINGS, slow, {
			headers: { 'content-type': 'application/json' },
			rawBody: Buffer.from(JSON.stringify({ conversationId: 'c-503', userMessage: 'hi' })),
		});
		expect(outcome).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
		expect(JSON.stringify(outcome.answer)).not.toContain('/tmp');
		expect(outcome.logMessage).toContain('locked');
		expect(outcome.event).toBeUndefined();
	});
});
