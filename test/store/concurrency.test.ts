/**
 * The scale-out acceptance test: 1,000 turns over 50 conversations, all in flight at once across
 * several processes sharing one store, each turn handled as the trigger does (one atomic store update
 * around detectHandover). Every conversation is scripted to hand over exactly once whatever order its
 * turns run in, and its failed-attempt counts are known exactly, so a lost or doubled update shows.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	ConversationMemory,
	DetectorOptions,
	HandoverReason,
	Turn,
} from '../../nodes/engine/types';
import { conversationKey } from '../../nodes/conversation/conversationKey';
import { EmbeddedStore } from '../../nodes/store/EmbeddedStore';
import type { HandoverStore } from '../../nodes/store/HandoverStore';
import { RedisStore } from '../../nodes/store/RedisStore';
import { compileSources } from './compileSources';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';

const ROOT = join(__dirname, '..', '..');
const CONVERSATIONS = 50;
const TURNS_PER_CONVERSATION = 20;
/** failed_to_resolve fires at this count; the count then restarts from 0. */
const FAILED_ATTEMPTS = 15;
const TRANSCRIPT_LENGTH = 2 * TURNS_PER_CONVERSATION;
const PAUSE_MS = 60 * 60_000;

/**
 * A different reply at each turn: a bot that says the same thing again is a sign of a failed
 * attempt to the detector, and here the replies must leave the count to the messages. Each is one
 * the detector reads as an answer: a reply read as lacking information would hand over on its own.
 */
const BOT_REPLIES = [
	'Your order ships on Monday.',
	'DHL delivers every parcel within 48 hours.',
	'Returns are free within thirty days.',
	'The blue jacket comes in four sizes.',
	'Gift wrapping costs two euros.',
	'Our warehouse is in Rotterdam.',
	'Parcels may weigh up to thirty kilos.',
	'Vouchers never expire.',
	'Sizes follow the European chart.',
	'Each parcel includes a printed invoice.',
	'Weekend deliveries reach most cities.',
	'Payment by card or bank transfer works.',
	'Samples of the fabric are available.',
	'The sale ends at midnight.',
	'Shoes are packed in recycled boxes.',
	'Students get a discount with their card.',
	'Colours may look different on screens.',
	'Exchanges take about a week.',
	'Loyalty points appear after delivery.',
	'Bulk orders have their own price list.',
];
const ASK = 'Can I talk to a human?';
const DISSATISFIED = "That didn't help";
const ACKNOWLEDGEMENT = 'ok';

interface Job {
	id: string;
	turn: Turn;
}

interface TurnResult {
	id: string;
	conversationId: string;
	handover: boolean;
	reason: HandoverReason | null;
	failedAttempts: number;
	suppressed: string | null;
}

interface WorkerDone {
	type: 'done';
	results: TurnResult[];
	elapsedMs: number;
	stats: { updates: number; conflicts: number } | null;
}

type StoreSettings =
	{ kind: 'embedded'; filePath: string } | { kind: 'redis'; url: string; keyPrefix: string };

/**
 * Half the conversations ask for a person once among 19 acknowledgements ("ok": too short to count
 * as a repeated question, and no word of the bot's reply, so no report on it): one contact_request
 * handover in any order, and no failed attempt.
 * The other half say "that didn't help" 20 times: the first update in store order opens the
 * conversation (not a complaint), the 16th reaches the threshold of 15 and hands over, the count
 * restarts, and the last 4 leave it at exactly 4 — as long as no update is lost.
 */
function script(runId: string) {
	const conversations = Array.from({ length: CONVERSATIONS }, (_, i) => ({
		id: `${runId}-c${i}`,
		kind: i % 2 === 0 ? ('ask' as const) : ('dissatisfied' as const),
		messages: [] as string[],
	}));
	const jobs: Job[] = [];
	for (const conversation of conversations) {
		for (let t = 0; t < TURNS_PER_CONVERSATION; t++) {
			const userMessage =
				conversation.kind === 'dissatisfied' ? DISSATISFIED : t === 7 ? ASK : ACKNOWLEDGEMENT;
			conversation.messages.push(userMessage);
			jobs.push({
				id: `${conversation.id}-t${t}`,
				turn: {
					conversationId: conversation.id,
					platform: 'generic',
					accountId: 'acme',
					userMessage,
					botReply: BOT_REPLIES[t],
				},
			});
		}
	}
	return { conversations, jobs: shuffle(jobs) };
}

/** Deterministic shuffle, so that turns of one conversation are spread over all the processes. */
function shuffle<T>(items: T[]): T[] {
	const out = [...items];
	let seed = 20240611;
	for (let i = out.length - 1; i > 0; i--) {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		const j = seed % (i + 1);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

function startWorker(compiledDir: string, settings: object) {
	const child = fork(
		join(__dirname, 'fixtures', 'concurrencyWorker.js'),
		[compiledDir, JSON.stringify(settings)],
		{
			execPath: process.execPath,
			execArgv: [],
			// The compiled files live outside the repository: ioredis is found through NODE_PATH.
			env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
			stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
		},
	);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const ready = new Promise<void>((resolve) =>
		child.on('message', (message: { type: string }) => message.type === 'ready' && resolve()),
	);
	const done = new Promise<WorkerDone>((resolve, reject) => {
		let result: WorkerDone | undefined;
		child.on('message', (message: WorkerDone) => {
			if (message.type === 'done') result = message;
		});
		child.on('error', reject);
		child.on('exit', (code) =>
			result && code === 0
				? resolve(result)
				: reject(new Error(`worker exited with ${code}: ${stderr}`)),
		);
	});
	// Fail fast instead of hanging when a worker dies before it is ready.
	return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
}

describe('1,000 concurrent turns over 50 conversations', () => {
	let dir: string;
	let compiledDir: string;
	const children: ChildProcess[] = [];

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'handover-concurrency-'));
		compiledDir = join(dir, 'compiled');
		compileSources(compiledDir);
	});
	afterAll(() => {
		for (const child of children) if (child.exitCode === null) child.kill();
		rmSync(dir, { recursive: true, force: true });
	});

	async function run(
		label: string,
		processes: number,
		store: StoreSettings,
		open: () => HandoverStore,
	) {
		const runId = randomUUID();
		const { conversations, jobs } = script(runId);
		const detector: Partial<DetectorOptions> = {
			failedAttempts: FAILED_ATTEMPTS,
			transcriptLength: TRANSCRIPT_LENGTH,
		};
		const settings = { store, detector, pauseMs: PAUSE_MS };

		const workers = Array.from({ length: processes }, () => startWorker(compiledDir, settings));
		children.push(...workers.map((worker) => worker.child));
		await Promise.all(workers.map((worker) => worker.ready));
		const started = Date.now();
		workers.forEach((worker, w) =>
			worker.child.send({ jobs: jobs.filter((_, i) => i % processes === w) }),
		);
		const done = await Promise.all(workers.map((worker) => worker.done));
		const elapsed = Date.now() - started;

		const results = done.flatMap((d) => d.results);
		const conflicts = done.reduce((sum, d) => sum + (d.stats?.conflicts ?? 0), 0);
		console.log(
			`[concurrency] ${label}: ${results.length} turns, ${conversations.length} conversations, ` +
				`${processes} processes: ${elapsed} ms wall (slowest process ` +
				`${Math.round(Math.max(...done.map((d) => d.elapsedMs)))} ms)` +
				(store.kind === 'redis' ? `, ${conflicts} WATCH conflicts retried` : ''),
		);

		// Nothing lost: every turn answered exactly once.
		expect(results.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
		expect(results.filter((r) => r.suppressed !== null)).toEqual([]);
		// Exactly one handover per conversation.
		const handovers = results.filter((r) => r.handover);
		expect(handovers).toHaveLength(CONVERSATIONS);
		expect(new Set(handovers.map((r) => r.conversationId)).size).toBe(CONVERSATIONS);

		const reader = open();
		try {
			for (const conversation of conversations) {
				const mine = results.filter((r) => r.conversationId === conversation.id);
				const handover = mine.find((r) => r.handover)!;
				const counts = mine.map((r) => r.failedAttempts).sort((a, b) => a - b);
				const key = conversationKey('generic', 'acme', conversation.id);
				const memory = (await reader.getConversation(key)) as ConversationMemory;

				if (conversation.kind === 'ask') {
					expect(handover).toMatchObject({
						id: `${conversation.id}-t7`,
						reason: 'contact_request',
					});
					expect(counts).toEqual(Array(TURNS_PER_CONVERSATION).fill(0));
					expect(memory.failedAttempts).toBe(0);
				} else {
					expect(handover).toMatchObject({
						reason: 'failed_to_resolve',
						failedAttempts: FAILED_ATTEMPTS,
					});
					// Each turn saw its own count: the first in store order opens the conversation and is
					// never a complaint (0), then 1..15 up to the handover, then 1..4 after it.
					const extra = TURNS_PER_CONVERSATION - 1 - FAILED_ATTEMPTS;
					const expected = [
						0,
						...Array.from({ length: FAILED_ATTEMPTS }, (_, i) => i + 1),
						...Array.from({ length: extra }, (_, i) => i + 1),
					].sort((a, b) => a - b);
					expect(counts).toEqual(expected);
					expect(memory.failedAttempts).toBe(extra);
				}
				// The handover's own write survived every later update.
				expect(memory.lastHandoverId).toBe(handover.id);
				expect(memory.handedOverAt).toEqual(expect.any(String));
				expect(memory.pausedUntil).toEqual(expect.any(String));
				// Every turn's user message and bot reply is in the transcript, which stays at its bound.
				expect(memory.transcript).toHaveLength(TRANSCRIPT_LENGTH);
				const userTexts = memory.transcript.filter((e) => e.role === 'user').map((e) => e.text);
				expect(userTexts.sort()).toEqual([...conversation.messages].sort());
				expect(memory.transcript.filter((e) => e.role === 'bot')).toHaveLength(
					TURNS_PER_CONVERSATION,
				);
				expect(memory.lastUserMessages).toHaveLength(3);
			}
		} finally {
			await reader.close();
		}
	}

	it('embedded store: 2 processes on one SQLite file', async () => {
		const filePath = join(dir, 'store.sqlite');
		await run('embedded', 2, { kind: 'embedded', filePath }, () => new EmbeddedStore({ filePath }));
	}, 120_000);

	describe('Redis', () => {
		let server: RedisServer;
		beforeAll(async () => {
			server = await startRedisServer();
		}, 30_000);
		afterAll(async () => {
			await server?.stop();
		});

		it('Redis store: 4 processes on one server', async () => {
			const keyPrefix = `concurrency-${randomUUID()}:`;
			await run(
				'redis',
				4,
				{ kind: 'redis', url: server.url, keyPrefix },
				() => new RedisStore({ url: server.url, keyPrefix }),
			);
		}, 120_000);
	});
});
