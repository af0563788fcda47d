/**
 * The Handover Detector (Dedicated Port) Trigger in a real n8n 2.x: turns answered on the node's own
 * port (on 127.0.0.1, its default) and checked with a header token, an execution only for a
 * handover, no activation with Authentication None unless the user opts in, and the listener back
 * (with its memory) after a restart.
 */
import { freePort, startN8n, waitFor, type N8nInstance } from './harness/n8n';
import { REPO_ROOT } from './harness/repoRoot';
import { listenerWorkflow, post, PACKAGE_NAME, sleep } from './workflows';

jest.setTimeout(300_000);

const TOKEN = 'e2e-listener-token';
const AUTHORISED = { 'x-handover-token': TOKEN };

describe('Handover Detector (Dedicated Port) Trigger in n8n', () => {
	let n8n: N8nInstance;
	let workflowId: string;
	let url: string;

	beforeAll(async () => {
		n8n = await startN8n({ packageDir: REPO_ROOT });
		const credential = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
			name: 'E2E listener token',
			type: 'handoverWebhookApi',
			data: { secret: TOKEN },
		});
		const port = await freePort();
		url = `http://127.0.0.1:${port}/handover`;
		workflowId = await n8n.importWorkflow(
			listenerWorkflow('e2e listener', port, 'handover', {
				parameters: { authentication: 'headerToken' },
				credentials: { handoverWebhookApi: { id: credential.id, name: credential.name } },
			}),
		);
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

	test('a call without the token is answered 401 and runs nothing', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		const unsigned = await post(url, {
			conversationId: 'conv-unsigned',
			userMessage: 'Can I talk to a human?',
		});
		expect(unsigned.status).toBe(401);
		expect(unsigned.json.error).toMatch(/x-handover-token/);
		await sleep(1000);
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(before);
	});

	test('a request for a human runs the workflow once; an ordinary question runs nothing', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		const ask = await post(
			url,
			{ conversationId: 'conv-human', userMessage: 'Can I talk to a human?' },
			AUTHORISED,
		);
		expect(ask.status).toBe(200);
		expect(ask.json).toMatchObject({ handover: true, reason: 'contact_request', botPaused: false });
		expect(ask.json.handoverId).toMatch(/^[0-9a-f-]{36}$/);

		const executions = await n8n.waitForExecutions(workflowId, before + 1);
		const execution = executions[before];
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

		const hours = await post(
			url,
			{ conversationId: 'conv-hours', userMessage: 'What are your office hours?' },
			AUTHORISED,
		);
		expect(hours.status).toBe(200);
		expect(hours.json).toMatchObject({ handover: false, reason: null, handoverId: null });
		await sleep(1500);
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(before + 1);
	});

	test('a bad payload is answered 400 on the listener, and nothing runs', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		const bad = await post(url, { userMessage: 'I want a human' }, AUTHORISED);
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/conversationId/);
		await sleep(1000);
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(before);
	});

	test('after an n8n restart the listener answers again, with the conversation memory kept', async () => {
		await listening();
		const before = (await n8n.executionSummaries(workflowId)).length;
		// The opening question: a complaint needs a conversation before it.
		await post(
			url,
			{ conversationId: 'conv-restart', userMessage: 'What is the deposit for the apartment?' },
			AUTHORISED,
		);
		const first = await post(
			url,
			{ conversationId: 'conv-restart', userMessage: "that didn't help" },
			AUTHORISED,
		);
		expect(first.json.handover).toBe(false);

		await n8n.restart();
		await listening();

		const second = await post(
			url,
			{ conversationId: 'conv-restart', userMessage: 'still not working' },
			AUTHORISED,
		);
		expect(second.status).toBe(200);
		expect(second.json).toMatchObject({ handover: true, reason: 'failed_to_resolve' });
		const executions = await n8n.waitForExecutions(workflowId, before + 1);
		expect(executions).toHaveLength(before + 1);
		expect(executions[before].lastNodeOutput[0]).toMatchObject({
			reason: 'failed_to_resolve',
			conversationId: 'conv-restart',
		});
	});

	test('with Authentication None it does not activate, unless the user runs it behind their own', async () => {
		const port = await freePort();
		await expect(
			n8n.importWorkflow(listenerWorkflow('e2e listener, open', port, 'open')),
		).rejects.toThrow(/Authentication is None/);
		// Nothing listens on its port.
		await expect(
			fetch(`http://127.0.0.1:${port}/open/health`, { signal: AbortSignal.timeout(2000) }),
		).rejects.toThrow();

		const optedInPort = await freePort();
		const optedIn = await n8n.importWorkflow(
			listenerWorkflow('e2e listener, behind a proxy', optedInPort, 'behind-proxy', {
				parameters: { behindOwnAuthentication: true },
			}),
		);
		const optedInUrl = `http://127.0.0.1:${optedInPort}/behind-proxy`;
		await waitFor(`the listener on ${optedInUrl}`, 60_000, async () => {
			const res = await fetch(`${optedInUrl}/health`, { signal: AbortSignal.timeout(2000) });
			return res.status === 200 ? true : undefined;
		});
		const ask = await post(optedInUrl, {
			conversationId: 'conv-open',
			userMessage: 'Can I talk to a human?',
		});
		expect(ask.json).toMatchObject({ handover: true });
		expect(await n8n.waitForExecutions(optedIn, 1)).toHaveLength(1);
	});
});
