// Only node built-ins are imported as values, and no enum, namespace or parameter property is used, so
// that Node 24 can run this file directly with type stripping (the cross-process test does that).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';

import type { ConversationMemory } from '../engine/types';
import type { HandoverStore } from './HandoverStore';

export interface EmbeddedStoreOptions {
	/** SQLite file; `defaultStorePath()` when omitted. */
	filePath?: string;
	/** Minimum time between two automatic prunes, in ms (default one minute). */
	pruneIntervalMs?: number;
}

/** n8n's own folder is `$N8N_USER_FOLDER/.n8n` (or `~/.n8n`): the store file lives next to its database. */
export function defaultStorePath(): string {
	const userFolder = process.env.N8N_USER_FOLDER || homedir();
	return join(userFolder, '.n8n', 'handover-store.sqlite');
}

const BUSY_TIMEOUT_MS = 5000;
/** Extra attempts when BEGIN IMMEDIATE still reports busy after waiting `BUSY_TIMEOUT_MS`. */
const BEGIN_ATTEMPTS = 5;
const DEFAULT_PRUNE_INTERVAL_MS = 60_000;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

const SCHEMA = `
	CREATE TABLE IF NOT EXISTS conversations (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL,
		expires_at INTEGER NOT NULL
	);
	CREATE INDEX IF NOT EXISTS conversations_expires_at ON conversations (expires_at);
	CREATE TABLE IF NOT EXISTS cursors (pool TEXT PRIMARY KEY, position INTEGER NOT NULL);
	CREATE TABLE IF NOT EXISTS loads (assignee TEXT PRIMARY KEY, count INTEGER NOT NULL);
	CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
	CREATE INDEX IF NOT EXISTS claims_expires_at ON claims (expires_at);
	CREATE TABLE IF NOT EXISTS outcomes (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
	CREATE INDEX IF NOT EXISTS outcomes_expires_at ON outcomes (expires_at);
`;

function isBusy(error: unknown): boolean {
	const code = (error as { errcode?: unknown } | null)?.errcode;
	// Extended result codes (e.g. SQLITE_BUSY_RECOVERY) keep the primary code in the low byte.
	const primary = typeof code === 'number' ? code & 0xff : undefined;
	return primary === SQLITE_BUSY || primary === SQLITE_LOCKED;
}

/** The store is synchronous, so a blocking sleep is the honest way to wait between retries. */
function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function checkTtl(ttlMs: number): void {
	if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
		throw new RangeError(`ttlMs must be a positive finite number, got ${ttlMs}`);
	}
}

/**
 * HandoverStore in one SQLite file. Every operation is a single statement or a `BEGIN IMMEDIATE`
 * transaction, so it stays atomic across all processes on the host that open the same file.
 */
export class EmbeddedStore implements HandoverStore {
	readonly filePath: string;
	private readonly db: DatabaseSync;
	private readonly pruneIntervalMs: number;
	private lastPruneAt = 0;
	private closed = false;

	private readonly selectConversation: StatementSync;
	private readonly upsertConversation: StatementSync;
	private readonly advanceCursor: StatementSync;
	private readonly addLoad: StatementSync;
	private readonly selectLoad: StatementSync;
	private readonly insertClaim: StatementSync;
	private readonly deleteClaim: StatementSync;
	private readonly deleteExpiredConversations: StatementSync;
	private readonly deleteExpiredClaims: StatementSync;
	private readonly holdClaim: StatementSync;
	private readonly upsertOutcome: StatementSync;
	private readonly selectOutcome: StatementSync;
	private readonly deleteExpiredOutcomes: StatementSync;

	constructor(options: EmbeddedStoreOptions = {}) {
		this.filePath = options.filePath ?? defaultStorePath();
		this.pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
		if (this.filePath !== ':memory:') mkdirSync(dirname(this.filePath), { recursive: true });

		this.db = new DatabaseSync(this.filePath);
		try {
			// busy_timeout first: switching to WAL and creating tables may meet another process doing the same.
			this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
			this.retryWhenBusy(() => {
				this.db.exec('PRAGMA journal_mode = WAL');
				// NORMAL is durable across process crashes in WAL mode; only a power loss may drop the last commits.
				this.db.exec('PRAGMA synchronous = NORMAL');
				this.db.exec(SCHEMA);
			});
		} catch (error) {
			this.db.close();
			throw error;
		}

		const db = this.db;
		this.selectConversation = db.prepare(
			'SELECT value FROM conversations WHERE key = ? AND expires_at > ?',
		);
		this.upsertConversation = db.prepare(
			`INSERT INTO conversations (key, value, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		);
		// One statement reads and advances the cursor, so two processes never get the same position.
		this.advanceCursor = db.prepare(
			`INSERT INTO cursors (pool, position) VALUES (?, 1)
			ON CONFLICT (pool) DO UPDATE SET position = position + 1
			RETURNING position - 1 AS cursor`,
		);
		this.addLoad = db.prepare(
			`INSERT INTO loads (assignee, count) VALUES (:assignee, max(0, :delta))
			ON CONFLICT (assignee) DO UPDATE SET count = max(0, count + :delta)
			RETURNING count`,
		);
		this.selectLoad = db.prepare('SELECT count FROM loads WHERE assignee = ?');
		// Inserts a new claim or takes over an expired one; `changes` is 0 when a live claim exists.
		this.insertClaim = db.prepare(
			`INSERT INTO claims (key, expires_at) VALUES (:key, :expiresAt)
			ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
			WHERE claims.expires_at <= :now`,
		);
		this.deleteClaim = db.prepare('DELETE FROM claims WHERE key = ?');
		this.holdClaim = db.prepare(
			`INSERT INTO claims (key, expires_at) VALUES (:key, :expiresAt)
			ON CONFLICT (key) DO UPDATE SET expires_at = max(claims.expires_at, excluded.expires_at)`,
		);
		this.upsertOutcome = db.prepare(
			`INSERT INTO outcomes (key, value, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		);
		this.selectOutcome = db.prepare('SELECT value FROM outcomes WHERE key = ? AND expires_at > ?');
		this.deleteExpiredOutcomes = db.prepare('DELETE FROM outcomes WHERE expires_at <= ?');
		this.deleteExpiredConversations = db.prepare('DELETE FROM conversations WHERE expires_at <= ?');
		this.deleteExpiredClaims = db.prepare('DELETE FROM claims WHERE expires_at <= ?');
	}

	async updateConversation<T>(
		key: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		ttlMs: number,
	): Promise<T> {
		checkTtl(ttlMs);
		// IMMEDIATE takes the write lock before the read, so no other process can write in between.
		this.retryWhenBusy(() => this.db.exec('BEGIN IMMEDIATE'));
		let result: T;
		try {
			const now = Date.now();
			const current = this.readConversation(key, now);
			const next = update(current);
			this.upsertConversation.run(key, JSON.stringify(next.memory), now + ttlMs);
			this.db.exec('COMMIT');
			result = next.result;
		} catch (error) {
			if (this.db.isTransaction) this.db.exec('ROLLBACK');
			throw error;
		}
		this.afterWrite();
		return result;
	}

	async getConversation(key: string): Promise<ConversationMemory | undefined> {
		return this.readConversation(key, Date.now());
	}

	async nextRoundRobin(poolKey: string, candidates: string[]): Promise<string[]> {
		if (candidates.length === 0) return [];
		const row = this.advanceCursor.get(poolKey);
		const start = Number(row?.cursor ?? 0) % candidates.length;
		return [...candidates.slice(start), ...candidates.slice(0, start)];
	}

	async adjustLoad(assigneeKey: string, delta: number): Promise<number> {
		const row = this.addLoad.get({ assignee: assigneeKey, delta });
		return Number(row?.count ?? 0);
	}

	async getLoads(assigneeKeys: string[]): Promise<Record<string, number>> {
		const loads: Record<string, number> = {};
		for (const key of assigneeKeys) {
			loads[key] = Number(this.selectLoad.get(key)?.count ?? 0);
		}
		return loads;
	}

	async claimOnce(key: string, ttlMs: number): Promise<boolean> {
		checkTtl(ttlMs);
		const now = Date.now();
		const { changes } = this.insertClaim.run({ key, expiresAt: now + ttlMs, now });
		this.afterWrite();
		return Number(changes) > 0;
	}

	async releaseClaim(key: string): Promise<void> {
		this.deleteClaim.run(key);
	}

	async settleClaim(key: string, outcome: string, ttlMs: number): Promise<void> {
		checkTtl(ttlMs);
		const expiresAt = Date.now() + ttlMs;
		// The outcome first: once it is there, a held or lapsed claim both lead to it.
		this.upsertOutcome.run(key, outcome, expiresAt);
		this.holdClaim.run({ key, expiresAt });
		this.afterWrite();
	}

	async claimOutcome(key: string): Promise<string | undefined> {
		const row = this.selectOutcome.get(key, Date.now());
		return row === undefined ? undefined : String(row.value);
	}

	async prune(): Promise<void> {
		this.pruneNow();
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.db.close();
	}

	private readConversation(key: string, now: number): ConversationMemory | undefined {
		const row = this.selectConversation.get(key, now);
		return row ? (JSON.parse(String(row.value)) as ConversationMemory) : undefined;
	}

	private pruneNow(): void {
		const now = Date.now();
		this.lastPruneAt = now;
		this.deleteExpiredConversations.run(now);
		this.deleteExpiredClaims.run(now);
		this.deleteExpiredOutcomes.run(now);
	}

	/** Expired rows are only ignored by reads; deleting them now and then keeps the file small. */
	private afterWrite(): void {
		if (Date.now() - this.lastPruneAt < this.pruneIntervalMs) return;
		try {
			this.pruneNow();
		} catch {
			// The caller's write is already committed: failing it now would make the caller retry and
			// count twice. A prune that lost the lock race simply happens on a later write.
		}
	}

	/** busy_timeout already waits for the lock; this covers the rare busy reported without waiting. */
	private retryWhenBusy(operation: () => void): void {
		for (let attempt = 1; ; attempt++) {
			try {
				operation();
				return;
			} catch (error) {
				if (!isBusy(error) || attempt >= BEGIN_ATTEMPTS) throw error;
				sleepSync(10 + Math.random() * 40 * attempt);
			}
		}
	}
}
