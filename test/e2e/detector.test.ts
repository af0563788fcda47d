/**
 * The Handover Detector Trigger in a real n8n 2.x with this package installed as a user installs it:
 * webhook answers, executions only for handovers, memory across calls and restarts, 400 and 401/403.
 */
import { resolve } from 'node:path';

import { startN8n, type N8nInstance } from './harness/n8n';
import { detectorWorkflow, post, PACKAGE_NAME, sleep } from './workflows';

jest.setTimeout(300_000);

const REPO = resolve(__dirname, '../..');
const SECRET = 'e2e-shared-secret';

describe('Handover Detector Trigger in n8n', () => {
	let n8n: N8nInstance;
	let openId: string;
	let secureId: string;

	beforeAll(async () => {
		n8n = await startN8n({ packageDir: REPO });
		const credential = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
			name: 'E2E webhook secret',
			type: 'handoverWebhookApi',
			data: { secret: SECRET },
		});
		openId = await n8n.importWorkflow(detectorWorkflow('e2e detector', 'handover'));
		secureId = await n8n.importWorkflow(
			detectorWorkflow('e2e detector with token', 'handover-secure', {
				parameters: { authentication: 'headerToken' },
				credentials: { handoverWebhookApi: { id: credential.id, name: credential.name } },
			}),
		);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
	});

	test('the node is in n8n’s node list under the package name', async () => {
		const types = await n8n.rest<Array<{ name: string; displayName: string }>>(
			'POST',
			'/node-types',
			{
				nodeInfos: [{ name: `${PACKAGE_NAME}.handoverDetectorTrigger`, version: 1 }],
			},
		);
		// n8n answers with the description of each type it knows, named without the package prefix.
		expect(types).toEqual([
			expect.objectContaining({
				name: 'handoverDetectorTrigger',
				displayName: 'Handover Detector Trigger',
				communityNodePackageVersion: '0.1.0',
			}),
		]);
		// The same call for a type n8n did not load is refused.
		await expect(
			n8n.rest('POST', '/node-types', {
				nodeInfos: [{ name: `${PACKAGE_NAME}.noSuchNode`, version: 1 }],
			}),
		).rejects.toThrow(/Unrecognized node type/);
	});

	test('a request for a human runs the workflow once; an ordinary question runs nothing', async () => {
		const ask = await post(n8n.webhookUrl('handover'), {
			conversationId: 'conv-human',
			userMessage: 'Can I talk to a human?',
		});
		expect(ask.status).toBe(200);
		expect(ask.json).toMatchObject({
			handover: true,
			reason: 'contact_request',
			botPaused: false,
			pausedUntil: null,
		});
		expect(ask.json.handoverId).toMatch(/^[0-9a-f-]{36}$/);

		const [execution] = await n8n.waitForExecutions(openId, 1);
		expect(execution.status).toBe('success');
		expect(execution.lastNodeExecuted).toBe('No Operation');
		expect(execution.lastNodeOutput).toEqual([
			expect.objectContaining({
				handoverId: ask.json.handoverId,
				reason: 'contact_request',
				conversationId: 'conv-human',
				message: 'Can I talk to a human?',
				transcript: [expect.objectContaining({ role: 'user', text: 'Can I talk to a human?' })],
			}),
		]);

		const hours = await post(n8n.webhookUrl('handover'), {
			conversationId: 'conv-hours',
			userMessage: 'What are your office hours?',
		});
		expect(hours.status).toBe(200);
		expect(hours.json).toMatchObject({ handover: false, reason: null, handoverId: null });
		await sleep(1500);
		expect(await n8n.executions(openId)).toHaveLength(1);
	});

	test('failed to resolve fires on the third call, after two unhelpful answers', async () => {
		const before = (await n8n.executions(openId)).length;
		const turns = [
			{
				userMessage: 'What is the deposit for the apartment?',
				botReply: 'The apartment is on the third floor.',
			},
			{
				userMessage: "That doesn't answer my question",
				botReply: 'It has a lovely view of the park.',
			},
			{ userMessage: "You're still not answering", botReply: 'Is there anything else?' },
		];
		const answers = [];
		for (const turn of turns) {
			answers.push(
				(await post(n8n.webhookUrl('handover'), { conversationId: 'conv-failed', ...turn })).json,
			);
		}
		expect(answers.map((a) => a.handover)).toEqual([false, false, true]);
		expect(answers[2].reason).toBe('failed_to_resolve');

		const executions = await n8n.waitForExecutions(openId, before + 1);
		expect(executions).toHaveLength(before + 1);
		expect(executions[before].lastNodeOutput[0]).toMatchObject({
			reason: 'failed_to_resolve',
			failedAttempts: 2,
			conversationId: 'conv-failed',
		});
	});

	test('conversation memory survives an n8n restart', async () => {
		const before = (await n8n.executions(openId)).length;
		// The opening question: a complaint needs a conversation before it.
		await post(n8n.webhookUrl('handover'), {
			conversationId: 'conv-restart',
			userMessage: 'What is the deposit for the apartment?',
		});
		const first = await post(n8n.webhookUrl('handover'), {
			conversationId: 'conv-restart',
			userMessage: "that didn't help",
		});
		expect(first.json.handover).toBe(false);

		await n8n.restart();

		const second = await post(n8n.webhookUrl('handover'), {
			conversationId: 'conv-restart',
			userMessage: 'still not working',
		});
		expect(second.json).toMatchObject({ handover: true, reason: 'failed_to_resolve' });
		expect(await n8n.waitForExecutions(openId, before + 1)).toHaveLength(before + 1);
	});

	test('a bad payload is answered 400 naming the field, and nothing runs', async () => {
		const before = (await n8n.executions(openId)).length;
		const bad = await post(n8n.webhookUrl('handover'), { userMessage: 'I want a human' });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toMatch(/conversationId/);
		await sleep(1500);
		expect(await n8n.executions(openId)).toHaveLength(before);
	});

	test('a missing token is 401, a wrong one 403, and only the right one runs', async () => {
		const body = { conversationId: 'conv-secure', userMessage: 'get me a real person' };
		const missing = await post(n8n.webhookUrl('handover-secure'), body);
		expect(missing.status).toBe(401);
		const wrong = await post(n8n.webhookUrl('handover-secure'), body, {
			'x-handover-token': 'nope',
		});
		expect(wrong.status).toBe(403);
		await sleep(1500);
		expect(await n8n.executions(secureId)).toHaveLength(0);

		const right = await post(n8n.webhookUrl('handover-secure'), body, {
			'x-handover-token': SECRET,
		});
		expect(right.status).toBe(200);
		expect(right.json.handover).toBe(true);
		expect(await n8n.waitForExecutions(secureId, 1)).toHaveLength(1);
	});
});
