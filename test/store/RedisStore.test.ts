import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import { RedisStore, RedisUpdateConflictError } from '../../nodes/store/RedisStore';
import type { RedisStoreOptions } from '../../nodes/store/RedisStore';
import { StoreUnavailable } from '../../nodes/store/StoreUnavailable';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';
import { describeHandoverStoreContract, increment, memory } from './storeContract';

const HOUR = 3_600_000;

/** Blocks the event loop, so that what another connection already sent reaches Redis before we go on. */
function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let server: RedisServer;
/** A plain client to look at (and meddle with) Redis directly. */
let admin: Redis;

beforeAll(async () => {
	server = await startRedisServer();
	admin = new Redis(server.url);
}, 30_000);

afterAll(async () => {
	await admin?.quit();
	await server?.stop();
});

describeHandoverStoreContract('RedisStore', () => new RedisStore({ url: server.url }));

describe('RedisStore', () => {
	const stores: RedisStore[] = [];
	const open = (options: RedisStoreOptions = {}) => {
		const store = new RedisStore({ url: server.url, ...options });
		stores.push(store);
		return store;
	};
	let id: string;

	beforeEach(() => {
		id = randomUUID();
	});
	afterEach(async () => {
		for (const store of stores.splice(0)) await store.close();
	});

	it('keeps conversation memory as JSON under the default prefix, with a PX TTL', async () => {
		const store = open();
		expect(store.keyPrefix).toBe('handover:');
		await store.updateConversation(id, increment, HOUR);
		const raw = await admin.get(`handover:conv:${id}`);
		expect(JSON.parse(raw!)).toEqual(memory(1));
		const ttl = await admin.pttl(`handover:conv:${id}`);
		expect(ttl).toBeGreaterThan(HOUR - 10_000);
		expect(ttl).toBeLessThanOrEqual(HOUR);

		// Each update sets the TTL anew.
		await store.updateConversation(id, increment, 60_000);
		const shorter = await admin.pttl(`handover:conv:${id}`);
		expect(shorter).toBeGreaterThan(50_000);
		expect(shorter).toBeLessThanOrEqual(60_000);
	});

	it('gives claims a PX TTL, and the cursor and loads none', async () => {
		const store = open();
		await store.claimOnce(id, 90_000);
		const ttl = await admin.pttl(`handover:claim:${id}`);
		expect(ttl).toBeGreaterThan(80_000);
		expect(ttl).toBeLessThanOrEqual(90_000);

		await store.nextRoundRobin(id, ['a', 'b']);
		await store.adjustLoad(id, 2);
		await expect(admin.get(`handover:rr:${id}`)).resolves.toBe('1');
		await expect(admin.get(`handover:load:${id}`)).resolves.toBe('2');
		await expect(admin.pttl(`handover:rr:${id}`)).resolves.toBe(-1);
		await expect(admin.pttl(`handover:load:${id}`)).resolves.toBe(-1);

		await store.releaseClaim(id);
		await expect(admin.exists(`handover:claim:${id}`)).resolves.toBe(0);
	});

	it('keeps installations with different prefixes apart', async () => {
		const one = open({ keyPrefix: `one-${id}:` });
		const two = open({ keyPrefix: `two-${id}:` });
		await one.updateConversation('c', increment, HOUR);
		await one.updateConversation('c', increment, HOUR);
		await two.updateConversation('c', increment, HOUR);
		expect((await one.getConversation('c'))?.failedAttempts).toBe(2);
		expect((await two.getConversation('c'))?.failedAttempts).toBe(1);

		await expect(one.claimOnce('k', HOUR)).resolves.toBe(true);
		await expect(two.claimOnce('k', HOUR)).resolves.toBe(true);
		await one.adjustLoad('u', 3);
		await expect(two.getLoads(['u'])).resolves.toEqual({ u: 0 });
		await one.nextRoundRobin('pool', ['a', 'b']);
		await expect(two.nextRoundRobin('pool', ['a', 'b'])).resolves.toEqual(['a', 'b']);

		expect((await admin.keys(`one-${id}:*`)).sort()).toEqual(
			[`one-${id}:claim:k`, `one-${id}:conv:c`, `one-${id}:load:u`, `one-${id}:rr:pool`].sort(),
		);
		expect(await admin.keys(`two-${id}:*`)).toHaveLength(3);
	});

	it('retries when another process changes the conversation between read and write', async () => {
		const store = open();
		const key = store.conversationKey(id);
		await store.updateConversation(id, increment, HOUR);

		const seen: number[] = [];
		const result = await store.updateConversation(
			id,
			(current) => {
				seen.push(current!.failedAttempts);
				if (seen.length === 1) {
					// Another writer gets in after our WATCH and read, before our EXEC.
					void admin.set(key, JSON.stringify(memory(100)), 'PX', HOUR);
					sleepSync(50);
				}
				return increment(current);
			},
			HOUR,
		);
		// The first EXEC was aborted; the second attempt read the other writer's value and built on it.
		expect(seen).toEqual([1, 100]);
		expect(result).toBe(101);
		expect((await store.getConversation(id))?.failedAttempts).toBe(101);
		expect(store.stats.conflicts).toBe(1);
	});

	it('gives up with a clear error after maxUpdateAttempts conflicts, writing nothing', async () => {
		const store = open({ maxUpdateAttempts: 3 });
		const key = store.conversationKey(id);
		let calls = 0;
		const attempt = store.updateConversation(
			id,
			(current) => {
				calls++;
				void admin.set(key, JSON.stringify(memory(1000 + calls)), 'PX', HOUR);
				sleepSync(50);
				return increment(current);
			},
			HOUR,
		);
		await expect(attempt).rejects.toThrow(RedisUpdateConflictError);
		await expect(attempt).rejects.toThrow(/gave up updating .* after 3 attempts/);
		expect(calls).toBe(3);
		expect((await store.getConversation(id))?.failedAttempts).toBe(1003);
		// Still usable afterwards.
		await expect(store.updateConversation(id, increment, HOUR)).resolves.toBe(1004);
	});

	it('loses no update when several clients contend for one key (WATCH conflicts retried)', async () => {
		// Four stores = four processes: each has its own connections, so WATCH really sees the others.
		const contenders = Array.from({ length: 4 }, () => open());
		const results = await Promise.all(
			contenders.flatMap((store) =>
				Array.from({ length: 50 }, async () => await store.updateConversation(id, increment, HOUR)),
			),
		);
		expect([...results].sort((a, b) => a - b)).toEqual(
			Array.from({ length: 200 }, (_, i) => i + 1),
		);
		expect((await contenders[0].getConversation(id))?.failedAttempts).toBe(200);
		const conflicts = contenders.reduce((sum, store) => sum + store.stats.conflicts, 0);
		const updates = contenders.reduce((sum, store) => sum + store.stats.updates, 0);
		expect(updates).toBe(200);
		expect(conflicts).toBeGreaterThan(0);
	});

	it('runs updates of different conversations in parallel on its transaction connections', async () => {
		const store = open({ transactionConnections: 2 });
		const keys = Array.from({ length: 10 }, (_, i) => `${id}:${i}`);
		await Promise.all(
			keys.flatMap((key) =>
				Array.from({ length: 5 }, async () => await store.updateConversation(key, increment, HOUR)),
			),
		);
		for (const key of keys) expect((await store.getConversation(key))?.failedAttempts).toBe(5);
		// One process never conflicts with itself: updates of a key wait for each other.
		expect(store.stats.conflicts).toBe(0);
	});

	it('uses a client it is given and leaves it open, closing only the connections it added', async () => {
		const client = new Redis(server.url);
		try {
			await client.ping();
			const clientsBefore = await countClients();
			const store = new RedisStore({ redis: client, keyPrefix: `given-${id}:` });
			await store.updateConversation('c', increment, HOUR);
			await store.claimOnce('k', HOUR);
			expect(await countClients()).toBeGreaterThan(clientsBefore);
			await store.close();
			await expect(client.ping()).resolves.toBe('PONG');
			await expect(client.get(`given-${id}:conv:c`)).resolves.toContain('"failedAttempts":1');
			// Redis drops a connection just after answering its QUIT.
			await waitFor(async () => (await countClients()) === clientsBefore);
		} finally {
			await client.quit();
		}
	});

	it('connects with host and port options as well as a URL', async () => {
		const store = open({ url: undefined, host: '127.0.0.1', port: server.port, db: 1 });
		await store.updateConversation(id, increment, HOUR);
		const db1 = new Redis({ host: '127.0.0.1', port: server.port, db: 1 });
		try {
			await expect(db1.exists(`handover:conv:${id}`)).resolves.toBe(1);
			await expect(admin.exists(`handover:conv:${id}`)).resolves.toBe(0);
		} finally {
			await db1.quit();
		}
	});

	it('rejects a TTL that is not a positive number and a delta that is not an integer', async () => {
		const store = open();
		await expect(store.updateConversation(id, increment, 0)).rejects.toThrow(RangeError);
		await expect(store.claimOnce(id, Number.NaN)).rejects.toThrow(RangeError);
		await expect(store.claimOnce(id, Infinity)).rejects.toThrow(RangeError);
		await expect(store.adjustLoad(id, 0.5)).rejects.toThrow(RangeError);
		await expect(store.updateConversation(id, increment, HOUR)).resolves.toBe(1);
	});

	it('loads its Lua script again after the server forgot it', async () => {
		const store = open();
		await expect(store.adjustLoad(id, 1)).resolves.toBe(1);
		await admin.script('FLUSH');
		await expect(store.adjustLoad(id, 1)).resolves.toBe(2);
	});

	it('rejects operations after close, and can be closed twice', async () => {
		const store = open();
		await store.updateConversation(id, increment, HOUR);
		await store.close();
		await expect(store.updateConversation(id, increment, HOUR)).rejects.toThrow(/closed/i);
		await expect(store.close()).resolves.toBeUndefined();
	});
});

describe('RedisStore: a Redis that cannot answer', () => {
	// A server of their own: these tests pause and stop it.
	let own: RedisServer;
	const stores: RedisStore[] = [];
	const open = (options: RedisStoreOptions = {}) => {
		const store = new RedisStore({ url: own.url, ...options });
		stores.push(store);
		return store;
	};

	beforeEach(async () => {
		own = await startRedisServer();
	}, 30_000);
	afterEach(async () => {
		own.resume();
		for (const store of stores.splice(0)) await store.close();
		await own.stop();
	});

	/** How long `operation` took to fail, and with what. */
	async function failure(operation: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
		const started = Date.now();
		const error = await operation.then(
			() => new Error('expected a failure'),
			(error: unknown) => error,
		);
		return { error, ms: Date.now() - started };
	}

	it('fails with StoreUnavailable at the deadline when Redis hangs (SIGSTOP), and writes nothing late', async () => {
		const store = open({ timeoutMs: 500 });
		await store.updateConversation('c', increment, HOUR);
		own.pause();

		const update = failure(store.updateConversation('c', increment, HOUR));
		const claim = failure(store.claimOnce('k', HOUR));
		for (const { error, ms } of [await update, await claim]) {
			expect(error).toBeInstanceOf(StoreUnavailable);
			expect((error as Error).message).toMatch(
				/^The Redis state store at 127\.0\.0\.1:\d+ did not answer within 500 ms \((updating a conversation|claiming a key)\)/,
			);
			// Not before the deadline, and not long after it (the test machine may be busy).
			expect(ms).toBeGreaterThanOrEqual(450);
			expect(ms).toBeLessThan(2500);
		}

		own.resume();
		// Once Redis answers again the store goes on; the timed-out update never wrote.
		await expect(store.updateConversation('c', increment, HOUR)).resolves.toBe(2);
	});

	it('fails at once, for every turn, while Redis is down', async () => {
		const store = open({ timeoutMs: 2000 });
		await store.updateConversation('c', increment, HOUR);
		await own.stop();
		// The store learns of it from the closed connection and a refused reconnection: until that
		// attempt is made (later on a busy machine) a read may fail as "did not answer" instead.
		await waitFor(async () =>
			store.getConversation('c').then(
				() => false,
				(error: Error) => error.message.includes('is not reachable'),
			),
		);

		for (let i = 0; i < 5; i++) {
			const { error, ms } = await failure(store.updateConversation('c', increment, HOUR));
			expect(error).toBeInstanceOf(StoreUnavailable);
			expect((error as Error).message).toMatch(
				/^The Redis state store at 127\.0\.0\.1:\d+ is not reachable \(.*ECONNREFUSED.*\): start it/,
			);
			// Far below the 2 s deadline: nothing was waited for.
			expect(ms).toBeLessThan(500);
		}
		const { error, ms } = await failure(store.claimOnce('k', HOUR));
		expect(error).toBeInstanceOf(StoreUnavailable);
		expect(ms).toBeLessThan(500);
	});

	it('fails at once when a new store cannot connect', async () => {
		await own.stop();
		const store = open({ timeoutMs: 2000 });
		const { error, ms } = await failure(store.updateConversation('c', increment, HOUR));
		expect(error).toBeInstanceOf(StoreUnavailable);
		expect((error as Error).message).toContain('ECONNREFUSED');
		expect(ms).toBeLessThan(1500);
	});

	it('refuses an update at once when too many already wait for the connections', async () => {
		const store = open({ timeoutMs: 1000, transactionConnections: 1, maxWaitingUpdates: 2 });
		await store.updateConversation('warm', increment, HOUR);
		own.pause();
		// One runs (and hangs) on the only connection, two wait: the limit.
		const waiting = ['a', 'b', 'c'].map((key) =>
			failure(store.updateConversation(key, increment, HOUR)),
		);
		const refused = await failure(store.updateConversation('d', increment, HOUR));
		expect(refused.error).toBeInstanceOf(StoreUnavailable);
		expect((refused.error as Error).message).toContain(
			'is too slow: 3 updates are already running or waiting for it',
		);
		expect(refused.ms).toBeLessThan(200);
		// The waiting ones fail at their own deadline, with nothing written once Redis answers again.
		for (const { error } of await Promise.all(waiting))
			expect(error).toBeInstanceOf(StoreUnavailable);
		own.resume();
		await expect(store.updateConversation('a', increment, HOUR)).resolves.toBe(1);
		await expect(store.updateConversation('d', increment, HOUR)).resolves.toBe(1);
	});
});

describe('RedisStore: a stored value that cannot be read', () => {
	it('reads as no memory, warns once, and is replaced by the next update', async () => {
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		const store = new RedisStore({ url: server.url });
		try {
			const id = randomUUID();
			await admin.set(store.conversationKey(id), '{"failedAttempts": 3, "transcr', 'PX', HOUR);
			await expect(store.getConversation(id)).resolves.toBeUndefined();
			await expect(store.updateConversation(id, increment, HOUR)).resolves.toBe(1);
			expect(warn).toHaveBeenCalledTimes(1);
			expect(warn.mock.calls[0][0]).toContain(
				`RedisStore: the stored memory of conversation "${id}"`,
			);
			await expect(store.getConversation(id)).resolves.toEqual(memory(1));
		} finally {
			warn.mockRestore();
			await store.close();
		}
	});
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function countClients(): Promise<number> {
	const list = (await admin.client('LIST')) as string;
	return list.trim().split('\n').length;
}
