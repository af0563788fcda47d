import { randomUUID } from 'node:crypto';

import type { ConversationMemory } from '../../nodes/engine/types';
import type { HandoverStore } from '../../nodes/store';

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export function memory(
	failedAttempts: number,
	extra: Partial<ConversationMemory> = {},
): ConversationMemory {
	return {
		failedAttempts,
		lastUserMessages: [],
		transcript: [],
		updatedAt: new Date(0).toISOString(),
		...extra,
	};
}

/** Adds one failed attempt and hands back the new count. */
export function increment(current: ConversationMemory | undefined) {
	const next = memory((current?.failedAttempts ?? 0) + 1);
	return { memory: next, result: next.failedAttempts };
}

const HOUR = 3_600_000;
/** Short enough for a fast test, long enough that a busy CI machine does not expire it too early. */
const SHORT_TTL = 150;
const PAST_SHORT_TTL = 400;

/**
 * The behaviour every HandoverStore must have. `makeStore` returns a store for one test; the suite
 * closes it. Keys are unique per test, so a shared backend (a Redis database) needs no flushing.
 */
export function describeHandoverStoreContract(
	name: string,
	makeStore: () => HandoverStore | Promise<HandoverStore>,
): void {
	describe(`${name}: HandoverStore contract`, () => {
		let store: HandoverStore;
		let prefix: string;
		const key = (name: string) => `${prefix}:${name}`;

		beforeEach(async () => {
			store = await makeStore();
			prefix = `test:${randomUUID()}`;
		});

		afterEach(async () => {
			await store.close();
		});

		describe('conversations', () => {
			it('is undefined for an unknown conversation', async () => {
				await expect(store.getConversation(key('none'))).resolves.toBeUndefined();
			});

			it('round-trips memory and hands back the result of update', async () => {
				const stored = memory(1, {
					lastUserMessages: ['where is my order'],
					transcript: [
						{ role: 'user', text: 'Where is my order?', at: '2025-01-01T00:00:00.000Z' },
					],
					handedOverAt: '2025-01-01T00:00:01.000Z',
					pausedUntil: '2025-01-01T01:00:00.000Z',
					lastHandoverId: 'h-1',
				});
				const seen: Array<ConversationMemory | undefined> = [];
				const result = await store.updateConversation(
					key('c'),
					(current) => {
						seen.push(current);
						return { memory: stored, result: 'done' };
					},
					HOUR,
				);
				expect(result).toBe('done');
				expect(seen).toEqual([undefined]);
				await expect(store.getConversation(key('c'))).resolves.toEqual(stored);

				await store.updateConversation(
					key('c'),
					(current) => {
						seen.push(current);
						return { memory: memory(2), result: null };
					},
					HOUR,
				);
				expect(seen[1]).toEqual(stored);
				await expect(store.getConversation(key('c'))).resolves.toEqual(memory(2));
			});

			it('keeps conversations apart by key', async () => {
				await store.updateConversation(key('a'), increment, HOUR);
				await store.updateConversation(key('a'), increment, HOUR);
				await store.updateConversation(key('b'), increment, HOUR);
				expect((await store.getConversation(key('a')))?.failedAttempts).toBe(2);
				expect((await store.getConversation(key('b')))?.failedAttempts).toBe(1);
			});

			it('counts every update when many run at once', async () => {
				const results = await Promise.all(
					Array.from(
						{ length: 50 },
						async () => await store.updateConversation(key('c'), increment, HOUR),
					),
				);
				expect([...results].sort((a, b) => a - b)).toEqual(
					Array.from({ length: 50 }, (_, i) => i + 1),
				);
				expect((await store.getConversation(key('c')))?.failedAttempts).toBe(50);
			});

			it('forgets memory after its TTL, and update then starts from nothing', async () => {
				await store.updateConversation(key('c'), increment, SHORT_TTL);
				expect((await store.getConversation(key('c')))?.failedAttempts).toBe(1);
				await sleep(PAST_SHORT_TTL);
				await expect(store.getConversation(key('c'))).resolves.toBeUndefined();
				await expect(store.updateConversation(key('c'), increment, HOUR)).resolves.toBe(1);
			});

			it('renews the TTL on every update', async () => {
				await store.updateConversation(key('c'), increment, SHORT_TTL);
				await store.updateConversation(key('c'), increment, HOUR);
				await sleep(PAST_SHORT_TTL);
				expect((await store.getConversation(key('c')))?.failedAttempts).toBe(2);
			});

			it('leaves memory unchanged when update throws, and stays usable', async () => {
				await store.updateConversation(key('c'), increment, HOUR);
				await expect(
					store.updateConversation(
						key('c'),
						() => {
							throw new Error('boom');
						},
						HOUR,
					),
				).rejects.toThrow('boom');
				expect((await store.getConversation(key('c')))?.failedAttempts).toBe(1);
				// A transaction left open would make this fail (or block other processes).
				await expect(store.updateConversation(key('c'), increment, HOUR)).resolves.toBe(2);
			});
		});

		describe('round robin', () => {
			it('starts after the candidate chosen last time', async () => {
				const order: string[][] = [];
				for (let i = 0; i < 7; i++)
					order.push(await store.nextRoundRobin(key('pool'), ['a', 'b', 'c']));
				expect(order).toEqual([
					['a', 'b', 'c'],
					['b', 'c', 'a'],
					['c', 'a', 'b'],
					['a', 'b', 'c'],
					['b', 'c', 'a'],
					['c', 'a', 'b'],
					['a', 'b', 'c'],
				]);
			});

			it('gives [] for no candidates without moving the cursor', async () => {
				await expect(store.nextRoundRobin(key('pool'), [])).resolves.toEqual([]);
				await expect(store.nextRoundRobin(key('pool'), ['a', 'b'])).resolves.toEqual(['a', 'b']);
				await expect(store.nextRoundRobin(key('pool'), [])).resolves.toEqual([]);
				await expect(store.nextRoundRobin(key('pool'), ['a', 'b'])).resolves.toEqual(['b', 'a']);
			});

			it('keeps one cursor per pool', async () => {
				await store.nextRoundRobin(key('one'), ['a', 'b']);
				await expect(store.nextRoundRobin(key('two'), ['a', 'b'])).resolves.toEqual(['a', 'b']);
				await expect(store.nextRoundRobin(key('one'), ['a', 'b'])).resolves.toEqual(['b', 'a']);
			});

			it('hands out each position once when called concurrently', async () => {
				const candidates = Array.from({ length: 40 }, (_, i) => `u${i}`);
				const firsts = await Promise.all(
					Array.from(
						{ length: 40 },
						async () => (await store.nextRoundRobin(key('pool'), candidates))[0],
					),
				);
				expect(new Set(firsts).size).toBe(40);
			});
		});

		describe('loads', () => {
			it('adds and subtracts, never below 0', async () => {
				expect(await store.adjustLoad(key('u1'), 1)).toBe(1);
				expect(await store.adjustLoad(key('u1'), 2)).toBe(3);
				expect(await store.adjustLoad(key('u1'), -5)).toBe(0);
				expect(await store.adjustLoad(key('u1'), -1)).toBe(0);
				expect(await store.adjustLoad(key('u1'), 1)).toBe(1);
				expect(await store.adjustLoad(key('u2'), -3)).toBe(0);
				expect(await store.adjustLoad(key('u2'), 1)).toBe(1);
			});

			it('reports 0 for unknown assignees', async () => {
				await store.adjustLoad(key('u1'), 2);
				await expect(store.getLoads([key('u1'), key('u2')])).resolves.toEqual({
					[key('u1')]: 2,
					[key('u2')]: 0,
				});
				await expect(store.getLoads([])).resolves.toEqual({});
			});
		});

		describe('claims', () => {
			it('claims a key once', async () => {
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(true);
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(false);
				await expect(store.claimOnce(key('other'), HOUR)).resolves.toBe(true);
			});

			it('claims a key once among concurrent callers', async () => {
				const wins = await Promise.all(
					Array.from({ length: 20 }, async () => await store.claimOnce(key('k'), HOUR)),
				);
				expect(wins.filter(Boolean)).toHaveLength(1);
			});

			it('can claim a released key again', async () => {
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(true);
				await store.releaseClaim(key('k'));
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(true);
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(false);
				await expect(store.releaseClaim(key('never-claimed'))).resolves.toBeUndefined();
			});

			it('keeps the outcome a claim was settled with, and holds the claim as long', async () => {
				await expect(store.claimOnce(key('k'), SHORT_TTL)).resolves.toBe(true);
				await expect(store.claimOutcome(key('k'))).resolves.toBeUndefined();
				await store.settleClaim(key('k'), '{"userId":"u-1"}', HOUR);
				await sleep(PAST_SHORT_TTL);
				await expect(store.claimOutcome(key('k'))).resolves.toBe('{"userId":"u-1"}');
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(false);
				await expect(store.claimOutcome(key('never-claimed'))).resolves.toBeUndefined();
			});

			it('forgets a settled outcome after its TTL', async () => {
				await store.claimOnce(key('k'), SHORT_TTL);
				await store.settleClaim(key('k'), 'done', SHORT_TTL);
				await sleep(PAST_SHORT_TTL);
				await expect(store.claimOutcome(key('k'))).resolves.toBeUndefined();
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(true);
			});

			it('can claim an expired key again', async () => {
				await expect(store.claimOnce(key('k'), SHORT_TTL)).resolves.toBe(true);
				await expect(store.claimOnce(key('k'), SHORT_TTL)).resolves.toBe(false);
				await sleep(PAST_SHORT_TTL);
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(true);
				await expect(store.claimOnce(key('k'), HOUR)).resolves.toBe(false);
			});
		});

		describe('pause ends', () => {
			it('hands out due ends once, earliest first, keeping one end per conversation', async () => {
				const now = Date.now();
				await store.schedulePauseEnd(key('a'), now - 2000, '{"contactId":"c-a"}');
				await store.schedulePauseEnd(key('b'), now - 1000, '{}');
				await store.schedulePauseEnd(key('later'), now + HOUR, '{}');
				// A new pause of a conversation replaces its noted end.
				await store.schedulePauseEnd(key('b'), now - 500, '{"contactId":"c-b"}');
				const taken = await store.takeDuePauseEnds(now, 10);
				expect(taken).toEqual([
					{ key: key('a'), at: now - 2000, detail: '{"contactId":"c-a"}' },
					{ key: key('b'), at: now - 500, detail: '{"contactId":"c-b"}' },
				]);
				await expect(store.takeDuePauseEnds(now, 10)).resolves.toEqual([]);
				await expect(store.takeDuePauseEnds(now + 2 * HOUR, 10)).resolves.toEqual([
					{ key: key('later'), at: now + HOUR, detail: '{}' },
				]);
			});

			it('gives each due end to one taker among concurrent ones', async () => {
				const now = Date.now();
				for (let i = 0; i < 30; i++) await store.schedulePauseEnd(key(`p${i}`), now - i, '{}');
				const takes = await Promise.all(
					Array.from({ length: 6 }, async () => await store.takeDuePauseEnds(now, 7)),
				);
				const keys = takes.flat().map((end) => end.key);
				expect(new Set(keys).size).toBe(keys.length);
				const rest = await store.takeDuePauseEnds(now, 100);
				expect(keys.length + rest.length).toBe(30);
			});
		});

		describe('prune', () => {
			it('removes expired entries and keeps live ones', async () => {
				await store.updateConversation(key('old'), increment, SHORT_TTL);
				await store.updateConversation(key('live'), increment, HOUR);
				await store.claimOnce(key('old-claim'), SHORT_TTL);
				await store.claimOnce(key('live-claim'), HOUR);
				await sleep(PAST_SHORT_TTL);
				await store.prune();
				await expect(store.getConversation(key('old'))).resolves.toBeUndefined();
				expect((await store.getConversation(key('live')))?.failedAttempts).toBe(1);
				await expect(store.claimOnce(key('old-claim'), HOUR)).resolves.toBe(true);
				await expect(store.claimOnce(key('live-claim'), HOUR)).resolves.toBe(false);
			});
		});
	});
}
