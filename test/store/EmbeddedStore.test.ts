import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { EmbeddedStore, defaultStorePath } from '../../nodes/store';
import { describeHandoverStoreContract, increment, sleep } from './storeContract';

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

describe('EmbeddedStore', () => {
	let filePath: string;
	const stores: EmbeddedStore[] = [];
	const open = (options: { pruneIntervalMs?: number } = {}) => {
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

	it('prunes by itself on writes, at most once per interval', async () => {
		const lazy = open();
		// The first write prunes; the next ones fall inside the one-minute interval.
		await lazy.updateConversation('a', increment, 50);
		await sleep(200);
		await lazy.updateConversation('b', increment, HOUR);
		expect(countRows(filePath, 'conversations')).toBe(2);

		const eager = open({ pruneIntervalMs: 0 });
		await eager.claimOnce('k', HOUR);
		expect(countRows(filePath, 'conversations')).toBe(1);
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
