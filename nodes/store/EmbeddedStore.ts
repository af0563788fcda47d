import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { StatementSync } from 'node:sqlite';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';

import type { ConversationMemory } from '../engine/types';
import type { HandoverStore, PauseEnd } from './HandoverStore';
import { StoreUnavailable } from './StoreUnavailable';
import { StoredMemoryReader, encodeMemory } from './storedMemory';

export interface EmbeddedStoreOptions {
	/** SQLite file; `defaultStorePath()` when omitted. */
	filePath?: string;
	/** Time between two prunes of expired rows, in ms (default one minute). */
	pruneIntervalMs?: number;
	/** Expired rows deleted per step of a prune (default 500); the event loop turns between steps. */
	pruneBatchSize?: number;
	/**
	 * How long an operation waits for another process's write lock before it fails with
	 * StoreUnavailable, in ms (default 2 s).
	 */
	lockTimeoutMs?: number;
}

/** n8n's own folder is `$N8N_USER_FOLDER/.n8n` (or `~/.n8n`): the store file lives next to its database. */
export function defaultStorePath(): string {
	const userFolder = process.env.N8N_USER_FOLDER || homedir();
	return join(userFolder, '.n8n', 'handover-store.sqlite');
}

const DEFAULT_LOCK_TIMEOUT_MS = 2000;
const DEFAULT_PRUNE_INTERVAL_MS = 60_000;
/** ~2 ms of work for SQLite: short enough that a turn arriving meanwhile is hardly delayed. */
const DEFAULT_PRUNE_BATCH_SIZE = 500;
/** Upper bound of the jittered wait between two attempts at a locked file, in ms. */
const MAX_BACKOFF_MS = 50;
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
	CREATE TABLE IF NOT EXISTS pause_ends (key TEXT PRIMARY KEY, at INTEGER NOT NULL, detail TEXT NOT NULL);
	CREATE INDEX IF NOT EXISTS pause_ends_at ON pause_ends (at);
`;

/** The tables whose rows expire; each has an index on expires_at. */
const EXPIRING_TABLES = ['conversations', 'claims', 'outcomes'] as const;

function isBusy(error: unknown): boolean {
	const code = (error as { errcode?: unknown } | null)?.errcode;
	// Extended result codes (e.g. SQLITE_BUSY_RECOVERY) keep the primary code in the low byte.
	const primary = typeof code === 'number' ? code & 0xff : undefined;
	return primary === SQLITE_BUSY || primary === SQLITE_LOCKED;
}

/** Exponential back-off with jitter, so that processes waiting for one lock do not retry in step. */
function backoffMs(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, 2 ** attempt);
	return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function checkTtl(ttlMs: number): void {
	if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
		throw new RangeError(`ttlMs must be a positive finite number, got ${ttlMs}`);
	}
}

interface Statements {
	selectConversation: StatementSync;
	upsertConversation: StatementSync;
	advanceCursor: StatementSync;
	addLoad: StatementSync;
	selectLoad: StatementSync;
	insertClaim: StatementSync;
	deleteClaim: StatementSync;
	holdClaim: StatementSync;
	upsertOutcome: StatementSync;
	selectOutcome: StatementSync;
	upsertPauseEnd: StatementSync;
	takePauseEnds: StatementSync;
	/** One batch of expired rows of each table: `run(now, limit)`. */
	pruneBatch: Record<(typeof EXPIRING_TABLES)[number], StatementSync>;
}

/** Sets the file up (WAL, tables) and prepares the statements. Needs the write lock the first time. */
function openSchema(db: DatabaseSync): Statements {
	db.exec('PRAGMA journal_mode = WAL');
	// NORMAL is durable across process crashes in WAL mode; only a power loss may drop the last commits.
	db.exec('PRAGMA synchronous = NORMAL');
	db.exec(SCHEMA);
	const pruneBatch = (table: string) =>
		// rowid through the expires_at index: each batch reads no more than it deletes.
		db.prepare(
			`DELETE FROM ${table} WHERE rowid IN
			(SELECT rowid FROM ${table} WHERE expires_at <= ? LIMIT ?)`,
		);
	return {
		selectConversation: db.prepare(
			'SELECT value FROM conversations WHERE key = ? AND expires_at > ?',
		),
		upsertConversation: db.prepare(
			`INSERT INTO conversations (key, value, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		),
		// One statement reads and advances the cursor, so two processes never get the same position.
		advanceCursor: db.prepare(
			`INSERT INTO cursors (pool, position) VALUES (?, 1)
			ON CONFLICT (pool) DO UPDATE SET position = position + 1
			RETURNING position - 1 AS cursor`,
		),
		addLoad: db.prepare(
			`INSERT INTO loads (assignee, count) VALUES (:assignee, max(0, :delta))
			ON CONFLICT (assignee) DO UPDATE SET count = max(0, count + :delta)
			RETURNING count`,
		),
		selectLoad: db.prepare('SELECT count FROM loads WHERE assignee = ?'),
		// Inserts a new claim or takes over an expired one; `changes` is 0 when a live claim exists.
		insertClaim: db.prepare(
			`INSERT INTO claims (key, expires_at) VALUES (:key, :expiresAt)
			ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
			WHERE claims.expires_at <= :now`,
		),
		deleteClaim: db.prepare('DELETE FROM claims WHERE key = ?'),
		holdClaim: db.prepare(
			`INSERT INTO claims (key, expires_at) VALUES (:key, :expiresAt)
			ON CONFLICT (key) DO UPDATE SET expires_at = max(claims.expires_at, excluded.expires_at)`,
		),
		upsertOutcome: db.prepare(
			`INSERT INTO outcomes (key, value, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		),
		selectOutcome: db.prepare('SELECT value FROM outcomes WHERE key = ? AND expires_at > ?'),
		upsertPauseEnd: db.prepare(
			`INSERT INTO pause_ends (key, at, detail) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET at = excluded.at, detail = excluded.detail`,
		),
		// One statement selects and deletes: two processes taking at once never get the same end.
		takePauseEnds: db.prepare(
			`DELETE FROM pause_ends WHERE key IN
				(SELECT key FROM pause_ends WHERE at <= ? ORDER BY at LIMIT ?)
			RETURNING key, at, detail`,
		),
		pruneBatch: {
			conversations: pruneBatch('conversations'),
			claims: pruneBatch('claims'),
			outcomes: pruneBatch('outcomes'),
		},
	};
}

/**
 * HandoverStore in one SQLite file. Every operation is a single statement or a `BEGIN IMMEDIATE`
 * transaction, so it stays atomic across all processes on the host that open the same file.
 *
 * node:sqlite is synchronous and runs on the event loop's thread, so the store never lets SQLite wait
 * for a lock (busy_timeout 0: a lock held by another process would freeze all of n8n meanwhile).
 * A busy file is tried again after an asynchronous, jittered back-off until `lockTimeoutMs`, then the
 * operation fails with StoreUnavailable. No transaction spans an `await`, so operations of this process
 * never hold the lock against each other. Expired rows are pruned on a timer in small batches, never
 * inside a caller's operation.
 */
export class EmbeddedStore implements HandoverStore {
	readonly filePath: string;
	private readonly db: DatabaseSync;
	private readonly lockTimeoutMs: number;
	private readonly pruneBatchSize: number;
	private readonly pruneTimer: NodeJS.Timeout;
	private readonly memory = new StoredMemoryReader('EmbeddedStore');
	/** Set once the file is set up; until then every operation tries to set it up first. */
	private statements: Statements | undefined;
	private pruning: Promise<void> | undefined;
	private closed = false;

	constructor(options: EmbeddedStoreOptions = {}) {
		this.filePath = options.filePath ?? defaultStorePath();
		this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
		this.pruneBatchSize = Math.max(1, options.pruneBatchSize ?? DEFAULT_PRUNE_BATCH_SIZE);
		if (this.filePath !== ':memory:') mkdirSync(dirname(this.filePath), { recursive: true });

		this.db = new DatabaseSync(this.filePath);
		try {
			this.db.exec('PRAGMA busy_timeout = 0');
			// Set up now when the file is free; when another process holds the lock (it may be setting
			// the same file up), the first operation does it, waiting without blocking.
			this.statements = openSchema(this.db);
		} catch (error) {
			if (!isBusy(error)) {
				this.db.close();
				throw error;
			}
		}

		const interval = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
		this.pruneTimer = setInterval(() => {
			// A prune that meets a locked file simply happens on the next tick.
			this.prune().catch(() => undefined);
		}, interval);
		// Pruning alone must not keep a process alive.
		this.pruneTimer.unref();
	}

	async updateConversation<T>(
		key: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		ttlMs: number,
	): Promise<T> {
		checkTtl(ttlMs);
		return await this.whenFree('updating a conversation', (s) => {
			// IMMEDIATE takes the write lock before the read, so no other process can write in between.
			this.db.exec('BEGIN IMMEDIATE');
			try {
				const now = Date.now();
				const next = update(this.readConversation(s, key, now));
				s.upsertConversation.run(key, encodeMemory(next.memory), now + ttlMs);
				this.db.exec('COMMIT');
				return next.result;
			} catch (error) {
				if (this.db.isTransaction) this.db.exec('ROLLBACK');
				throw error;
			}
		});
	}

	async getConversation(key: string): Promise<ConversationMemory | undefined> {
		return await this.whenFree('reading a conversation', (s) =>
			this.readConversation(s, key, Date.now()),
		);
	}

	async nextRoundRobin(poolKey: string, candidates: string[]): Promise<string[]> {
		if (candidates.length === 0) return [];
		const row = await this.whenFree('advancing a round robin', (s) => s.advanceCursor.get(poolKey));
		const start = Number(row?.cursor ?? 0) % candidates.length;
		return [...candidates.slice(start), ...candidates.slice(0, start)];
	}

	async adjustLoad(assigneeKey: string, delta: number): Promise<number> {
		const row = await this.whenFree('counting a load', (s) =>
			s.addLoad.get({ assignee: assigneeKey, delta }),
		);
		return Number(row?.count ?? 0);
	}

	async getLoads(assigneeKeys: string[]): Promise<Record<string, number>> {
		return await this.whenFree('reading loads', (s) => {
			const loads: Record<string, number> = {};
			for (const key of assigneeKeys) loads[key] = Number(s.selectLoad.get(key)?.count ?? 0);
			return loads;
		});
	}

	async claimOnce(key: string, ttlMs: number): Promise<boolean> {
		checkTtl(ttlMs);
		return await this.whenFree('claiming a key', (s) => {
			const now = Date.now();
			const { changes } = s.insertClaim.run({ key, expiresAt: now + ttlMs, now });
			return Number(changes) > 0;
		});
	}

	async releaseClaim(key: string): Promise<void> {
		await this.whenFree('releasing a claim', (s) => s.deleteClaim.run(key));
	}

	async settleClaim(key: string, outcome: string, ttlMs: number): Promise<void> {
		checkTtl(ttlMs);
		await this.whenFree('settling a claim', (s) => {
			const expiresAt = Date.now() + ttlMs;
			// The outcome first: once it is there, a held or lapsed claim both lead to it.
			s.upsertOutcome.run(key, outcome, expiresAt);
			s.holdClaim.run({ key, expiresAt });
		});
	}

	async schedulePauseEnd(key: string, at: number, detail: string): Promise<void> {
		await this.whenFree('noting a pause end', (s) => s.upsertPauseEnd.run(key, at, detail));
	}

	async takeDuePauseEnds(now: number, limit: number): Promise<PauseEnd[]> {
		const rows = await this.whenFree('taking ended pauses', (s) => s.takePauseEnds.all(now, limit));
		return rows
			.map((row) => ({ key: String(row.key), at: Number(row.at), detail: String(row.detail) }))
			.sort((a, b) => a.at - b.at);
	}

	async claimOutcome(key: string): Promise<string | undefined> {
		const row = await this.whenFree('reading a claim', (s) => s.selectOutcome.get(key, Date.now()));
		return row === undefined ? undefined : String(row.value);
	}

	/**
	 * Deletes expired rows, `pruneBatchSize` at a time with a turn of the event loop between
	 * batches, so that turns go on while a large backlog (after a long downtime) is deleted. Runs
	 * by itself on a timer; a call while a prune runs waits for that one.
	 */
	async prune(): Promise<void> {
		this.pruning ??= this.pruneInBatches().finally(() => (this.pruning = undefined));
		await this.pruning;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		clearInterval(this.pruneTimer);
		this.db.close();
	}

	private readConversation(
		s: Statements,
		key: string,
		now: number,
	): ConversationMemory | undefined {
		const row = s.selectConversation.get(key, now);
		return row ? this.memory.read(key, String(row.value)) : undefined;
	}

	private async pruneInBatches(): Promise<void> {
		const now = Date.now();
		for (const table of EXPIRING_TABLES) {
			for (;;) {
				const deleted = await this.whenFree('pruning expired rows', (s) =>
					Number(s.pruneBatch[table].run(now, this.pruneBatchSize).changes),
				);
				if (deleted < this.pruneBatchSize) break;
				await yieldToEventLoop();
			}
		}
	}

	/**
	 * Runs `operation` (synchronous: one statement or one whole transaction) once no other process
	 * holds the write lock: a busy file is tried again after a short asynchronous wait, until
	 * `lockTimeoutMs` has passed.
	 */
	private async whenFree<T>(doing: string, operation: (statements: Statements) => T): Promise<T> {
		const deadline = Date.now() + this.lockTimeoutMs;
		for (let attempt = 1; ; attempt++) {
			if (this.closed) throw new Error(`EmbeddedStore is closed (${doing})`);
			try {
				this.statements ??= openSchema(this.db);
				return operation(this.statements);
			} catch (error) {
				if (!isBusy(error)) throw error;
				const left = deadline - Date.now();
				if (left <= 0) throw this.lockedOut(doing, error);
				await sleep(Math.min(left, backoffMs(attempt)));
			}
		}
	}

	private lockedOut(doing: string, cause: unknown): StoreUnavailable {
		return new StoreUnavailable(
			`The state store file ${this.filePath} stayed locked by another process for ` +
				`${this.lockTimeoutMs} ms (${doing}): another n8n process or a tool such as the sqlite3 ` +
				'shell keeps a write transaction open. End that transaction or tool; for several busy n8n ' +
				'processes, use the Redis store',
			{ cause },
		);
	}
}
