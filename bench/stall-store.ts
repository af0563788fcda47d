/**
 * `npm run bench:stall-store`: the worst event-loop delay (perf_hooks monitorEventLoopDelay) while the
 * state store cannot answer at once, with a detector turn (one store update around detectHandover,
 * as the doors do) arriving every 20 ms all along:
 *
 * - the SQLite file locked: another process holds BEGIN IMMEDIATE on the store file for 5 s;
 * - a prune of 500,000 expired conversations (`store.prune()`);
 * - a hung Redis: redis-server paused (SIGSTOP) for 5 s;
 * - a stopped Redis: redis-server ended.
 *
 * Each line also says what the turns got (answered, StoreUnavailable, another error, still pending)
 * and the slowest answer. Goal: a worst delay under 50 ms, and no turn waiting much past the stores'
 * deadline. Not a timed test: the figures depend on the machine; `--only=<text>` runs the cases whose
 * name contains the text.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';

import { detectHandover } from '../nodes/engine/detectHandover';
import { EmbeddedStore } from '../nodes/store/EmbeddedStore';
import type { HandoverStore } from '../nodes/store/HandoverStore';
import { RedisStore } from '../nodes/store/RedisStore';
import { startRedisServer } from '../test/store/redisServer';

const GOAL_MS = 50;
const ARRIVAL_MS = 20;
/** How long the store is locked, paused or stopped while turns arrive. */
const WINDOW_MS = 5000;
/** After the window, how long turns still waiting get before they are counted as pending. */
const GRACE_MS = 15_000;
const EXPIRED_ROWS = 500_000;
const TTL_MS = 30 * 24 * 60 * 60 * 1000;
const WARM_UP_TURNS = 200;

type State = 'pending' | 'answered' | 'unavailable' | 'error';

interface TurnOutcome {
	state: State;
	ms: number;
	message?: string;
	done: Promise<void>;
}

/** One detector turn of conversation `n`; never rejects, records what it got. */
function sendTurn(store: HandoverStore, n: number): TurnOutcome {
	const started = performance.now();
	const outcome: TurnOutcome = { state: 'pending', ms: 0, done: Promise.resolve() };
	outcome.done = store
		.updateConversation(
			`bench:conv-${n % 500}`,
			(memory) => {
				const detection = detectHandover(
					{
						conversationId: `conv-${n % 500}`,
						platform: 'generic',
						userMessage: 'What are your opening hours on Saturday?',
						botReply: 'We are open from 9 to 5.',
					},
					memory,
				);
				return { memory: detection.memory, result: detection.handover };
			},
			TTL_MS,
		)
		.then(
			() => {
				outcome.state = 'answered';
			},
			(error: Error) => {
				// By name: the code before StoreUnavailable existed is measured with this script too.
				outcome.state = error?.name === 'StoreUnavailable' ? 'unavailable' : 'error';
				outcome.message = String(error?.message).slice(0, 70);
			},
		)
		.finally(() => (outcome.ms = performance.now() - started));
	return outcome;
}

interface Figures {
	worstMs: number;
	p99Ms: number;
	turns: TurnOutcome[];
	/** What else to say of the case. */
	note?: string;
}

/**
 * Turns arrive every ARRIVAL_MS for WINDOW_MS (or until `action` is done, if longer); then `restore`
 * runs and the turns still waiting get GRACE_MS. The event-loop delay is recorded throughout.
 */
async function underLoad(
	store: HandoverStore,
	options: { action?: () => Promise<void>; restore?: () => Promise<void> } = {},
): Promise<Figures> {
	const delay = monitorEventLoopDelay({ resolution: 1 });
	delay.enable();
	await sleep(20);
	const turns: TurnOutcome[] = [];
	let n = 0;
	const arrivals = setInterval(() => turns.push(sendTurn(store, n++)), ARRIVAL_MS);
	await Promise.all([sleep(WINDOW_MS), options.action?.()]);
	clearInterval(arrivals);
	await options.restore?.();
	await Promise.race([Promise.all(turns.map((turn) => turn.done)), sleep(GRACE_MS)]);
	await sleep(20);
	delay.disable();
	return { worstMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, turns };
}

async function warmUp(store: HandoverStore): Promise<void> {
	for (let n = 0; n < WARM_UP_TURNS; n++) await sendTurn(store, n).done;
}

/** Another process takes the file's write lock and keeps it for `holdMs`. Resolves once it holds it. */
async function holdLockElsewhere(
	filePath: string,
	holdMs: number,
): Promise<{ ended: Promise<void> }> {
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const [file, holdMs] = process.argv.slice(1);
		const db = new DatabaseSync(file);
		db.exec('BEGIN IMMEDIATE');
		process.stdout.write('locked\\n');
		setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(holdMs));
	`;
	const child = spawn(process.execPath, ['-e', script, filePath, String(holdMs)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	await new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => resolve());
		child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
	});
	return { ended };
}

/** Expired conversation rows, written straight into the file as a long-running n8n leaves them. */
function fillExpired(filePath: string, count: number): void {
	const db = new DatabaseSync(filePath);
	try {
		const value = JSON.stringify({
			failedAttempts: 1,
			lastUserMessages: ['what are your opening hours on saturday'],
			transcript: [
				{
					role: 'user',
					text: 'What are your opening hours on Saturday?',
					at: new Date().toISOString(),
				},
				{ role: 'bot', text: 'We are open from 9 to 5.', at: new Date().toISOString() },
			],
			updatedAt: new Date().toISOString(),
		});
		db.prepare(
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT OR REPLACE INTO conversations (key, value, expires_at)
			SELECT 'expired:' || i, ?, ? FROM n`,
		).run(count, value, Date.now() - 1000);
	} finally {
		db.close();
	}
}

interface Case {
	name: string;
	run: (folder: string) => Promise<Figures>;
}

const CASES: Case[] = [
	{
		name: `SQLite file locked by another process (${WINDOW_MS / 1000} s)`,
		run: async (folder) => {
			const filePath = join(folder, 'locked.sqlite');
			const store = new EmbeddedStore({ filePath });
			try {
				await warmUp(store);
				let holder: { ended: Promise<void> } | undefined;
				return await underLoad(store, {
					action: async () => {
						holder = await holdLockElsewhere(filePath, WINDOW_MS);
					},
					restore: async () => await holder?.ended,
				});
			} finally {
				await store.close();
			}
		},
	},
	{
		name: `prune of ${EXPIRED_ROWS.toLocaleString('en')} expired conversations`,
		run: async (folder) => {
			const filePath = join(folder, 'prune.sqlite');
			const store = new EmbeddedStore({ filePath });
			try {
				await warmUp(store);
				fillExpired(filePath, EXPIRED_ROWS);
				let pruneMs = 0;
				const figures = await underLoad(store, {
					action: async () => {
						const started = performance.now();
						await store.prune();
						pruneMs = performance.now() - started;
					},
				});
				return { ...figures, note: `the prune took ${(pruneMs / 1000).toFixed(1)} s` };
			} finally {
				await store.close();
			}
		},
	},
	{
		name: `hung Redis (SIGSTOP for ${WINDOW_MS / 1000} s)`,
		run: async () => {
			const server = await startRedisServer();
			const store = new RedisStore({ url: server.url });
			try {
				await warmUp(store);
				return await underLoad(store, {
					action: async () => server.pause(),
					restore: async () => server.resume(),
				});
			} finally {
				server.resume();
				await store.close();
				await server.stop();
			}
		},
	},
	{
		name: 'stopped Redis',
		run: async () => {
			const server = await startRedisServer();
			const store = new RedisStore({ url: server.url });
			try {
				await warmUp(store);
				return await underLoad(store, { action: async () => await server.stop() });
			} finally {
				await store.close();
				await server.stop();
			}
		},
	},
];

function option(name: string): string | undefined {
	const prefix = `--${name}=`;
	return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function report(name: string, figures: Figures): void {
	const count = (state: State) => figures.turns.filter((turn) => turn.state === state).length;
	const finished = figures.turns.filter((turn) => turn.state !== 'pending');
	const slowest = Math.max(0, ...finished.map((turn) => turn.ms));
	const errors = [
		...new Set(figures.turns.filter((turn) => turn.message).map((turn) => turn.message)),
	];
	const ms = (value: number) => `${value.toFixed(1)} ms`;
	console.log(`${name}`);
	console.log(
		`  worst event-loop delay ${ms(figures.worstMs)} (p99 ${ms(figures.p99Ms)}; goal < ${GOAL_MS} ms: ${figures.worstMs < GOAL_MS ? 'met' : 'not met'})` +
			(figures.note ? `; ${figures.note}` : ''),
	);
	console.log(
		`  ${figures.turns.length} turns: ${count('answered')} answered, ${count('unavailable')} StoreUnavailable, ` +
			`${count('error')} other errors, ${count('pending')} still pending ${GRACE_MS / 1000} s after the window; ` +
			`slowest to finish ${ms(slowest)}`,
	);
	for (const message of errors.slice(0, 3)) console.log(`  error: ${message}`);
}

async function main(): Promise<void> {
	const only = option('only');
	console.log(
		`Worst event-loop delay while the state store cannot answer, a turn every ${ARRIVAL_MS} ms, Node ${process.version}`,
	);
	const folder = mkdtempSync(join(tmpdir(), 'handover-stall-store-'));
	try {
		for (const { name, run } of CASES) {
			if (only !== undefined && !name.includes(only)) continue;
			report(name, await run(folder));
		}
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	// Turns still pending (a store that never gives up) would keep the process alive.
	process.exit(0);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
