/**
 * `npm run bench:modes`: detector turns/s under the same load (10 connections, 10 s, turns that do
 * not hand over) in a single n8n and in n8n queue mode (main + 2 workers + Redis + PostgreSQL), for
 * the webhook trigger and the dedicated-port trigger, both with State Store Auto (Embedded in single
 * mode, n8n's queue Redis in queue mode).
 */
import { freePort, startN8n, type N8nInstance } from '../../test/e2e/harness/n8n';
import { startN8nQueue } from '../../test/e2e/harness/queueMode';
import { REPO_ROOT } from '../../test/e2e/harness/repoRoot';
import { detectorWorkflow, listenerWorkflow, post } from '../../test/e2e/workflows';
import { startRedisServer } from '../../test/store/redisServer';
import { CONNECTIONS, DURATION_S, measure, print, type Outcome } from '../load';

async function measureDetectors(n8n: N8nInstance, mode: string): Promise<Outcome[]> {
	await n8n.importWorkflow(
		detectorWorkflow(`modes ${mode}`, 'bench-modes', { parameters: { stateStore: 'auto' } }),
	);
	const port = await freePort();
	await n8n.importWorkflow(
		listenerWorkflow(`modes ${mode} listener`, port, 'bench-modes', {
			// Unauthenticated like the webhook flow beside it, which needs the explicit opt-in.
			parameters: { stateStore: 'auto', behindOwnAuthentication: true },
		}),
	);
	const webhookUrl = n8n.webhookUrl('bench-modes');
	const listenerUrl = `http://127.0.0.1:${port}/bench-modes`;
	for (const url of [webhookUrl, listenerUrl]) {
		// Warm-up, and the listener's activation is asynchronous: bounded wait until it answers.
		for (let attempt = 0; ; attempt++) {
			const warm = await post(url, { conversationId: `warm-${mode}`, userMessage: 'hello' }).catch(
				() => undefined,
			);
			if (warm?.status === 200) break;
			if (attempt >= 60) throw new Error(`${url} did not answer`);
			await new Promise((done) => setTimeout(done, 1000));
		}
	}
	const body = (n: number) => ({
		conversationId: `${mode}-${n}`,
		userMessage: 'What are your office hours on Saturday?',
		botReply: 'We are open from 9 to 5.',
	});
	return [
		await measure({ name: `${mode}: webhook trigger`, url: webhookUrl, body }),
		await measure({ name: `${mode}: dedicated-port trigger`, url: listenerUrl, body }),
	];
}

async function main(): Promise<void> {
	const outcomes: Outcome[] = [];
	const single = await startN8n({ packageDir: REPO_ROOT });
	try {
		outcomes.push(...(await measureDetectors(single, 'single')));
	} finally {
		await single.destroy();
	}
	const redis = await startRedisServer();
	try {
		const queue = await startN8nQueue({
			redis: { port: redis.port },
			packageDir: REPO_ROOT,
			workers: 2,
		});
		try {
			outcomes.push(...(await measureDetectors(queue, 'queue')));
		} finally {
			await queue.destroy();
		}
	} finally {
		await redis.stop();
	}
	console.log(
		`detector turns without handover, ${CONNECTIONS} connections, ${DURATION_S} s each, Node ${process.version}`,
	);
	for (const outcome of outcomes) print(outcome);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
