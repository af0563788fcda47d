/**
 * n8n in queue mode on one host: a main (`n8n start`: editor, REST, webhooks, enqueues executions
 * in Bull on Redis) and N workers (`n8n worker`: run the executions), sharing one database and one
 * encryption key, each with its own user folder (as on separate hosts) holding its copy of the
 * community package. Redis is the caller's (e.g. test/store/redisServer.ts); the database is a
 * private PostgreSQL cluster started here (harness/postgres.ts). `database: 'sqlite'` (the main's
 * SQLite file opened by every process) is kept for experiments only: n8n 2.40.7 starts with it
 * (it only warns "not officially supported"), but under load workers fail executions with
 * SQLITE_BUSY (3 of 100 in the 200-conversation test) and webhooks slow down (see README.md).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	HOST,
	N8nChild,
	createN8n,
	ensureN8nInstalled,
	freePorts,
	installPackage,
	log,
	n8nEnv,
	tail,
} from './n8n';
import type { Execution, ExecutionSummary, N8nInstance, N8nProcess, WorkflowJson } from './n8n';
import { startPostgres, type PostgresServer } from './postgres';

export type QueueDatabase = 'postgres' | 'sqlite';

export interface QueueStartOptions {
	/** The Redis of n8n's queue (QUEUE_BULL_REDIS_HOST / _PORT / _DB). */
	redis: { host?: string; port: number; db?: number };
	/** A built community package folder, copied into every process's user folder. */
	packageDir?: string;
	/** Number of `n8n worker` processes. Default 2. */
	workers?: number;
	/** Jobs one worker runs at once (`n8n worker --concurrency`). Default 10. */
	workerConcurrency?: number;
	/** Default 'postgres' (a private cluster, stopped by destroy()); 'sqlite' loses executions under load. */
	database?: QueueDatabase;
	/** Extra / overriding environment for every process. */
	env?: Record<string, string>;
}

export interface QueueWorker {
	readonly name: string;
	readonly userFolder: string;
	readonly logFile: string;
	/** Worker server (QUEUE_HEALTH_CHECK_PORT): `${healthUrl}/readiness` is 200 once it takes jobs. */
	readonly healthUrl: string;
	logTail(lines?: number): string;
}

export interface N8nQueueInstance extends N8nInstance {
	readonly database: QueueDatabase;
	/** The PostgreSQL cluster when `database` is 'postgres'. */
	readonly postgres: PostgresServer | undefined;
	readonly workers: readonly QueueWorker[];
	/** The environment every process shares (queue, database, encryption key), for the record. */
	readonly sharedEnv: Readonly<Record<string, string>>;
	/** Per phase of the last start, ms: database, main, workers, total. */
	readonly startTimings: Readonly<Record<'database' | 'main' | 'workers' | 'total', number>>;
	/**
	 * Execution ids each worker says it finished ("Worker finished execution <id>" in its log), by
	 * worker name; and the ids the main enqueued ("Enqueued execution <id>").
	 */
	executionsByProcess(): { enqueuedByMain: string[]; finishedByWorker: Record<string, string[]> };
}

const READY_TIMEOUT_MS = 120_000;

function matchesIn(file: string, pattern: RegExp): string[] {
	if (!existsSync(file)) return [];
	const text = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
	return [...text.matchAll(pattern)].map((match) => match[1]);
}

class WorkerProcess implements QueueWorker {
	readonly logFile: string;
	readonly healthUrl: string;
	readonly child: N8nChild;

	constructor(
		bin: string,
		readonly name: string,
		readonly userFolder: string,
		mainPort: number,
		readonly brokerPort: number,
		readonly healthPort: number,
		concurrency: number,
		env: Record<string, string>,
	) {
		this.logFile = join(userFolder, 'n8n.log');
		this.healthUrl = `http://${HOST}:${healthPort}/healthz`;
		this.child = new N8nChild({
			name,
			bin,
			args: ['worker', `--concurrency=${concurrency}`],
			cwd: userFolder,
			env: n8nEnv(userFolder, mainPort, brokerPort, {
				...env,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_WORKER_SERVER_ADDRESS: HOST,
			}),
			logFile: this.logFile,
		});
	}

	get ports(): number[] {
		return [this.brokerPort, this.healthPort];
	}

	logTail(lines = 80): string {
		return tail(this.logFile, lines);
	}

	async start(): Promise<void> {
		this.child.spawn();
		try {
			await this.child.waitUntilReady(`${this.healthUrl}/readiness`, READY_TIMEOUT_MS);
		} catch (error) {
			await this.child.stop();
			throw new Error(
				`${(error as Error).message}\n--- ${this.name} log (${this.logFile}) ---\n${this.logTail()}`,
			);
		}
	}
}

class QueueInstance implements N8nQueueInstance {
	startTimings = { database: 0, main: 0, workers: 0, total: 0 };

	constructor(
		private readonly main: N8nProcess,
		readonly workers: WorkerProcess[],
		readonly database: QueueDatabase,
		readonly postgres: PostgresServer | undefined,
		readonly sharedEnv: Record<string, string>,
		private readonly packageDir: string | undefined,
		private readonly rootFolder: string,
	) {}

	get baseUrl(): string {
		return this.main.baseUrl;
	}
	get port(): number {
		return this.main.port;
	}
	get userFolder(): string {
		return this.main.userFolder;
	}
	get logFile(): string {
		return this.main.logFile;
	}
	get lastStartMs(): number {
		return this.startTimings.total;
	}

	webhookUrl(path: string): string {
		return this.main.webhookUrl(path);
	}
	async importWorkflow(workflow: WorkflowJson): Promise<string> {
		return await this.main.importWorkflow(workflow);
	}
	async executions(workflowId: string): Promise<Execution[]> {
		return await this.main.executions(workflowId);
	}
	async executionSummaries(workflowId: string): Promise<ExecutionSummary[]> {
		return await this.main.executionSummaries(workflowId);
	}
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs?: number,
	): Promise<Execution[]> {
		return await this.main.waitForExecutions(workflowId, count, timeoutMs);
	}
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		return await this.main.rest<T>(method, path, body);
	}

	logTail(lines = 80): string {
		const parts = [`--- main (${this.main.logFile}) ---\n${this.main.logTail(lines)}`];
		for (const worker of this.workers) {
			parts.push(`--- ${worker.name} (${worker.logFile}) ---\n${worker.logTail(lines)}`);
		}
		return parts.join('\n');
	}

	executionsByProcess(): { enqueuedByMain: string[]; finishedByWorker: Record<string, string[]> } {
		const finishedByWorker: Record<string, string[]> = {};
		for (const worker of this.workers) {
			finishedByWorker[worker.name] = matchesIn(
				worker.logFile,
				/Worker finished execution (\d+) \(job /g,
			);
		}
		return {
			enqueuedByMain: matchesIn(this.main.logFile, /Enqueued execution (\d+) \(job /g),
			finishedByWorker,
		};
	}

	/** Main first (it runs the migrations on a new database and sets up the owner), then the workers. */
	async start(): Promise<void> {
		const started = Date.now();
		for (const worker of this.workers) {
			if (this.packageDir) installPackage(this.packageDir, worker.userFolder);
		}
		await this.main.start();
		const mainReady = Date.now();
		this.startTimings.main = mainReady - started;
		const results = await Promise.allSettled(this.workers.map((worker) => worker.start()));
		const failed = results.find((result) => result.status === 'rejected');
		if (failed) {
			await this.stop();
			throw (failed as PromiseRejectedResult).reason;
		}
		this.startTimings.workers = Date.now() - mainReady;
		this.startTimings.total = this.startTimings.database + Date.now() - started;
		log(
			`n8n queue mode ready: main ${this.startTimings.main} ms, ${this.workers.length} worker(s) ` +
				`${this.startTimings.workers} ms, database (${this.database}) ${this.startTimings.database} ms`,
		);
	}

	/** Main first (no new executions are enqueued), then the workers (each finishes its jobs). */
	async stop(): Promise<void> {
		await this.main.stop();
		await Promise.all(this.workers.map((worker) => worker.child.stop()));
	}

	/** Stops every process, the PostgreSQL cluster, and deletes the folders (kept with KEEP_N8N_E2E). */
	async destroy(): Promise<void> {
		const started = Date.now();
		try {
			await this.stop();
			log(`n8n queue mode stopped in ${Date.now() - started} ms`);
		} finally {
			await this.postgres?.stop();
			if (!process.env.KEEP_N8N_E2E) rmSync(this.rootFolder, { recursive: true, force: true });
		}
	}

	async restart(): Promise<void> {
		await this.stop();
		await this.start();
	}
}

/**
 * Starts n8n in queue mode: database (PostgreSQL by default), main, then the workers in parallel.
 * Resolves once the main's /healthz/readiness and every worker's /healthz/readiness are 200 and the
 * owner is logged in. Call `destroy()` when done.
 */
export async function startN8nQueue(options: QueueStartOptions): Promise<N8nQueueInstance> {
	const bin = await ensureN8nInstalled();
	const database = options.database ?? 'postgres';
	const workerCount = options.workers ?? 2;
	const rootFolder = mkdtempSync(join(tmpdir(), 'n8n-e2e-queue-'));
	const mainFolder = join(rootFolder, 'main');
	mkdirSync(mainFolder);

	let postgres: PostgresServer | undefined;
	const databaseStarted = Date.now();
	try {
		if (database === 'postgres') postgres = await startPostgres();
	} catch (error) {
		rmSync(rootFolder, { recursive: true, force: true });
		throw error;
	}
	const databaseMs = Date.now() - databaseStarted;

	const sharedEnv: Record<string, string> = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: options.redis.host ?? HOST,
		QUEUE_BULL_REDIS_PORT: String(options.redis.port),
		QUEUE_BULL_REDIS_DB: String(options.redis.db ?? 0),
		// Every process must decrypt the credentials the main saved.
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64'),
		...(postgres
			? postgres.n8nEnv()
			: { DB_TYPE: 'sqlite', DB_SQLITE_DATABASE: join(mainFolder, '.n8n', 'database.sqlite') }),
		...options.env,
	};

	const main = await createN8n({
		userFolder: mainFolder,
		packageDir: options.packageDir,
		// The main's own executions are jobs that the workers finish: it need not wait long for them
		// (under load it keeps waiting for a few whose Bull "completed" event it missed).
		env: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5', ...sharedEnv },
	});
	const workers: WorkerProcess[] = [];
	for (let index = 1; index <= workerCount; index++) {
		const folder = join(rootFolder, `worker-${index}`);
		mkdirSync(folder);
		const taken = new Set([main.port, main.brokerPort, ...workers.flatMap((w) => w.ports)]);
		let brokerPort: number;
		let healthPort: number;
		do {
			[brokerPort, healthPort] = await freePorts(2);
		} while (taken.has(brokerPort) || taken.has(healthPort));
		const worker = new WorkerProcess(
			bin,
			`worker-${index}`,
			folder,
			main.port,
			brokerPort,
			healthPort,
			options.workerConcurrency ?? 10,
			sharedEnv,
		);
		workers.push(worker);
	}

	const instance = new QueueInstance(
		main,
		workers,
		database,
		postgres,
		sharedEnv,
		options.packageDir,
		rootFolder,
	);
	instance.startTimings.database = databaseMs;
	try {
		await instance.start();
	} catch (error) {
		await instance.destroy();
		throw error;
	}
	return instance;
}
