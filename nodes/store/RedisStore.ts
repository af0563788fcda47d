// No n8n import, and no enum, namespace or parameter property. ioredis is imported here only: the
// package index exports RedisStore as a type, and whoever needs a Redis store loads this file on
// first use (as storeProvider does for the embedded store), so nothing else pays for the client.
import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';

import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

import type { ConversationMemory } from '../engine/types';
import type { HandoverStore } from './HandoverStore';
import { urlSecrets, withoutSecrets } from './redactSecrets';

export interface RedisStoreOptions {
	/** An ioredis client to use. The store never closes it (it does close the connections it adds). */
	redis?: Redis;
	/** `redis://[user:password@]host:port/db` or `rediss://…` for TLS; the fields below override its parts. */
	url?: string;
	host?: string;
	port?: number;
	username?: string;
	password?: string;
	db?: number;
	/** true, or `tls.connect` options, to connect over TLS. */
	tls?: boolean | ConnectionOptions;
	/** Any other ioredis option for a client the store creates. */
	redisOptions?: RedisOptions;
	/** Put before every key, so several installations can share one Redis database. Default `handover:`. */
	keyPrefix?: string;
	/** Attempts of one conversation update before it fails when other processes keep changing it. Default 50. */
	maxUpdateAttempts?: number;
	/**
	 * Connections used for WATCH/MULTI/EXEC (WATCH belongs to a connection, so each update needs one of
	 * its own while it runs). Updates of different conversations run in parallel up to this. Default 4.
	 */
	transactionConnections?: number;
	/** How long an update waits for a transaction connection to be ready. Default 10 s. */
	connectTimeoutMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'handover:';
const DEFAULT_MAX_UPDATE_ATTEMPTS = 50;
const DEFAULT_TRANSACTION_CONNECTIONS = 4;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Upper bound of the jittered wait between two update attempts, in ms. */
const MAX_BACKOFF_MS = 50;

/** Adds ARGV[1] to the count in KEYS[1], never going below 0, and returns the new count. */
const ADJUST_LOAD_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
if count < 0 then count = 0 end
redis.call('SET', KEYS[1], count)
return count
`;

interface Script {
	lua: string;
	sha: string;
}

function script(lua: string): Script {
	return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const ADJUST_LOAD = script(ADJUST_LOAD_LUA);

/** A connection reserved for transactions; `generation` changes on every (re)connection. */
interface TransactionConnection {
	redis: Redis;
	generation: number;
}

/** Thrown when an update keeps losing to other writers of the same conversation. */
export class RedisUpdateConflictError extends Error {
	constructor(key: string, attempts: number) {
		super(
			`RedisStore: gave up updating "${key}" after ${attempts} attempts: other processes kept changing it ` +
				'between read and write (WATCH conflict each time)',
		);
		this.name = 'RedisUpdateConflictError';
	}
}

function checkTtl(ttlMs: number): number {
	if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
		throw new RangeError(`ttlMs must be a positive finite number, got ${ttlMs}`);
	}
	// PX takes whole milliseconds.
	return Math.max(1, Math.ceil(ttlMs));
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function clientOptions(options: RedisStoreOptions): RedisOptions {
	const tls = options.tls === true ? {} : options.tls || undefined;
	const explicit: RedisOptions = {
		host: options.host,
		port: options.port,
		username: options.username,
		password: options.password,
		db: options.db,
		tls,
	};
	// Undefined fields would hide what the URL says, so only the given ones are passed.
	const given = Object.fromEntries(
		Object.entries(explicit).filter(([, value]) => value !== undefined),
	) as RedisOptions;
	return { ...options.redisOptions, ...given };
}

/**
 * HandoverStore in Redis, for n8n queue mode or several hosts. Conversation memory is one JSON string
 * per conversation with a PX TTL, updated by optimistic WATCH/MULTI/EXEC transactions; the cursor,
 * loads and claims are single atomic commands (INCR, a Lua script, SET NX PX). Expiry is Redis's own.
 */
export class RedisStore implements HandoverStore {
	readonly keyPrefix: string;
	/** Updates done, and EXECs that a concurrent writer aborted (each one was retried). */
	readonly stats = { updates: 0, conflicts: 0 };

	private readonly redis: Redis;
	private readonly ownsClient: boolean;
	private readonly maxUpdateAttempts: number;
	private readonly maxTransactionConnections: number;
	private readonly connectTimeoutMs: number;
	private readonly transactionConnections: TransactionConnection[] = [];
	private readonly idleConnections: TransactionConnection[] = [];
	private readonly connectionWaiters: Array<{
		resolve: (connection: TransactionConnection) => void;
		reject: (error: Error) => void;
	}> = [];
	/** Tail of the updates of each key in this process: they run one after another, never against each other. */
	private readonly keyQueues = new Map<string, Promise<void>>();
	private lastError: Error | undefined;
	private closed = false;
	/** The password however it was given: taken out of every error the store hands on. */
	private readonly secrets: string[];

	constructor(options: RedisStoreOptions = {}) {
		this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
		this.maxUpdateAttempts = Math.max(1, options.maxUpdateAttempts ?? DEFAULT_MAX_UPDATE_ATTEMPTS);
		this.maxTransactionConnections = Math.max(
			1,
			options.transactionConnections ?? DEFAULT_TRANSACTION_CONNECTIONS,
		);
		this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
		this.secrets = [
			options.password,
			options.redisOptions?.password,
			options.redis?.options.password,
			...urlSecrets(options.url),
		].filter((secret): secret is string => !!secret);
		if (options.redis) {
			this.redis = options.redis;
			this.ownsClient = false;
		} else {
			const redisOptions = clientOptions(options);
			this.redis = options.url ? new Redis(options.url, redisOptions) : new Redis(redisOptions);
			this.ownsClient = true;
			this.redis.on('error', (error: Error) => (this.lastError = this.redacted(error)));
		}
	}

	async updateConversation<T>(
		key: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		ttlMs: number,
	): Promise<T> {
		const px = checkTtl(ttlMs);
		const redisKey = this.conversationKey(key);
		// Updates of one key from this process wait for each other, so WATCH only ever meets other processes.
		return await this.guarded(
			async () =>
				await this.inKeyQueue(redisKey, async () => {
					const connection = await this.acquireConnection();
					try {
						return await this.transaction(connection, key, redisKey, update, px);
					} finally {
						this.releaseConnection(connection);
					}
				}),
		);
	}

	async getConversation(key: string): Promise<ConversationMemory | undefined> {
		return parseMemory(
			await this.guarded(async () => await this.redis.get(this.conversationKey(key))),
		);
	}

	async nextRoundRobin(poolKey: string, candidates: string[]): Promise<string[]> {
		if (candidates.length === 0) return [];
		const position = await this.guarded(
			async () => await this.redis.incr(this.keyPrefix + 'rr:' + poolKey),
		);
		const start = (position - 1) % candidates.length;
		return [...candidates.slice(start), ...candidates.slice(0, start)];
	}

	async adjustLoad(assigneeKey: string, delta: number): Promise<number> {
		if (!Number.isInteger(delta)) throw new RangeError(`delta must be an integer, got ${delta}`);
		const count = await this.guarded(
			async () => await this.evalScript(ADJUST_LOAD, [this.loadKey(assigneeKey)], [String(delta)]),
		);
		return Number(count);
	}

	async getLoads(assigneeKeys: string[]): Promise<Record<string, number>> {
		if (assigneeKeys.length === 0) return {};
		const values = await this.guarded(
			async () => await this.redis.mget(assigneeKeys.map((key) => this.loadKey(key))),
		);
		const loads: Record<string, number> = {};
		assigneeKeys.forEach((key, i) => (loads[key] = Number(values[i] ?? 0)));
		return loads;
	}

	async claimOnce(key: string, ttlMs: number): Promise<boolean> {
		const px = checkTtl(ttlMs);
		const answer = await this.guarded(
			async () => await this.redis.set(this.claimKey(key), '1', 'PX', px, 'NX'),
		);
		return answer === 'OK';
	}

	async releaseClaim(key: string): Promise<void> {
		await this.guarded(async () => await this.redis.del(this.claimKey(key)));
	}

	async settleClaim(key: string, outcome: string, ttlMs: number): Promise<void> {
		const px = checkTtl(ttlMs);
		await this.guarded(
			async () =>
				await this.redis
					.multi()
					.set(this.outcomeKey(key), outcome, 'PX', px)
					.set(this.claimKey(key), '1', 'PX', px)
					.exec(),
		);
	}

	async claimOutcome(key: string): Promise<string | undefined> {
		const value = await this.guarded(async () => await this.redis.get(this.outcomeKey(key)));
		return value ?? undefined;
	}

	/** Nothing to do: every conversation and claim key carries its own Redis TTL. */
	async prune(): Promise<void> {}

	/** Closes the connections the store opened; a client passed in `redis` stays open. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		const closedError = new Error('RedisStore is closed');
		for (const waiter of this.connectionWaiters.splice(0)) waiter.reject(closedError);
		const connections = this.transactionConnections.splice(0).map((c) => c.redis);
		if (this.ownsClient) connections.push(this.redis);
		await Promise.all(connections.map(async (connection) => await quit(connection)));
	}

	/** The Redis key of a conversation (for tests and tools that look at Redis directly). */
	conversationKey(key: string): string {
		return this.keyPrefix + 'conv:' + key;
	}

	/** Runs one operation; what it throws is handed on without the password. */
	private async guarded<T>(operation: () => Promise<T>): Promise<T> {
		try {
			return await operation();
		} catch (error) {
			throw this.redacted(error);
		}
	}

	private redacted<E>(error: E): E {
		return withoutSecrets(error, this.secrets);
	}

	private loadKey(assigneeKey: string): string {
		return this.keyPrefix + 'load:' + assigneeKey;
	}

	private claimKey(key: string): string {
		return this.keyPrefix + 'claim:' + key;
	}

	private outcomeKey(key: string): string {
		return this.keyPrefix + 'outcome:' + key;
	}

	private async transaction<T>(
		connection: TransactionConnection,
		key: string,
		redisKey: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		px: number,
	): Promise<T> {
		const { redis } = connection;
		for (let attempt = 1; ; attempt++) {
			await this.waitUntilReady(connection);
			const generation = connection.generation;
			// Sent together: the GET is answered after the WATCH is in place.
			const [, raw] = await Promise.all([redis.watch(redisKey), redis.get(redisKey)]);
			let next: { memory: ConversationMemory; result: T };
			let value: string;
			try {
				next = update(parseMemory(raw));
				value = JSON.stringify(next.memory);
			} catch (error) {
				await redis.unwatch().catch(() => undefined);
				throw error;
			}
			// A reconnection dropped the WATCH: writing now could overwrite a change it would have caught.
			const sameConnection = connection.generation === generation && redis.status === 'ready';
			const replies = sameConnection
				? await redis.multi().set(redisKey, value, 'PX', px).exec()
				: null;
			if (replies) {
				const failed = replies.find(([error]) => error);
				if (failed) throw failed[0];
				this.stats.updates++;
				return next.result;
			}
			this.stats.conflicts++;
			if (attempt >= this.maxUpdateAttempts) throw new RedisUpdateConflictError(key, attempt);
			await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
		}
	}

	private async inKeyQueue<T>(redisKey: string, run: () => Promise<T>): Promise<T> {
		const previous = this.keyQueues.get(redisKey) ?? Promise.resolve();
		const result = previous.then(run);
		const tail = result.then(
			() => undefined,
			() => undefined,
		);
		this.keyQueues.set(redisKey, tail);
		void tail.then(() => {
			if (this.keyQueues.get(redisKey) === tail) this.keyQueues.delete(redisKey);
		});
		return await result;
	}

	private async acquireConnection(): Promise<TransactionConnection> {
		if (this.closed) throw new Error('RedisStore is closed');
		const idle = this.idleConnections.pop();
		if (idle) return idle;
		if (this.transactionConnections.length < this.maxTransactionConnections) {
			// No offline queue and no resend: a command never reaches a new connection that lacks the WATCH.
			const redis = this.redis.duplicate({
				enableOfflineQueue: false,
				autoResendUnfulfilledCommands: false,
			});
			const connection: TransactionConnection = { redis, generation: 0 };
			redis.on('ready', () => connection.generation++);
			redis.on('error', (error: Error) => (this.lastError = this.redacted(error)));
			this.transactionConnections.push(connection);
			return connection;
		}
		return await new Promise((resolve, reject) => this.connectionWaiters.push({ resolve, reject }));
	}

	private releaseConnection(connection: TransactionConnection): void {
		if (this.closed) return;
		const waiter = this.connectionWaiters.shift();
		if (waiter) waiter.resolve(connection);
		else this.idleConnections.push(connection);
	}

	private async waitUntilReady(connection: TransactionConnection): Promise<void> {
		const { redis } = connection;
		if (redis.status === 'ready') return;
		if (this.closed) throw new Error('RedisStore is closed');
		if (redis.status === 'wait') redis.connect().catch(() => undefined);
		await new Promise<void>((resolve, reject) => {
			const done = (error?: Error) => {
				clearTimeout(timer);
				redis.off('ready', onReady);
				redis.off('end', onEnd);
				if (error) reject(error);
				else resolve();
			};
			const onReady = () => done();
			const onEnd = () => done(new Error('RedisStore: the Redis connection was closed'));
			const timer = setTimeout(() => {
				const cause = this.lastError ? `: ${this.lastError.message}` : '';
				done(new Error(`RedisStore: Redis not ready after ${this.connectTimeoutMs} ms${cause}`));
			}, this.connectTimeoutMs);
			redis.on('ready', onReady);
			redis.on('end', onEnd);
		});
	}

	/** EVALSHA, loading the script with EVAL when the server does not know it yet. */
	private async evalScript(script: Script, keys: string[], args: string[]): Promise<unknown> {
		try {
			return await this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
		} catch (error) {
			if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
			return await this.redis.eval(script.lua, keys.length, ...keys, ...args);
		}
	}
}

function parseMemory(raw: string | null): ConversationMemory | undefined {
	return raw === null ? undefined : (JSON.parse(raw) as ConversationMemory);
}

async function quit(redis: Redis): Promise<void> {
	if (redis.status === 'end') return;
	// Only a ready connection can say QUIT; one still (re)connecting, e.g. refused its password,
	// would otherwise keep reconnecting after the store is closed.
	if (redis.status !== 'ready') {
		redis.disconnect();
		return;
	}
	try {
		await redis.quit();
	} catch {
		redis.disconnect();
	}
}
