import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { EmbeddedStore, StoreUnavailable, defaultStorePath } from '../../nodes/store';
import type { EmbeddedStoreOptions } from '../../nodes/store';
import { describeHandoverStoreContract, increment, memory, sleep } from './storeContract';

const HOUR = 3_600_000;

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-store-'));
});
afterEach(() => {
	rmSync(dir, { recursive: true, force: true });
});

describeHandoverStoreContract(
	'EmbeddedStore',
	() => new EmbeddedStore({ filePath: join(dir, 'store.sqlite') }),
);

/** Reads the file with a second connection, as another process would. */
function countRows(filePath: string, table: 'conversations' | 'claims'): number {
	const db = new DatabaseSync(filePath);
	try {
		return Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);
	} finally {
		db.close();
	}
}

/** Adds `count` conversations that expired an hour ago, in one transaction of a second connection. */
function insertExpired(filePath: string, count: number): void {
	const db = new DatabaseSync(filePath);
	try {
		db.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO conversations (key, value, expires_at) SELECT 'expired:' || i, '{}', ? FROM n`,
		).run(count, Date.now() - HOUR);
	} finally {
		db.close();
	}
}

/** Writes a conversation row as it is, as another tool (or a crash mid-write) might have left it. */
function writeRaw(filePath: string, key: string, value: string): void {
	const db = new DatabaseSync(filePath);
	try {
		db.prepare('INSERT INTO conversations (key, value, expires_at) VALUES (?, ?, ?)').run(
			key,
			value,
			Date.now() + HOUR,
		);
	} finally {
		db.close();
	}
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
		await sleep(10);
	}
}

describe('EmbeddedStore', () => {
	let filePath: string;
	const stores: EmbeddedStore[] = [];
	const open = (options: Omit<EmbeddedStoreOptions, 'filePath'> = {}) => {
		const store = new EmbeddedStore({ filePath, ...options });
		stores.push(store);
		return store;
	};

	beforeEach(() => {
		filePath = join(dir, 'nested', 'folder', 'store.sqlite');
	});
	afterEach(async () => {
		for (const store of stores.splice(0)) await store.close();
	});

	it('creates its folder and uses WAL mode', async () => {
		open();
		expect(existsSync(filePath)).toBe(true);
		const db = new DatabaseSync(filePath);
		expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
		db.close();
	});

	it('keeps state across a restart', async () => {
		const first = open();
		await first.updateConversation('c', increment, HOUR);
		await first.nextRoundRobin('pool', ['a', 'b']);
		await first.adjustLoad('u', 2);
		await first.claimOnce('k', HOUR);
		await first.close();

		const second = open();
		expect((await second.getConversation('c'))?.failedAttempts).toBe(1);
		await expect(second.nextRoundRobin('pool', ['a', 'b'])).resolves.toEqual(['b', 'a']);
		await expect(second.getLoads(['u'])).resolves.toEqual({ u: 2 });
		await expect(second.claimOnce('k', HOUR)).resolves.toBe(false);
	});

	it('shares state between two connections to one file', async () => {
		const a = open();
		const b = open();
		await a.updateConversation('c', increment, HOUR);
		await expect(b.updateConversation('c', increment, HOUR)).resolves.toBe(2);
		await expect(a.claimOnce('k', HOUR)).resolves.toBe(true);
		await expect(b.claimOnce('k', HOUR)).resolves.toBe(false);
	});

	it('deletes expired rows from the file on prune', async () => {
		const store = open();
		await store.updateConversation('old', increment, 50);
		await store.updateConversation('live', increment, HOUR);
		await store.claimOnce('old', 50);
		await store.claimOnce('live', HOUR);
		expect(countRows(filePath, 'conversations')).toBe(2);
		expect(countRows(filePath, 'claims')).toBe(2);
		await sleep(200);
		await store.prune();
		expect(countRows(filePath, 'conversations')).toBe(1);
		expect(countRows(filePath, 'claims')).toBe(1);
	});

	it('prunes by itself on a timer, never inside an operation', async () => {
		const idle = open({ pruneIntervalMs: HOUR });
		await idle.updateConversation('a', increment, 50);
		await idle.claimOnce('a', 50);
		await sleep(200);
		// Writes (and reads) leave expired rows to the timer.
		await idle.updateConversation('b', increment, HOUR);
		await idle.claimOnce('b', HOUR);
		await idle.getConversation('a');
		expect(countRows(filePath, 'conversations')).toBe(2);
		expect(countRows(filePath, 'claims')).toBe(2);

		// The timer of another store on the file prunes with no operation at all.
		open({ pruneIntervalMs: 20 });
		await waitFor(() => countRows(filePath, 'conversations') === 1);
		await waitFor(() => countRows(filePath, 'claims') === 1);
	});

	it('prunes in batches, letting operations run between them', async () => {
		const store = open({ pruneBatchSize: 100 });
		await store.updateConversation('live', increment, HOUR);
		insertExpired(filePath, 1000);
		expect(countRows(filePath, 'conversations')).toBe(1001);

		const pruning = store.prune();
		// An update started once the prune began is done before the prune is.
		await expect(store.updateConversation('live', increment, HOUR)).resolves.toBe(2);
		const midway = countRows(filePath, 'conversations') - 1;
		expect(midway).toBeGreaterThan(0);
		expect(midway).toBeLessThan(1000);

		await pruning;
		expect(countRows(filePath, 'conversations')).toBe(1);
		expect((await store.getConversation('live'))?.failedAttempts).toBe(2);
	});

	describe('while another process holds the write lock', () => {
		let holder: DatabaseSync;
		/** Another connection to the file takes the write lock, as another process would. */
		const holdLock = () => {
			holder = new DatabaseSync(filePath);
			holder.exec('BEGIN IMMEDIATE');
		};
		afterEach(() => {
			if (holder?.isOpen) {
				if (holder.isTransaction) holder.exec('ROLLBACK');
				holder.close();
			}
		});

		it('fails with StoreUnavailable after lockTimeoutMs, the event loop turning all along', async () => {
			const store = open({ lockTimeoutMs: 300 });
			await store.updateConversation('c', increment, HOUR);
			holdLock();
			let ticks = 0;
			const ticker = setInterval(() => ticks++, 5);
			try {
				const update = store.updateConversation('c', increment, HOUR);
				await expect(update).rejects.toThrow(StoreUnavailable);
				await expect(update).rejects.toThrow(
					`The state store file ${filePath} stayed locked by another process for 300 ms`,
				);
				await expect(store.claimOnce('k', HOUR)).rejects.toThrow(StoreUnavailable);
			} finally {
				clearInterval(ticker);
			}
			// A store that waited synchronously would have let no timer fire in the meantime.
			expect(ticks).toBeGreaterThanOrEqual(10);
			// Reads do not need the lock (WAL).
			expect((await store.getConversation('c'))?.failedAttempts).toBe(1);

			holder.exec('COMMIT');
			// Nothing was written by the failed update, and the store goes on once the lock is free.
			await expect(store.updateConversation('c', increment, HOUR)).resolves.toBe(2);
		});

		it('goes on as soon as the lock is released within lockTimeoutMs', async () => {
			const store = open({ lockTimeoutMs: 5000 });
			await store.updateConversation('c', increment, HOUR);
			holdLock();
			// Only runs if the store lets the event loop turn while it waits.
			setTimeout(() => holder.exec('COMMIT'), 100);
			await expect(store.updateConversation('c', increment, HOUR)).resolves.toBe(2);
		});

		it('opens a new file that another process is setting up', async () => {
			// The other process made the file and holds its lock before any table of ours exists.
			const fresh = join(dir, 'fresh.sqlite');
			holder = new DatabaseSync(fresh);
			holder.exec('PRAGMA journal_mode = WAL');
			holder.exec('BEGIN IMMEDIATE');
			holder.exec('CREATE TABLE other (x)');
			const store = new EmbeddedStore({ filePath: fresh, lockTimeoutMs: 5000 });
			stores.push(store);
			setTimeout(() => holder.exec('COMMIT'), 100);
			await expect(store.updateConversation('c', increment, HOUR)).resolves.toBe(1);
		});
	});

	describe('a stored row that cannot be read', () => {
		let warn: jest.SpyInstance;
		beforeEach(() => {
			warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		});
		afterEach(() => warn.mockRestore());

		it('reads as no memory, warns once, and is replaced by the next update', async () => {
			const store = open();
			await store.updateConversation('good', increment, HOUR);
			writeRaw(filePath, 'broken', '{"failedAttempts": 3, "transcr');
			writeRaw(filePath, 'odd', '{"failedAttempts": "3", "lastUserMessages": []}');

			await expect(store.getConversation('broken')).resolves.toBeUndefined();
			await expect(store.getConversation('broken')).resolves.toBeUndefined();
			expect(warn).toHaveBeenCalledTimes(1);
			expect(warn.mock.calls[0][0]).toMatch(/conversation "broken" is unusable \(not valid JSON\)/);

			// The update starts from nothing and overwrites the bad row.
			await expect(store.updateConversation('broken', increment, HOUR)).resolves.toBe(1);
			await expect(store.getConversation('broken')).resolves.toEqual(memory(1));

			await expect(store.updateConversation('odd', increment, HOUR)).resolves.toBe(1);
			expect(warn).toHaveBeenCalledTimes(2);
			expect(warn.mock.calls[1][0]).toContain('"odd" is unusable (failedAttempts is not a number)');
			// The other conversations are untouched.
			expect((await store.getConversation('good'))?.failedAttempts).toBe(1);
		});
	});

	it('rejects a TTL that is not a positive number', async () => {
		const store = open();
		await expect(store.updateConversation('c', increment, 0)).rejects.toThrow(RangeError);
		await expect(store.claimOnce('k', Number.NaN)).rejects.toThrow(RangeError);
		await expect(store.claimOnce('k', Infinity)).rejects.toThrow(RangeError);
		await expect(store.updateConversation('c', increment, HOUR)).resolves.toBe(1);
	});

	it('can be closed twice', async () => {
		const store = open();
		await store.close();
		await expect(store.close()).resolves.toBeUndefined();
	});
});

describe('defaultStorePath', () => {
	const saved = process.env.N8N_USER_FOLDER;
	afterEach(() => {
		if (saved === undefined) delete process.env.N8N_USER_FOLDER;
		else process.env.N8N_USER_FOLDER = saved;
	});

	it('lives in $N8N_USER_FOLDER/.n8n, as n8n’s own database does', async () => {
		process.env.N8N_USER_FOLDER = dir;
		expect(defaultStorePath()).toBe(join(dir, '.n8n', 'handover-store.sqlite'));

		const store = new EmbeddedStore();
		try {
			expect(store.filePath).toBe(join(dir, '.n8n', 'handover-store.sqlite'));
			await store.updateConversation('c', increment, HOUR);
			expect(existsSync(join(dir, '.n8n', 'handover-store.sqlite'))).toBe(true);
		} finally {
			await store.close();
		}
	});

	it('falls back to ~/.n8n', () => {
		delete process.env.N8N_USER_FOLDER;
		expect(defaultStorePath()).toBe(join(homedir(), '.n8n', 'handover-store.sqlite'));
		process.env.N8N_USER_FOLDER = '';
		expect(defaultStorePath()).toBe(join(homedir(), '.n8n', 'handover-store.sqlite'));
	});
});
