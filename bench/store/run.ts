/**
 * `npm run bench:store`: operations per second of each HandoverStore (Embedded SQLite file, Redis
 * on 127.0.0.1), one process, with 1 and 16 operations in flight. Every run is bounded in count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { detectHandover } from '../../nodes/engine/detectHandover';
import type { HandoverStore } from '../../nodes/store/HandoverStore';
import { EmbeddedStore } from '../../nodes/store/EmbeddedStore';
import { RedisStore } from '../../nodes/store/RedisStore';
import { startRedisServer } from '../../test/store/redisServer';

const OPERATIONS = 5000;
const TTL_MS = 60 * 60 * 1000;

type Operation = (store: HandoverStore, n: number) => Promise<unknown>;

const operations: Array<[string, Operation]> = [
	[
		'detector turn (read-modify-write)',
		(store, n) =>
			store.updateConversation(
				`bench:conv-${n % 200}`,
				(memory) => {
					const result = detectHandover(
						{
							conversationId: `conv-${n % 200}`,
							platform: 'generic',
							userMessage: 'What are your office hours?',
						},
						memory,
					);
					return { memory: result.memory, result: result.handover };
				},
				TTL_MS,
			),
	],
	['claimOnce (sent-once key)', (store, n) => store.claimOnce(`bench:claim-${n}`, TTL_MS)],
	[
		'nextRoundRobin (5 users)',
		(store) => store.nextRoundRobin('bench:pool', ['u1', 'u2', 'u3', 'u4', 'u5']),
	],
	['adjustLoad', (store, n) => store.adjustLoad(`bench:user-${n % 5}`, 1)],
];

async function measure(
	store: HandoverStore,
	operation: Operation,
	inFlight: number,
): Promise<number> {
	let next = 0;
	const start = process.hrtime.bigint();
	const lane = async () => {
		while (next < OPERATIONS) await operation(store, next++);
	};
	await Promise.all(Array.from({ length: inFlight }, lane));
	return OPERATIONS / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function benchStore(name: string, store: HandoverStore): Promise<void> {
	for (const [label, operation] of operations) {
		await measure(store, operation, 4); // warm-up
		const sequential = await measure(store, operation, 1);
		const concurrent = await measure(store, operation, 16);
		console.log(
			`${name.padEnd(9)} ${label.padEnd(36)} ${Math.round(sequential).toLocaleString('en').padStart(8)} ops/s (1 in flight)  ${Math.round(concurrent).toLocaleString('en').padStart(8)} ops/s (16 in flight)`,
		);
	}
}

async function main(): Promise<void> {
	console.log(`HandoverStore operations, ${OPERATIONS} per measurement, Node ${process.version}`);
	const folder = mkdtempSync(join(tmpdir(), 'handover-bench-'));
	const embedded = new EmbeddedStore({ filePath: join(folder, 'store.sqlite') });
	try {
		await benchStore('Embedded', embedded);
	} finally {
		await embedded.close();
		rmSync(folder, { recursive: true, force: true });
	}
	const redis = await startRedisServer();
	const store = new RedisStore({ url: redis.url });
	try {
		await benchStore('Redis', store);
	} finally {
		await store.close();
		await redis.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
