import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { conversationKey, conversationKeyForItem } from '../../nodes/conversation/conversationKey';
import {
	closeHandover,
	pauseConversation,
	recordAssignment,
	recordTurn,
} from '../../nodes/conversation/conversationState';
import { emptyMemory, isBotPaused } from '../../nodes/engine/detectHandover';
import { EmbeddedStore } from '../../nodes/store';

const NOW = new Date('2026-11-25T10:00:00.000Z');
const HOUR = 3_600_000;

let dir: string;
let store: EmbeddedStore;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-conversation-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('recordTurn', () => {
	const key = conversationKey('generic', undefined, 'c-1');
	const decide = (handover: boolean) => () => ({
		memory: { ...emptyMemory(NOW), failedAttempts: 1 },
		handover,
		result: handover ? 'handed over' : 'kept',
	});

	it('records the handover id and the pause on handover, and gives the memory as stored', async () => {
		const { result, memory } = await recordTurn(store, key, decide(true), {
			handoverId: 'h-1',
			pauseMs: HOUR,
			now: NOW,
		});

		expect(result).toBe('handed over');
		expect(memory).toMatchObject({ lastHandoverId: 'h-1', failedAttempts: 1 });
		expect(memory.pausedUntil).toBe(new Date(NOW.getTime() + HOUR).toISOString());
		expect(await store.getConversation(key)).toEqual(memory);
	});

	it('records neither when the turn does not hand over, nor a pause when none is asked', async () => {
		const kept = await recordTurn(store, key, decide(false), {
			handoverId: 'h-1',
			pauseMs: HOUR,
			now: NOW,
		});
		const unpaused = await recordTurn(store, key, decide(true), {
			handoverId: 'h-2',
			pauseMs: 0,
			now: NOW,
		});

		expect(kept.memory.lastHandoverId).toBeUndefined();
		expect(kept.memory.pausedUntil).toBeUndefined();
		expect(unpaused.memory.lastHandoverId).toBe('h-2');
		expect(unpaused.memory.pausedUntil).toBeUndefined();
	});
});

describe('pauseConversation', () => {
	it('pauses a conversation the detector has not seen, and keeps what it knows of one it has', async () => {
		const key = conversationKeyForItem({}, 'chatwoot', '3', '42');
		const until = new Date(NOW.getTime() + 2 * HOUR);

		await pauseConversation(store, key, until, NOW);
		const first = await store.getConversation(key);
		await store.updateConversation(
			key,
			(memory) => ({ memory: { ...memory!, failedAttempts: 2 }, result: null }),
			HOUR,
		);
		await pauseConversation(store, key, new Date(until.getTime() + HOUR), NOW);

		expect(isBotPaused(first, new Date(until.getTime() - 1))).toBe(true);
		expect(isBotPaused(first, until)).toBe(false);
		expect(await store.getConversation(key)).toMatchObject({
			failedAttempts: 2,
			pausedUntil: new Date(until.getTime() + HOUR).toISOString(),
		});
	});
});

describe('closeHandover', () => {
	const key = conversationKey('chatwoot', '3', '42');

	it("ends the pause and the handover and frees the assignee's load once, however often it runs", async () => {
		await recordTurn(
			store,
			key,
			() => ({
				memory: { ...emptyMemory(NOW), handedOverAt: NOW.toISOString(), failedAttempts: 0 },
				handover: true,
				result: null,
			}),
			{ handoverId: 'h-1', pauseMs: HOUR, now: NOW },
		);
		await recordAssignment(store, key, 'chatwoot:3:7', NOW);
		await store.adjustLoad('chatwoot:3:7', 1);

		await expect(closeHandover(store, key, NOW)).resolves.toEqual({
			wasOpen: true,
			assignee: 'chatwoot:3:7',
		});
		await expect(closeHandover(store, key, NOW)).resolves.toEqual({ wasOpen: false });

		const memory = await store.getConversation(key);
		expect(isBotPaused(memory!, NOW)).toBe(false);
		expect(memory).not.toHaveProperty('handedOverAt');
		expect(memory).not.toHaveProperty('assignee');
		expect(await store.getLoads(['chatwoot:3:7'])).toEqual({ 'chatwoot:3:7': 0 });
	});
});
