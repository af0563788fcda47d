/**
 * Smoke test of the e2e harness itself: a real n8n 2.x on Node 24, a workflow published over REST,
 * its production webhook called on 127.0.0.1, executions read back, and a restart on the same user
 * folder. Also checks that a community package copied into ~/.n8n/nodes/node_modules is loaded.
 */
import { join } from 'node:path';

import { nodeOutput, startN8n } from './harness/n8n';
import type { N8nInstance, WorkflowJson } from './harness/n8n';

jest.setTimeout(300_000);

const FIXTURE_PACKAGE = join(__dirname, 'fixtures', 'n8n-nodes-harness-fixture');

function webhookWorkflow(name: string, path: string, next: Record<string, unknown>): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: `${path}-webhook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${path}-webhook-id`,
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{ id: `${path}-next`, position: [220, 0], ...next },
		],
		connections: {
			Webhook: { main: [[{ node: String(next.name), type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	return { status: res.status, text: await res.text() };
}

describe('n8n e2e harness', () => {
	let n8n: N8nInstance;
	let smokeId: string;
	let echoId: string;

	beforeAll(async () => {
		// A cold cache installs n8n (~3 min) and builds sqlite3 (~1.5 min) first.
		n8n = await startN8n({ packageDir: FIXTURE_PACKAGE });
		console.log(`n8n start: ${n8n.lastStartMs} ms`);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
	});

	test('a published Webhook → NoOp workflow answers on 127.0.0.1 and records one execution', async () => {
		expect(n8n.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		smokeId = await n8n.importWorkflow(
			webhookWorkflow('harness-smoke', 'harness-smoke', {
				name: 'NoOp',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				parameters: {},
			}),
		);

		const res = await post(n8n.webhookUrl('harness-smoke'), { hello: 'world' });
		expect(res.status).toBe(200);

		const executions = await n8n.waitForExecutions(smokeId, 1);
		expect(executions).toHaveLength(1);
		expect(executions[0].status).toBe('success');
		expect(executions[0].mode).toBe('webhook');
		expect(executions[0].lastNodeExecuted).toBe('NoOp');
		expect(executions[0].lastNodeOutput).toHaveLength(1);
		expect(executions[0].lastNodeOutput[0].body).toEqual({ hello: 'world' });
	});

	test('a node from the copied community package is loaded under its package name', async () => {
		echoId = await n8n.importWorkflow(
			webhookWorkflow('harness-echo', 'harness-echo', {
				name: 'Harness Echo',
				type: 'n8n-nodes-harness-fixture.harnessEcho',
				typeVersion: 1,
				parameters: { tag: 'from-fixture' },
			}),
		);

		const res = await post(n8n.webhookUrl('harness-echo'), { n: 1 });
		expect(res.status).toBe(200);

		const [execution] = await n8n.waitForExecutions(echoId, 1);
		expect(execution.status).toBe('success');
		expect(execution.lastNodeExecuted).toBe('Harness Echo');
		expect(nodeOutput(execution, 'Harness Echo')).toEqual([
			expect.objectContaining({ body: { n: 1 }, harnessEcho: 'from-fixture' }),
		]);
	});

	test('after a restart on the same user folder the workflows still answer', async () => {
		const folder = n8n.userFolder;
		await n8n.restart();
		console.log(`n8n restart: ${n8n.lastStartMs} ms`);
		expect(n8n.userFolder).toBe(folder);

		const res = await post(n8n.webhookUrl('harness-smoke'), { hello: 'again' });
		expect(res.status).toBe(200);
		const executions = await n8n.waitForExecutions(smokeId, 2);
		expect(executions).toHaveLength(2);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);
		expect(executions[1].lastNodeOutput[0].body).toEqual({ hello: 'again' });

		const echo = await post(n8n.webhookUrl('harness-echo'), { n: 2 });
		expect(echo.status).toBe(200);
		const echoes = await n8n.waitForExecutions(echoId, 2);
		expect(echoes[1].lastNodeOutput[0]).toMatchObject({
			body: { n: 2 },
			harnessEcho: 'from-fixture',
		});
	});
});
