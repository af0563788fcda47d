// No n8n import, and no enum, namespace or parameter property. ioredis is imported here only: the
// package index exports RedisStore as a type, and whoever needs a Redis store loads this file on
// first use (as storeProvider does for the embedded store), so nothing else pays for the client.
import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';

import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

import type { ConversationMemory } from '../engine/types';
import type { HandoverStore, PauseEnd } from './HandoverStore';
import { urlSecrets, withoutSecrets } from './redactSecrets';
import { StoreUnavailable, isStoreUnavailable } from './StoreUnavailable';
import { StoredMemoryReader, encodeMemory } from './storedMemory';

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
	/**
	 * Updates that may wait for a transaction connection (or for an earlier update of the same
	 * conversation) at once; one more fails at once with StoreUnavailable. Default 1000.
	 */
	maxWaitingUpdates?: number;
	/**
	 * How long one operation may take, waits and retries included, before it fails with
	 * StoreUnavailable; also the command timeout of the connections the store opens. Default 2 s.
	 */
	timeoutMs?: number;
	/** How long one attempt to connect may take, for the connections the store opens. Default 2 s. */
	connectTimeoutMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'handover:';
const DEFAULT_MAX_UPDATE_ATTEMPTS = 50;
const DEFAULT_TRANSACTION_CONNECTIONS = 4;
const DEFAULT_MAX_WAITING_UPDATES = 1000;
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
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

/** Takes the due pause ends (a sorted set by end, details in a hash) and removes them at once. */
const TAKE_PAUSE_ENDS = script(`
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local taken = {}
for i = 1, #keys, 2 do
	local detail = redis.call('HGET', KEYS[2], keys[i]) or '{}'
	redis.call('ZREM', KEYS[1], keys[i])
	redis.call('HDEL', KEYS[2], keys[i])
	table.insert(taken, keys[i])
	table.insert(taken, keys[i + 1])
	table.insert(taken, detail)
end
return taken
`);

/**
 * A connection the store uses: `generation` changes on every (re)connection; `failure` is why it is
 * not ready, from its last error until it is ready again.
 */
interface Connection {
	redis: Redis;
	generation: number;
	failure: Error | undefined;
	/** Settles when the connection attempt in progress does; shared by the operations waiting for it. */
	ready?: Promise<void>;
	/** Removes the store's listeners (from a client that stays open after the store is closed). */
	unwatch: () => void;
}

/** Errors of ioredis sent for a command on a connection whose socket is gone. */
const CONNECTION_LOST = /Connection is closed|Stream isn't writeable/i;

/** Errors of ioredis that say Redis did not answer, rather than that it refused a command. */
const UNREACHABLE = new RegExp(
	`${CONNECTION_LOST.source}|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE`,
	'i',
);

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

/** `promise`, or the abort reason as soon as `signal` is aborted. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	signal.throwIfAborted();
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason as Error);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([promise, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort!);
	}
}

/**
 * No offline queue: a command for a Redis that is not there fails at once instead of waiting for it
 * (the store waits for a connection itself, within its deadline); a command timeout, so that a
 * Redis that stops answering (paused, overloaded, a half-open connection) cannot hold a turn.
 */
function failFastOptions(timeoutMs: number, connectTimeoutMs: number): RedisOptions {
	return {
		enableOfflineQueue: false,
		commandTimeout: timeoutMs,
		connectTimeout: connectTimeoutMs,
		maxRetriesPerRequest: 1,
	};
}

function clientOptions(options: RedisStoreOptions, failFast: RedisOptions): RedisOptions {
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
	return { ...failFast, ...options.redisOptions, ...given };
}

/**
 * HandoverStore in Redis, for n8n queue mode or several hosts. Conversation memory is one JSON string
 * per conversation with a PX TTL, updated by optimistic WATCH/MULTI/EXEC transactions; the cursor,
 * loads and claims are single atomic commands (INCR, a Lua script, SET NX PX). Expiry is Redis's own.
 *
 * Every operation has a deadline (`timeoutMs`): past it, or at once when Redis is known to be down,
 * it fails with StoreUnavailable, and an update that has not written yet never writes afterwards.
 */
export class RedisStore implements HandoverStore {
	readonly keyPrefix: string;
	/** Updates done, and EXECs that a concurrent writer aborted (each one was retried). */
	readonly stats = { updates: 0, conflicts: 0 };

	private readonly main: Connection;
	private readonly ownsClient: boolean;
	private readonly maxUpdateAttempts: number;
	private readonly maxTransactionConnections: number;
	private readonly maxWaitingUpdates: number;
	private readonly timeoutMs: number;
	private readonly failFast: RedisOptions;
	private readonly transactionConnections: Connection[] = [];
	private readonly idleConnections: Connection[] = [];
	private readonly connectionWaiters: Array<{
		resolve: (connection: Connection) => void;
		reject: (error: Error) => void;
	}> = [];
	/** Tail of the updates of each key in this process: they run one after another, never against each other. */
	private readonly keyQueues = new Map<string, Promise<void>>();
	/** Updates begun and not yet answered, whether running or waiting. */
	private updatesInFlight = 0;
	private readonly memory = new StoredMemoryReader('RedisStore');
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
		this.maxWaitingUpdates = Math.max(0, options.maxWaitingUpdates ?? DEFAULT_MAX_WAITING_UPDATES);
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.failFast = failFastOptions(
			this.timeoutMs,
			options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
		);
		this.secrets = [
			options.password,
			options.redisOptions?.password,
			options.redis?.options.password,
			...urlSecrets(options.url),
		].filter((secret): secret is string => !!secret);
		let redis: Redis;
		if (options.redis) {
			redis = options.redis;
			this.ownsClient = false;
		} else {
			const redisOptions = clientOptions(options, this.failFast);
			redis = options.url ? new Redis(options.url, redisOptions) : new Redis(redisOptions);
			this.ownsClient = true;
		}
		this.main = this.watch(redis);
	}

	async updateConversation<T>(
		key: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		ttlMs: number,
	): Promise<T> {
		const px = checkTtl(ttlMs);
		const redisKey = this.conversationKey(key);
		if (this.updatesInFlight >= this.maxTransactionConnections + this.maxWaitingUpdates) {
			// Queueing more would only make every waiting turn later: this one is told at once.
			throw this.unavailable(
				`is too slow: ${this.updatesInFlight} updates are already running or waiting for it, so ` +
					'this one is refused at once rather than queued; check the load and latency of the Redis server',
			);
		}
		this.updatesInFlight++;
		try {
			// Updates of one key from this process wait for each other, so WATCH only ever meets other processes.
			return await this.withDeadline(
				'updating a conversation',
				async (signal) =>
					await this.inKeyQueue(redisKey, async () => {
						signal.throwIfAborted();
						const connection = await this.acquireConnection(signal);
						try {
							return await this.transaction(connection, key, redisKey, update, px, signal);
						} finally {
							this.releaseConnection(connection);
						}
					}),
			);
		} finally {
			this.updatesInFlight--;
		}
	}

	async getConversation(key: string): Promise<ConversationMemory | undefined> {
		const raw = await this.command(
			'reading a conversation',
			async () => await this.main.redis.get(this.conversationKey(key)),
		);
		return raw === null ? undefined : this.memory.read(key, raw);
	}

	async nextRoundRobin(poolKey: string, candidates: string[]): Promise<string[]> {
		if (candidates.length === 0) return [];
		const position = await this.command(
			'advancing a round robin',
			async () => await this.main.redis.incr(this.keyPrefix + 'rr:' + poolKey),
		);
		const start = (position - 1) % candidates.length;
		return [...candidates.slice(start), ...candidates.slice(0, start)];
	}

	async adjustLoad(assigneeKey: string, delta: number): Promise<number> {
		if (!Number.isInteger(delta)) throw new RangeError(`delta must be an integer, got ${delta}`);
		const count = await this.command(
			'counting a load',
			async () => await this.evalScript(ADJUST_LOAD, [this.loadKey(assigneeKey)], [String(delta)]),
		);
		return Number(count);
	}

	async getLoads(assigneeKeys: string[]): Promise<Record<string, number>> {
		if (assigneeKeys.length === 0) return {};
		const values = await this.command(
			'reading loads',
			async () => await this.main.redis.mget(assigneeKeys.map((key) => this.loadKey(key))),
		);
		const loads: Record<string, number> = {};
		assigneeKeys.forEach((key, i) => (loads[key] = Number(values[i] ?? 0)));
		return loads;
	}

	async claimOnce(key: string, ttlMs: number): Promise<boolean> {
		const px = checkTtl(ttlMs);
		const answer = await this.command(
			'claiming a key',
			async () => await this.main.redis.set(this.claimKey(key), '1', 'PX', px, 'NX'),
		);
		return answer === 'OK';
	}

	async schedulePauseEnd(key: string, at: number, detail: string): Promise<void> {
		await this.command(
			'noting a pause end',
			async () =>
				await this.main.redis
					.multi()
					.zadd(this.keyPrefix + 'pause-ends', at, key)
					.hset(this.keyPrefix + 'pause-end-details', key, detail)
					.exec(),
		);
	}

	async takeDuePauseEnds(now: number, limit: number): Promise<PauseEnd[]> {
		const flat = (await this.command(
			'taking ended pauses',
			async () =>
				await this.evalScript(
					TAKE_PAUSE_ENDS,
					[this.keyPrefix + 'pause-ends', this.keyPrefix + 'pause-end-details'],
					[String(now), String(limit)],
				),
		)) as string[];
		const taken: PauseEnd[] = [];
		for (let i = 0; i + 2 < flat.length; i += 3) {
			taken.push({ key: flat[i], at: Number(flat[i + 1]), detail: flat[i + 2] });
		}
		return taken;
	}

	async releaseClaim(key: string): Promise<void> {
		await this.command(
			'releasing a claim',
			async () => await this.main.redis.del(this.claimKey(key)),
		);
	}

	async settleClaim(key: string, outcome: string, ttlMs: number): Promise<void> {
		const px = checkTtl(ttlMs);
		await this.command(
			'settling a claim',
			async () =>
				await this.main.redis
					.multi()
					.set(this.outcomeKey(key), outcome, 'PX', px)
					.set(this.claimKey(key), '1', 'PX', px)
					.exec(),
		);
	}

	async claimOutcome(key: string): Promise<string | undefined> {
		const value = await this.command(
			'reading a claim',
			async () => await this.main.redis.get(this.outcomeKey(key)),
		);
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
		if (this.ownsClient) connections.push(this.main.redis);
		else this.main.unwatch();
		await Promise.all(connections.map(async (connection) => await quit(connection)));
	}

	/** The Redis key of a conversation (for tests and tools that look at Redis directly). */
	conversationKey(key: string): string {
		return this.keyPrefix + 'conv:' + key;
	}

	/** One command (or pipeline) on the main connection, once it is ready, within the deadline. */
	private async command<T>(doing: string, operation: () => Promise<T>): Promise<T> {
		return await this.withDeadline(doing, async (signal) => {
			await this.whenReady(this.main, signal);
			return await operation();
		});
	}

	/**
	 * Runs `operation` with a deadline of `timeoutMs`: past it, the caller gets StoreUnavailable at once
	 * and `signal` tells the operation to stop before it writes. Whatever is thrown is handed on
	 * without the password; errors that mean Redis did not answer become StoreUnavailable.
	 */
	private async withDeadline<T>(
		doing: string,
		operation: (signal: AbortSignal) => Promise<T>,
	): Promise<T> {
		const controller = new AbortController();
		let timer: NodeJS.Timeout | undefined;
		const expired = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				const error = this.unavailable(
					`did not answer within ${this.timeoutMs} ms (${doing}): it may be overloaded, paused ` +
						'or cut off; check the Redis server and the network to it',
				);
				controller.abort(error);
				reject(error);
			}, this.timeoutMs);
		});
		try {
			if (this.closed) throw new Error('RedisStore is closed');
			return await Promise.race([operation(controller.signal), expired]);
		} catch (error) {
			throw this.redacted(this.asUnavailable(error, doing));
		} finally {
			clearTimeout(timer);
		}
	}

	/** An error of ioredis that means Redis is not there becomes StoreUnavailable; others stay as they are. */
	private asUnavailable(error: unknown, doing: string): unknown {
		if (isStoreUnavailable(error) || !(error instanceof Error)) return error;
		if (this.closed || !UNREACHABLE.test(error.message)) return error;
		// A connection of the pool can lose its socket before it has tried to reconnect; when the main
		// connection's last attempt was refused (one server for all), that is the reason to give.
		const refused = this.main.failure;
		if (refused !== undefined && CONNECTION_LOST.test(error.message))
			return this.unreachable(refused);
		return this.unavailable(`did not answer (${doing}): ${error.message}`, error);
	}

	private unavailable(problem: string, cause?: unknown): StoreUnavailable {
		const { host, port } = this.main.redis.options;
		return new StoreUnavailable(`The Redis state store at ${host}:${port} ${problem}`, { cause });
	}

	private unreachable(error: Error): StoreUnavailable {
		return this.unavailable(
			`is not reachable (${error.message}): start it, or check the host, port and password of ` +
				'the Redis credential',
			error,
		);
	}

	/** Follows a connection's state, so that an operation knows at once whether it is worth waiting for. */
	private watch(redis: Redis): Connection {
		const onReady = () => {
			connection.generation++;
			connection.failure = undefined;
		};
		// Also keeps ioredis from logging each failed attempt as an unhandled error event.
		const onError = (error: Error) => (connection.failure = this.redacted(error));
		const connection: Connection = {
			redis,
			generation: 0,
			failure: undefined,
			unwatch: () => {
				redis.off('ready', onReady);
				redis.off('error', onError);
			},
		};
		redis.on('ready', onReady);
		redis.on('error', onError);
		return connection;
	}

	/**
	 * Resolves once the connection is ready. Fails at once when its last attempt failed (Redis down,
	 * refused, wrong password) and it has not been ready since: waiting for the next attempt would
	 * only make the caller wait; that attempt goes on in the background.
	 */
	private async whenReady(connection: Connection, signal: AbortSignal): Promise<void> {
		const { redis } = connection;
		if (redis.status === 'ready') return;
		if (this.closed) throw new Error('RedisStore is closed');
		if (redis.status === 'end') throw this.unavailable('connection was closed');
		if (connection.failure) throw this.unreachable(connection.failure);
		if (redis.status === 'wait') redis.connect().catch(() => undefined);
		// One wait per connection attempt, however many operations wait for it.
		connection.ready ??= new Promise<void>((resolve, reject) => {
			const done = (error?: Error) => {
				redis.off('ready', onReady);
				redis.off('error', onError);
				redis.off('end', onEnd);
				connection.ready = undefined;
				if (error) reject(error);
				else resolve();
			};
			const onReady = () => done();
			const onError = (error: Error) => done(this.unreachable(error));
			const onEnd = () => done(this.unavailable('connection was closed'));
			redis.on('ready', onReady);
			redis.on('error', onError);
			redis.on('end', onEnd);
		});
		connection.ready.catch(() => undefined);
		await untilAborted(connection.ready, signal);
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
		connection: Connection,
		key: string,
		redisKey: string,
		update: (current: ConversationMemory | undefined) => { memory: ConversationMemory; result: T },
		px: number,
		signal: AbortSignal,
	): Promise<T> {
		const { redis } = connection;
		for (let attempt = 1; ; attempt++) {
			await this.whenReady(connection, signal);
			const generation = connection.generation;
			// Sent together: the GET is answered after the WATCH is in place.
			const [, raw] = await Promise.all([redis.watch(redisKey), redis.get(redisKey)]);
			let next: { memory: ConversationMemory; result: T };
			let value: string;
			try {
				next = update(raw === null ? undefined : this.memory.read(key, raw));
				value = encodeMemory(next.memory);
				// Past the deadline the caller was told nothing was written: it must stay so.
				signal.throwIfAborted();
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

	private async acquireConnection(signal: AbortSignal): Promise<Connection> {
		if (this.closed) throw new Error('RedisStore is closed');
		const idle = this.idleConnections.pop();
		if (idle) return idle;
		if (this.transactionConnections.length < this.maxTransactionConnections) {
			// No offline queue and no resend: a command never reaches a new connection that lacks the WATCH.
			const connection = this.watch(
				this.main.redis.duplicate({ ...this.failFast, autoResendUnfulfilledCommands: false }),
			);
			this.transactionConnections.push(connection);
			return connection;
		}
		return await new Promise((resolve, reject) => {
			const waiter = { resolve, reject };
			this.connectionWaiters.push(waiter);
			// An update past its deadline leaves the queue: it must not take a connection later.
			signal.addEventListener(
				'abort',
				() => {
					const index = this.connectionWaiters.indexOf(waiter);
					if (index >= 0) this.connectionWaiters.splice(index, 1);
					reject(signal.reason as Error);
				},
				{ once: true },
			);
		});
	}

	private releaseConnection(connection: Connection): void {
		if (this.closed) return;
		const waiter = this.connectionWaiters.shift();
		if (waiter) waiter.resolve(connection);
		else this.idleConnections.push(connection);
	}

	/** EVALSHA, loading the script with EVAL when the server does not know it yet. */
	private async evalScript(script: Script, keys: string[], args: string[]): Promise<unknown> {
		try {
			return await this.main.redis.evalsha(script.sha, keys.length, ...keys, ...args);
		} catch (error) {
			if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
			return await this.main.redis.eval(script.lua, keys.length, ...keys, ...args);
		}
	}
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
