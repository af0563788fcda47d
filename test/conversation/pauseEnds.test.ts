import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { conversationKey } from '../../nodes/conversation/conversationKey';
import { closeHandover, pauseConversation } from '../../nodes/conversation/conversationState';
import { partsOfKey } from '../../nodes/conversation/conversationKey';
import { takeEndedPauses } from '../../nodes/conversation/pauseEnds';
import { EmbeddedStore } from '../../nodes/store';

const MINUTE = 60_000;

let dir: string;
let store: EmbeddedStore;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-pause-ends-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
});
afterEach(async () => {
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('pauses that end on their own', () => {
	const start = new Date('2026-11-25T10:00:00.000Z');
	const highLevel = conversationKey('highlevel', 'loc 1', 'conv-1');
	const chatwoot = conversationKey('chatwoot', '3', '42');

	it('are handed out once each after their end, with what the actions need to find them', async () => {
		await pauseConversation(store, highLevel, new Date(start.getTime() + MINUTE), start, {
			contactId: 'contact-1',
		});
		await pauseConversation(store, chatwoot, new Date(start.getTime() + 2 * MINUTE), start);

		await expect(takeEndedPauses(store, start)).resolves.toEqual([]);
		const later = new Date(start.getTime() + 3 * MINUTE);
		await expect(takeEndedPauses(store, later)).resolves.toEqual([
			{
				platform: 'highlevel',
				conversationId: 'conv-1',
				locationId: 'loc 1',
				contactId: 'contact-1',
				pausedUntil: '2026-11-25T10:01:00.000Z',
			},
			{
				platform: 'chatwoot',
				conversationId: '42',
				accountId: '3',
				pausedUntil: '2026-11-25T10:02:00.000Z',
			},
		]);
		await expect(takeEndedPauses(store, later)).resolves.toEqual([]);
	});

	it('skip a pause that was ended by hand or made longer', async () => {
		await pauseConversation(store, chatwoot, new Date(start.getTime() + MINUTE), start);
		await closeHandover(store, chatwoot, start);
		await pauseConversation(store, highLevel, new Date(start.getTime() + MINUTE), start);
		await pauseConversation(store, highLevel, new Date(start.getTime() + 10 * MINUTE), start);

		await expect(takeEndedPauses(store, new Date(start.getTime() + 5 * MINUTE))).resolves.toEqual(
			[],
		);
		await expect(
			takeEndedPauses(store, new Date(start.getTime() + 11 * MINUTE)),
		).resolves.toMatchObject([
			{ conversationId: 'conv-1', pausedUntil: '2026-11-25T10:10:00.000Z' },
		]);
	});

	it('reads the parts of a store key, the scope decoded', () => {
		expect(partsOfKey(conversationKey('generic', undefined, 'c:1'))).toEqual({
			platform: 'generic',
			conversationId: 'c:1',
		});
		expect(partsOfKey(highLevel)).toEqual({
			platform: 'highlevel',
			scope: 'loc 1',
			conversationId: 'conv-1',
		});
		expect(partsOfKey('nonsense')).toBeUndefined();
	});
});
