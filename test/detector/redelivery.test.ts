/**
 * Platforms retry webhooks: a turn delivered again — by message id, or the same texts within a few
 * seconds — gets the first answer and changes nothing, in both stores. A scripted conversation is
 * played once with every turn delivered twice, and once with every turn delivered three times at
 * the same moment: the same answers, the same counts and one handover as delivered once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { handleTurn, type TurnOutcome, type TurnSettings } from '../../nodes/detector/turnHandler';
import { EmbeddedStore } from '../../nodes/store/EmbeddedStore';
import type { HandoverStore } from '../../nodes/store/HandoverStore';
import { RedisStore } from '../../nodes/store/RedisStore';
import { startRedisServer, type RedisServer } from '../store/redisServer';

const SETTINGS: TurnSettings = {
	auth: { authentication: 'none' },
	format: 'auto',
	inbound: {},
	detector: {},
	pauseOnHandoverMs: 0,
};

/** Unhelpful answers the contact complains about: a handover along the way. */
const SCRIPT = [
	{
		userMessage: 'how much is the yearly plan?',
		botReply: 'Our plans are listed on the pricing page.',
	},
	{
		userMessage: 'that is not what I asked',
		botReply: 'You can upgrade from your account settings.',
	},
	{ userMessage: 'you still have not answered me', botReply: 'Happy to help!' },
	{ userMessage: 'ok thanks', botReply: 'Anything else?' },
];

const body = (conversationId: string, turn: (typeof SCRIPT)[number], index: number) => ({
	conversationId,
	messageId: `${conversationId}-m${index}`,
	...turn,
});

const deliver = async (store: HandoverStore, payload: object): Promise<TurnOutcome> =>
	await handleTurn(SETTINGS, store, {
		headers: { 'content-type': 'application/json' },
		rawBody: Buffer.from(JSON.stringify(payload)),
	});

/** What a conversation came to: the answers, and which turns started an execution. */
async function play(
	store: HandoverStore,
	conversationId: string,
	copies: number,
	together: boolean,
): Promise<{ answers: unknown[]; executions: number }> {
	const answers: unknown[] = [];
	let executions = 0;
	for (const [index, turn] of SCRIPT.entries()) {
		const payload = body(conversationId, turn, index);
		const outcomes = together
			? await Promise.all(Array.from({ length: copies }, async () => await deliver(store, payload)))
			: await (async () => {
					const sequential: TurnOutcome[] = [];
					for (let copy = 0; copy < copies; copy++) sequential.push(await deliver(store, payload));
					return sequential;
				})();
		const { handoverId: _first, ...first } = outcomes[0].answer as Record<string, unknown>;
		for (const outcome of outcomes) expect(outcome.answer).toEqual(outcomes[0].answer);
		answers.push(first);
		executions += outcomes.filter((outcome) => outcome.event !== undefined).length;
	}
	return { answers, executions };
}

const stores: Array<[string, () => Promise<{ store: HandoverStore; stop: () => Promise<void> }>]> =
	[
		[
			'embedded',
			async () => {
				const dir = mkdtempSync(join(tmpdir(), 'handover-redelivery-'));
				const store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
				return {
					store,
					stop: async () => {
						await store.close();
						rmSync(dir, { recursive: true, force: true });
					},
				};
			},
		],
		[
			'redis',
			async () => {
				const server: RedisServer = await startRedisServer();
				const store = new RedisStore({ url: server.url });
				return {
					store,
					stop: async () => {
						await store.close();
						await server.stop();
					},
				};
			},
		],
	];

describe.each(stores)('a redelivered turn (%s store)', (_name, open) => {
	let opened: { store: HandoverStore; stop: () => Promise<void> };
	beforeAll(async () => (opened = await open()));
	afterAll(async () => await opened.stop());

	it('is answered as the first delivery, counted once, and hands over once', async () => {
		const once = await play(opened.store, 'once', 1, false);
		expect(once.executions).toBe(1);
		expect(
			once.answers.filter((answer) => (answer as { handover: boolean }).handover),
		).toHaveLength(1);

		const twice = await play(opened.store, 'twice', 2, false);
		expect(twice).toEqual(once);
		const together = await play(opened.store, 'together', 3, true);
		expect(together).toEqual(once);
	});

	it('without a message id, takes the same texts within a few seconds for one turn', async () => {
		const turn = { conversationId: 'no-id', userMessage: 'that is not what I asked' };
		const first = await deliver(opened.store, turn);
		const again = await deliver(opened.store, turn);
		expect(again.answer).toEqual(first.answer);
		const memory = await opened.store.getConversation('generic:-:no-id');
		expect(memory?.transcript).toHaveLength(1);
	});
});
