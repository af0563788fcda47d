/**
 * A throw-away PostgreSQL cluster for the queue-mode e2e tests: Debian's `postgresql` package,
 * `initdb` into a temp folder, `postgres` on 127.0.0.1 on a free port (no Unix socket), trust
 * authentication, durability off (fsync, synchronous_commit, full_page_writes) since the data is
 * thrown away. PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` OS user
 * that Debian's package creates (`nobody` when there is none), through spawn's uid/gid.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	rmSync,
	statSync,
	writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { FatalError, HOST, freePort, log, tail, waitFor, within } from './n8n';

export interface PostgresServer {
	readonly host: string;
	readonly port: number;
	readonly user: string;
	readonly database: string;
	/** postgres's own log (stdout + stderr of initdb and postgres). */
	readonly logFile: string;
	/** How long initdb + start took. */
	readonly startMs: number;
	/** n8n's environment for this database (DB_TYPE=postgresdb, DB_POSTGRESDB_*). */
	n8nEnv(): Record<string, string>;
	/** Runs one SQL statement with psql and returns its unaligned output. */
	query(sql: string): Promise<string>;
	/** Stops the server and deletes its folder (kept when KEEP_N8N_E2E is set). */
	stop(): Promise<void>;
}

export const POSTGRES_NOT_INSTALLED =
	'PostgreSQL is not installed (the queue-mode e2e test runs its own cluster): apt-get install -y postgresql';

const USER = 'n8n';
const DATABASE = 'n8n';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;

interface Binaries {
	initdb: string;
	postgres: string;
	psql: string;
}

/** initdb / postgres / psql of the newest PostgreSQL in /usr/lib/postgresql/<version>/bin. */
function findBinaries(): Binaries {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root)
		? readdirSync(root)
				.filter((entry) => /^\d+$/.test(entry))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const version of versions) {
		const bin = join(root, version, 'bin');
		const found = {
			initdb: join(bin, 'initdb'),
			postgres: join(bin, 'postgres'),
			psql: join(bin, 'psql'),
		};
		if (Object.values(found).every((file) => existsSync(file))) return found;
	}
	throw new Error(POSTGRES_NOT_INSTALLED);
}

interface RunAs {
	uid: number;
	gid: number;
	name: string;
}

function idOf(user: string): RunAs | undefined {
	try {
		const id = (flag: string) =>
			Number(execFileSync('id', [flag, user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
		const uid = id('-u');
		const gid = id('-g');
		return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, name: user } : undefined;
	} catch {
		return undefined;
	}
}

/** The OS user the cluster runs as: undefined = this process's user (not root). */
function runAsUser(): RunAs | undefined {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const user = idOf('postgres') ?? idOf('nobody');
	if (!user) throw new Error('Running as root and found neither a postgres nor a nobody OS user');
	return user;
}

/** True when every folder above `dir` can be traversed by `user` (others' x bit, or theirs). */
function traversable(dir: string, user: RunAs): boolean {
	for (let current = dirname(dir); ; current = dirname(current)) {
		const stat = statSync(current);
		const mode = stat.mode;
		const ok =
			(mode & 0o001) !== 0 ||
			(stat.uid === user.uid && (mode & 0o100) !== 0) ||
			(stat.gid === user.gid && (mode & 0o010) !== 0);
		if (!ok) return false;
		if (dirname(current) === current) return true;
	}
}

/** A temp folder the cluster user can reach: tmpdir(), or /tmp when tmpdir() is closed to it. */
function makeBaseDir(user: RunAs | undefined): string {
	let parent = tmpdir();
	if (user && !traversable(join(parent, 'x'), user)) parent = '/tmp';
	const base = mkdtempSync(join(parent, 'n8n-e2e-pg-'));
	if (user) {
		chmodSync(base, 0o755);
		if (!traversable(join(base, 'x'), user)) {
			rmSync(base, { recursive: true, force: true });
			throw new Error(`${user.name} cannot reach ${base}: give the folders above it o+x`);
		}
	}
	return base;
}

function appendLog(logFile: string, text: string): void {
	const fd = openSync(logFile, 'a');
	try {
		writeSync(fd, text);
	} finally {
		closeSync(fd);
	}
}

/** Runs a command to completion with output appended to the log; rejects on failure or timeout. */
async function runLogged(
	command: string,
	args: string[],
	options: { cwd: string; user: RunAs | undefined; logFile: string },
): Promise<string> {
	appendLog(options.logFile, `\n$ ${command} ${args.join(' ')}\n`);
	return await new Promise((done, fail) => {
		execFile(
			command,
			args,
			{
				cwd: options.cwd,
				env: { ...process.env, LC_ALL: 'C', PGCONNECT_TIMEOUT: '5' },
				timeout: COMMAND_TIMEOUT_MS,
				killSignal: 'SIGKILL',
				...(options.user && { uid: options.user.uid, gid: options.user.gid }),
			},
			(error, stdout, stderr) => {
				appendLog(options.logFile, `${stdout}${stderr}`);
				if (error) {
					fail(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`));
				} else {
					done(stdout);
				}
			},
		);
	});
}

class PostgresProcess implements PostgresServer {
	readonly host = HOST;
	readonly user = USER;
	readonly database = DATABASE;
	startMs = 0;
	private child: ChildProcess | undefined;
	private exited: Promise<void> = Promise.resolve();
	private exitInfo: string | undefined;
	private readonly killOnExit = () => {
		if (this.child?.pid !== undefined) {
			try {
				process.kill(-this.child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	};

	constructor(
		private readonly bins: Binaries,
		private readonly runAs: RunAs | undefined,
		private readonly baseDir: string,
		readonly port: number,
		readonly logFile: string,
	) {}

	private get dataDir(): string {
		return join(this.baseDir, 'data');
	}

	n8nEnv(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: this.host,
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_SCHEMA: 'public',
		};
	}

	private psqlArgs(database: string, sql: string): string[] {
		return [
			'-X',
			'-q',
			'-A',
			'-t',
			'-v',
			'ON_ERROR_STOP=1',
			'-h',
			this.host,
			'-p',
			String(this.port),
			'-U',
			this.user,
			'-d',
			database,
			'-c',
			sql,
		];
	}

	async query(sql: string): Promise<string> {
		return (
			await runLogged(this.bins.psql, this.psqlArgs(this.database, sql), {
				cwd: this.baseDir,
				user: this.runAs,
				logFile: this.logFile,
			})
		).trim();
	}

	async initdb(): Promise<void> {
		mkdirSync(this.dataDir, { mode: 0o700 });
		if (this.runAs) chownSync(this.dataDir, this.runAs.uid, this.runAs.gid);
		await runLogged(
			this.bins.initdb,
			[
				'-D',
				this.dataDir,
				'-U',
				this.user,
				'--auth=trust',
				'--encoding=UTF8',
				'--locale=C',
				'--no-sync',
			],
			{ cwd: this.baseDir, user: this.runAs, logFile: this.logFile },
		);
	}

	async start(): Promise<void> {
		const started = Date.now();
		appendLog(this.logFile, `\n===== starting postgres on ${this.host}:${this.port} =====\n`);
		const fd = openSync(this.logFile, 'a');
		let child: ChildProcess;
		try {
			child = spawn(
				this.bins.postgres,
				[
					'-D',
					this.dataDir,
					'-p',
					String(this.port),
					'-c',
					`listen_addresses=${this.host}`,
					'-c',
					'unix_socket_directories=',
					'-c',
					'fsync=off',
					'-c',
					'synchronous_commit=off',
					'-c',
					'full_page_writes=off',
					'-c',
					'max_connections=200',
				],
				{
					cwd: this.baseDir,
					env: { ...process.env, LC_ALL: 'C' },
					stdio: ['ignore', fd, fd],
					detached: true,
					...(this.runAs && { uid: this.runAs.uid, gid: this.runAs.gid }),
				},
			);
		} finally {
			closeSync(fd);
		}
		this.child = child;
		process.once('exit', this.killOnExit);
		this.exited = new Promise<void>((done) => {
			child.once('exit', (code, signal) => {
				this.exitInfo = `exit code ${String(code)}, signal ${String(signal)}`;
				process.off('exit', this.killOnExit);
				done();
			});
			child.once('error', (error) => {
				this.exitInfo = `spawn error: ${error.message}`;
				process.off('exit', this.killOnExit);
				done();
			});
		});
		try {
			await waitFor(`postgres on port ${this.port}`, START_TIMEOUT_MS, async () => {
				if (this.exitInfo) throw new FatalError(`postgres exited during start (${this.exitInfo})`);
				await runLogged(this.bins.psql, this.psqlArgs('postgres', 'SELECT 1'), {
					cwd: this.baseDir,
					user: this.runAs,
					logFile: this.logFile,
				});
				return true;
			});
			await runLogged(this.bins.psql, this.psqlArgs('postgres', `CREATE DATABASE ${DATABASE}`), {
				cwd: this.baseDir,
				user: this.runAs,
				logFile: this.logFile,
			});
		} catch (error) {
			await this.halt();
			throw new Error(
				`${(error as Error).message}\n--- ${this.logFile} ---\n${tail(this.logFile, 30)}`,
			);
		}
		this.startMs = Date.now() - started;
	}

	/** SIGINT = fast shutdown; SIGKILL of the group if it takes too long. */
	private async halt(): Promise<void> {
		const child = this.child;
		if (!child) return;
		this.child = undefined;
		if (!this.exitInfo) {
			child.kill('SIGINT');
			if (
				!(await within(
					this.exited.then(() => true),
					STOP_TIMEOUT_MS,
				))
			) {
				log(`postgres did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
			}
		}
		if (child.pid !== undefined) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		await within(this.exited, 5000);
	}

	async stop(): Promise<void> {
		await this.halt();
		if (!process.env.KEEP_N8N_E2E) rmSync(this.baseDir, { recursive: true, force: true });
	}
}

/**
 * Starts a private PostgreSQL cluster on 127.0.0.1 on a free port with an empty database `n8n`
 * owned by the superuser `n8n` (trust authentication), and waits until it answers a query.
 */
export async function startPostgres(): Promise<PostgresServer> {
	const started = Date.now();
	const bins = findBinaries();
	const runAs = runAsUser();
	const baseDir = makeBaseDir(runAs);
	const logFile = join(baseDir, 'postgres.log');
	let lastError: Error | undefined;
	try {
		for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			const server = new PostgresProcess(bins, runAs, baseDir, await freePort(), logFile);
			if (attempt === 1) await server.initdb();
			try {
				await server.start();
				server.startMs = Date.now() - started;
				log(
					`postgres ready on ${server.host}:${server.port} in ${(server.startMs / 1000).toFixed(1)} s` +
						`${runAs ? ` (as ${runAs.name})` : ''}`,
				);
				return server;
			} catch (error) {
				lastError = error as Error;
				// Only a port lost to someone else between freePort() and bind is worth another try.
				if (
					!/could not (create listen socket|bind)|address already in use/i.test(lastError.message)
				)
					break;
			}
		}
	} catch (error) {
		lastError = error as Error;
	}
	if (!process.env.KEEP_N8N_E2E) rmSync(baseDir, { recursive: true, force: true });
	throw lastError ?? new Error('postgres did not start');
}
