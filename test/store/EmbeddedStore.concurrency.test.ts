import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EmbeddedStore } from '../../nodes/store';
import { compileSources } from './compileSources';

const WORKERS = 2;
const ROUNDS = 500;
const CLAIM_KEYS = 200;

interface WorkerResult {
	type: 'done';
	/** failedAttempts after each of this worker's increments. */
	counts: number[];
	/** First candidate of each round-robin call. */
	firsts: string[];
	/** Claim keys this worker won. */
	claimed: number[];
}

function start(compiledDir: string, filePath: string) {
	const child = fork(
		join(__dirname, 'fixtures', 'incrementWorker.js'),
		[compiledDir, filePath, String(ROUNDS)],
		{
			execPath: process.execPath,
			execArgv: [],
			stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
		},
	);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const ready = new Promise<void>((resolve) =>
		child.on('message', (message: { type: string }) => message.type === 'ready' && resolve()),
	);
	const done = new Promise<WorkerResult>((resolve, reject) => {
		let result: WorkerResult | undefined;
		child.on('message', (message: WorkerResult) => {
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

describe('EmbeddedStore across processes', () => {
	let dir: string;
	let compiledDir: string;
	const children: ChildProcess[] = [];

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'handover-store-mp-'));
		compiledDir = join(dir, 'compiled');
		compileSources(compiledDir, ['nodes/store']);
	});
	afterAll(() => {
		for (const child of children) if (child.exitCode === null) child.kill();
		rmSync(dir, { recursive: true, force: true });
	});

	it('loses no update, hands out each cursor position and each claim once', async () => {
		const filePath = join(dir, 'store.sqlite');
		const workers = Array.from({ length: WORKERS }, () => start(compiledDir, filePath));
		children.push(...workers.map((worker) => worker.child));
		await Promise.all(workers.map((worker) => worker.ready));
		for (const worker of workers) worker.child.send('go');
		const results = await Promise.all(workers.map((worker) => worker.done));

		const total = WORKERS * ROUNDS;
		// Every increment saw a distinct count: none read a value another process was about to change.
		const counts = results.flatMap((result) => result.counts).sort((a, b) => a - b);
		expect(counts).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		// Each worker saw its own counts rise, and the other worker's increments in between.
		for (const result of results) {
			expect(result.counts).toEqual([...result.counts].sort((a, b) => a - b));
		}

		const firsts = results.flatMap((result) => result.firsts);
		expect(new Set(firsts).size).toBe(total);

		const claimed = results.flatMap((result) => result.claimed).sort((a, b) => a - b);
		expect(claimed).toEqual(Array.from({ length: CLAIM_KEYS }, (_, i) => i));

		const store = new EmbeddedStore({ filePath });
		try {
			expect((await store.getConversation('shared'))?.failedAttempts).toBe(total);
			await expect(store.getLoads(['assignee'])).resolves.toEqual({ assignee: total });
			// Both workers advanced one cursor `total` times, so the next call starts at that position.
			expect((await store.nextRoundRobin('pool', ['a', 'b', 'c']))[0]).toBe(
				['a', 'b', 'c'][total % 3],
			);
		} finally {
			await store.close();
		}
	}, 60_000);
});
