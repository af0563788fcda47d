/**
 * `npm run bench:webhook`: one real n8n, the same bounded load (10 connections, 10 s, 127.0.0.1)
 * against
 *   A. the Handover Detector on turns that do not hand over (answered without an execution),
 *   B. n8n's own Webhook node (respond immediately) → No-Op, as a user would build it without
 *      this package (every call starts an execution),
 *   C. the Handover Detector on turns that all hand over (every call starts an execution),
 *   D. the Handover Detector (Dedicated Port) on turns that do not hand over: answered on the node's
 *      own port inside the same n8n process, never entering n8n's webhook pipeline.
 * Prints requests/s, p50 and p99 for each and the ratios A / B and D / B.
 */
import {
	freePort,
	startN8n,
	type N8nInstance,
	type WorkflowJson,
} from '../../test/e2e/harness/n8n';
import { REPO_ROOT } from '../../test/e2e/harness/repoRoot';
import { CONNECTIONS, DURATION_S, measure, print, question } from '../load';
import { detectorWorkflow, listenerWorkflow, post } from '../../test/e2e/workflows';

function plainWebhookWorkflow(path: string): WorkflowJson {
	return {
		name: 'plain webhook → no-op',
		nodes: [
			{
				id: 'plain-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${path}-id`,
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: 'plain-noop',
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function executionCount(n8n: N8nInstance, workflowId: string): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await n8n.rest<{ count: number }>('GET', `/executions?filter=${filter}&limit=1`);
	return page.count;
}

async function main(): Promise<void> {
	const n8n: N8nInstance = await startN8n({ packageDir: REPO_ROOT });
	try {
		const detectorId = await n8n.importWorkflow(
			detectorWorkflow('bench detector', 'bench-detector'),
		);
		const plainId = await n8n.importWorkflow(plainWebhookWorkflow('bench-plain'));
		const listenerPort = await freePort();
		const listenerId = await n8n.importWorkflow(
			// Unauthenticated like the other flows measured here, which needs the explicit opt-in.
			listenerWorkflow('bench listener', listenerPort, 'bench-listener', {
				parameters: { behindOwnAuthentication: true },
			}),
		);
		const listenerUrl = `http://127.0.0.1:${listenerPort}/bench-listener`;
		const detectorUrl = n8n.webhookUrl('bench-detector');
		const warm = await post(detectorUrl, { conversationId: 'warm', userMessage: 'hello' });
		if (warm.status !== 200 || warm.json.handover !== false)
			throw new Error(`warm-up failed: ${JSON.stringify(warm)}`);
		const warmListener = await post(listenerUrl, { conversationId: 'warm', userMessage: 'hello' });
		if (warmListener.status !== 200 || warmListener.json.handover !== false) {
			throw new Error(`listener warm-up failed: ${JSON.stringify(warmListener)}`);
		}

		const detector = await measure({
			name: 'A. detector, turns without handover',
			url: detectorUrl,
			body: question,
		});
		const plain = await measure({
			name: 'B. Webhook (respond at once) → No-Op',
			url: n8n.webhookUrl('bench-plain'),
			body: question,
		});
		// Before C: C's executions are still being saved for a while after its load ends.
		const listener = await measure({
			name: 'D. dedicated listener, turns without handover',
			url: listenerUrl,
			body: question,
		});
		const handovers = await measure({
			name: 'C. detector, every turn hands over',
			url: detectorUrl,
			body: (n) => ({ conversationId: `ask-${n}`, userMessage: 'Can I talk to a human?' }),
		});

		console.log(
			`n8n ${n8n.baseUrl}, ${CONNECTIONS} connections, ${DURATION_S} s each, Node ${process.version}`,
		);
		for (const outcome of [detector, plain, handovers, listener]) print(outcome);
		console.log(
			`ratio A/B: ${(detector.requestsPerSecond / plain.requestsPerSecond).toFixed(1)}× the requests/s`,
		);
		console.log(
			`ratio D/B: ${(listener.requestsPerSecond / plain.requestsPerSecond).toFixed(1)}× the requests/s (D measured before C)`,
		);

		// C's executions are still being run and saved when its load ends: wait for them (bounded).
		let detectorRuns = await executionCount(n8n, detectorId);
		for (let waited = 0; detectorRuns < handovers.total && waited < 120; waited++) {
			await new Promise((done) => setTimeout(done, 1000));
			detectorRuns = await executionCount(n8n, detectorId);
		}
		const plainRuns = await executionCount(n8n, plainId);
		const listenerRuns = await executionCount(n8n, listenerId);
		console.log(
			`executions saved: detector ${detectorRuns} (only C's handovers), plain webhook ${plainRuns}, dedicated listener ${listenerRuns} (expected 0)`,
		);
	} finally {
		await n8n.destroy();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
