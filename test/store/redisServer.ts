import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
	url: string;
	port: number;
	/** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as with a hung Redis. */
	pause(): void;
	/** Lets a paused server go on (SIGCONT); what it was sent meanwhile is then answered. */
	resume(): void;
	stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** A free port may be taken by someone else before redis-server binds it: try a few. */
const START_ATTEMPTS = 3;

const NOT_INSTALLED =
	'redis-server is not installed (the Redis tests start a real one): apt-get install redis-server';

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, HOST, () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** True when a Redis on the port answers PING with PONG. */
async function answersPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = createConnection({ host: HOST, port });
		let data = '';
		const finish = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(500, () => finish(false));
		socket.once('error', () => finish(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			data += chunk.toString();
			if (data.includes('\r\n')) finish(data.startsWith('+PONG'));
		});
	});
}

async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	// A paused server would not act on SIGTERM before it is let go on.
	child.kill('SIGCONT');
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
	await exited;
	clearTimeout(timer);
}

async function startOnce(port: number, dir: string): Promise<RedisServer> {
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			HOST,
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	// A test run that dies without afterAll must not leave the server behind.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	child.once('exit', () => process.off('exit', killOnExit));
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let failure: Error | undefined;
	child.once('error', (error: NodeJS.ErrnoException) => {
		failure = error.code === 'ENOENT' ? new Error(NOT_INSTALLED) : error;
	});
	child.once('exit', (code, signal) => {
		failure ??= new Error(
			`redis-server on port ${port} exited (${signal ?? code}) before answering PING:\n${output}`,
		);
	});

	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!failure) {
		if (await answersPing(port)) {
			return {
				url: `redis://${HOST}:${port}`,
				port,
				pause: () => child.kill('SIGSTOP'),
				resume: () => child.kill('SIGCONT'),
				stop: async () => await stopProcess(child),
			};
		}
		if (Date.now() > deadline) {
			await stopProcess(child);
			throw new Error(
				`redis-server on port ${port} did not answer PING in ${START_TIMEOUT_MS} ms:\n${output}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	await stopProcess(child);
	throw failure;
}

/**
 * Starts a throw-away redis-server (Debian's package) on 127.0.0.1 on a free port, with no persistence,
 * and waits until it answers PING. `stop()` ends it and removes its folder.
 */
export async function startRedisServer(): Promise<RedisServer> {
	const dir = mkdtempSync(join(tmpdir(), 'handover-redis-'));
	let lastError: Error | undefined;
	for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
		try {
			const server = await startOnce(await freePort(), dir);
			return {
				...server,
				stop: async () => {
					await server.stop();
					rmSync(dir, { recursive: true, force: true });
				},
			};
		} catch (error) {
			lastError = error as Error;
			// Not installed stays not installed; only a port lost to someone else is worth another try.
			if (
				lastError.message === NOT_INSTALLED ||
				!/address already in use/i.test(lastError.message)
			) {
				break;
			}
		}
	}
	rmSync(dir, { recursive: true, force: true });
	throw lastError ?? new Error('redis-server did not start');
}
