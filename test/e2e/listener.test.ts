/**
 * The Handover Detector (Dedicated Port) Trigger in a real n8n 2.x: turns answered on the node's own
 * port, an execution only for a handover, and the listener back (with its memory) after a restart.
 */
import { freePort, startN8n, waitFor, type N8nInstance } from './harness/n8n';
import { REPO_ROOT } from './harness/repoRoot';
import { listenerWorkflow, post, PACKAGE_NAME, sleep } from './workflows';

jest.setTimeout(300_000);

describe('Handover Detector (Dedicated Port) Trigger in n8n', () => {
	let n8n: N8nInstance;
	let workflowId: string;
	let url: string;

	beforeAll(async () => {
		n8n = await startN8n({ packageDir: REPO_ROOT });
		const port = await freePort();
		url = `http://127.0.0.1:${port}/handover`;
		workflowId = await n8n.importWorkflow(listenerWorkflow('e2e listener', port, 'handover'));
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
	});

	/** Until the listener answers its health check (trigger activation is asynchronous). */
	const listening = async () =>
		await waitFor(`the listener on ${url}`, 60_000, async () => {
			const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
			return res.status === 200 ? true : undefined;
		});

	test('the node is in n8n’s node list as a trigger', async () => {
		const types = await n8n.rest<Array<{ name: string; group: string[]; webhooks?: unknown }>>(
			'POST',
			'/node-types',
			{ nodeInfos: [{ name: `${PACKAGE_NAME}.handoverDetectorListenerTrigger`, version: 1 }] },
		);
		expect(types).toEqual([
			expect.objectContaining({
				name: 'handoverDetectorListenerTrigger',
				displayName: 'Handover Detector (Dedicated Port) Trigger',
				group: ['trigger'],
			}),
		]);
		expect(types[0].webhooks).toBeUndefined();
	});

	test('a request for a human runs the workflow once; an ordinary question runs nothing', async () => {
		await listening();
		const ask = await post(url, {
			conversationId: 'conv-human',
			userMessage: 'Can I talk to a human?',
		});
		expect(ask.status).toBe(200);
		expect(ask.json).toMatchObject({ handover: true, reason: 'contact_request', botPaused: false });
		expect(ask.json.handoverId).toMatch(/^[0-9a-f-]{36}$/);

		const [execution] = await n8n.waitForExecutions(workflowId, 1);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('trigger');
		expect(execution.lastNodeExecuted).toBe('No Operation');
		expect(execution.lastNodeOutput).toEqual([
			expect.objectContaining({
				handoverId: ask.json.handoverId,
				reason: 'contact_request',
				conversationId: 'conv-human',
				message: 'Can I talk to a human?',
			}),
		]);

		const hours = await post(url, {
			conversationId: 'conv-hours',
			userMessage: 'What are your office hours?',
		});
		expect(hours.status).toBe(200);
		expect(hours.json).toMatchObject({ handover: false, reason: null, handoverId: null });
		await sleep(1500);
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(1);
	});

	test('a bad payload is answered 400 on the listener, and nothing runs', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		const bad = await post(url, { userMessage: 'I want a human' });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/conversationId/);
		await sleep(1000);
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(before);
	});

	test('after an n8n restart the listener answers again, with the conversation memory kept', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		// The opening question: a complaint needs a conversation before it.
		await post(url, {
			conversationId: 'conv-restart',
			userMessage: 'What is the deposit for the apartment?',
		});
		const first = await post(url, {
			conversationId: 'conv-restart',
			userMessage: "that didn't help",
		});
		expect(first.json.handover).toBe(false);

		await n8n.restart();
		await listening();

		const second = await post(url, {
			conversationId: 'conv-restart',
			userMessage: 'still not working',
		});
		expect(second.status).toBe(200);
		expect(second.json).toMatchObject({ handover: true, reason: 'failed_to_resolve' });
		const executions = await n8n.waitForExecutions(workflowId, before + 1);
		expect(executions).toHaveLength(before + 1);
		expect(executions[before].lastNodeOutput[0]).toMatchObject({
			reason: 'failed_to_resolve',
			conversationId: 'conv-restart',
		});
	});
});
