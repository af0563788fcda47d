/**
 * The end of a handover through the webhook door: Chatwoot's status events and the generic
 * "resolved" turn close it — the pause and cool-down end, the assignee's open count drops — and are
 * answered at once without an execution.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { conversationKey } from '../../nodes/conversation/conversationKey';
import { recordAssignment } from '../../nodes/conversation/conversationState';
import { handleTurn, type TurnSettings } from '../../nodes/detector/turnHandler';
import { EmbeddedStore } from '../../nodes/store/EmbeddedStore';
import { chatwootIncoming, chatwootStatusChanged } from '../platforms/fixtures/payloads';

const SETTINGS: TurnSettings = {
	auth: { authentication: 'none' },
	format: 'auto',
	inbound: { chatwoot: { ignoreOpenConversations: true } },
	detector: {},
	pauseOnHandoverMs: 60 * 60_000,
};
const NOW = new Date();

let dir: string;
let store: EmbeddedStore;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-resolution-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const post = async (body: object, at = NOW) =>
	await handleTurn(
		SETTINGS,
		store,
		{
			headers: { 'content-type': 'application/json' },
			rawBody: Buffer.from(JSON.stringify(body)),
		},
		at,
	);

describe('resolution', () => {
	it('a Chatwoot "resolved" closes the handover: bot back, load freed, a new request hands over again', async () => {
		const incoming = chatwootIncoming();
		const key = conversationKey('chatwoot', '3', String(incoming.conversation.id));
		const first = await post(incoming);
		expect(first.event).toBeDefined();
		// What Handover Assign records for the conversation.
		await recordAssignment(store, key, 'chatwoot:3:7', NOW);
		await store.adjustLoad('chatwoot:3:7', 1);

		const resolved = await post({
			...chatwootStatusChanged(),
			status: 'resolved',
			account: { id: 3 },
		});
		expect(resolved).toEqual({
			status: 200,
			answer: {
				handover: false,
				reason: null,
				handoverId: null,
				botPaused: false,
				pausedUntil: null,
				closed: true,
			},
		});
		expect(await store.getLoads(['chatwoot:3:7'])).toEqual({ 'chatwoot:3:7': 0 });

		// Within what would have been the cool-down, and while the pause would still hold.
		const again = await post({ ...incoming, id: 77290 }, new Date(NOW.getTime() + 60_000));
		expect(again.answer).toMatchObject({ handover: true });
		expect(again.event).toBeDefined();
	});

	it('a generic "resolved" turn closes a generic conversation', async () => {
		const turn = { conversationId: 'c-9', userMessage: 'can I talk to a person?' };
		expect((await post(turn)).event).toBeDefined();
		expect(
			(await post({ conversationId: 'c-9', userMessage: 'hello?', messageId: 'g-2' })).answer,
		).toMatchObject({ botPaused: true });
		expect((await post({ conversationId: 'c-9', event: 'resolved' })).answer).toMatchObject({
			closed: true,
			botPaused: false,
		});
		expect((await post({ conversationId: 'c-9', event: 'resolved' })).answer).toMatchObject({
			closed: false,
		});
		expect(
			(await post({ conversationId: 'c-9', userMessage: 'hello?', messageId: 'g-3' })).answer,
		).toMatchObject({ botPaused: false });
	});
});
