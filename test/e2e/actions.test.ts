/**
 * The HighLevel template (Detector → Assign → Create Task → Send Message → Pause Bot → Add Tag →
 * Notify) in a real n8n against the HighLevel contract fake: one request for a person makes exactly
 * one call of each kind; during the pause the bot is answered botPaused and nothing is called; after
 * it the bot resumes. Every call carries the detector's Header Token, as the template asks.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { HighLevelFake } from '../fakes/highlevel/HighLevelFake';
import { startN8n, type N8nInstance, type WorkflowJson } from './harness/n8n';
import {
	post,
	sleep,
	templateWithCredentials,
	tokenHeader,
	webhookSecretForTemplates,
} from './workflows';

jest.setTimeout(300_000);

const REPO = resolve(__dirname, '../..');
const TOKEN = 'pit-e2e-token';
const LOCATION = 'loc-e2e';
const PAUSE_MS = 25_000;
/** The template's detector checks a Header Token: the HighLevel workflow's Webhook action sends it. */
const WEBHOOK_SECRET = 'highlevel-webhook-secret-e2e';

const inbound = (body: string, messageId: string) => ({
	type: 'InboundMessage',
	locationId: LOCATION,
	contactId: 'contact-ana',
	conversationId: 'conv-ana',
	body,
	messageType: 'SMS',
	direction: 'inbound',
	dateAdded: new Date().toISOString(),
	messageId,
	contentType: 'text/plain',
	status: 'delivered',
	attachments: [],
});

describe('HighLevel template in n8n against the HighLevel fake', () => {
	const fake = new HighLevelFake({ token: TOKEN, locationId: LOCATION });
	let n8n: N8nInstance;
	let workflowId: string;
	let pausedUntil: number;

	beforeAll(async () => {
		const fakeUrl = await fake.start();
		fake.addUser({ id: 'user-maria', name: 'Maria Lopez', email: 'maria@example.com' });
		fake.addUser({ id: 'user-tom', name: 'Tom Baker', email: 'tom@example.com' });
		fake.addContact({ id: 'contact-ana', name: 'Ana Lima', phone: '+15550001111', tags: ['lead'] });
		fake.addConversation({ id: 'conv-ana', contactId: 'contact-ana' });

		n8n = await startN8n({ packageDir: REPO });
		const credential = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
			name: 'HighLevel fake',
			type: 'highLevelPrivateIntegrationApi',
			data: { accessToken: TOKEN, locationId: LOCATION, baseUrl: fakeUrl },
		});
		const template = JSON.parse(
			readFileSync(resolve(REPO, 'examples/highlevel-human-handover.workflow.json'), 'utf8'),
		) as WorkflowJson;
		const secret = await webhookSecretForTemplates(n8n, WEBHOOK_SECRET);
		pausedUntil = Date.now() + PAUSE_MS;
		workflowId = await n8n.importWorkflow(
			templateWithCredentials(
				template,
				{ highLevelPrivateIntegrationApi: { id: credential.id, name: credential.name } },
				// A short pause, so that the test also sees the bot resume and the pause end.
				{ 'Pause Bot': { pauseMode: 'until', until: new Date(pausedUntil).toISOString() } },
				secret,
			),
		);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
		await fake.stop();
	});

	test('one request for a person makes exactly one call of each kind', async () => {
		const ask = await post(
			n8n.webhookUrl('highlevel-handover'),
			inbound('I need help from a real person', 'm1'),
			tokenHeader(WEBHOOK_SECRET),
		);
		expect(ask.status).toBe(200);
		expect(ask.json).toMatchObject({ handover: true, reason: 'contact_request' });

		const [execution] = await n8n.waitForExecutions(workflowId, 1, 60_000);
		expect(execution.status).toBe('success');
		const [event] = execution.lastNodeOutput as Array<{
			actions: Record<string, Record<string, unknown>>;
		}>;
		expect(Object.keys(event.actions).sort()).toEqual([
			'assign',
			'message',
			'notify',
			'pause',
			'tag',
			'task',
		]);
		const assignee = event.actions.assign.userId;
		expect(['user-maria', 'user-tom']).toContain(assignee);

		expect(fake.callsTo('PUT', /^\/contacts\/contact-ana$/)).toHaveLength(1);
		expect(fake.callsTo('POST', /^\/contacts\/contact-ana\/tasks$/)).toEqual([
			expect.objectContaining({
				body: expect.objectContaining({ assignedTo: assignee, completed: false }),
			}),
		]);
		expect(fake.callsTo('POST', /^\/conversations\/messages$/)).toEqual([
			expect.objectContaining({
				body: expect.objectContaining({
					type: 'SMS',
					contactId: 'contact-ana',
					message: 'Thank you! Someone from the team will get back to you.',
				}),
			}),
		]);
		const tagCalls = fake
			.callsTo('POST', /^\/contacts\/contact-ana\/tags$/)
			.map((call) => call.body);
		expect(tagCalls).toEqual([{ tags: ['ai_paused'] }, { tags: ['human_handover'] }]);
		expect(fake.contact('contact-ana')?.tags).toEqual(
			expect.arrayContaining(['lead', 'ai_paused', 'human_handover']),
		);
		expect(fake.callsTo('POST', /^\/contacts\/contact-ana\/notes$/)).toHaveLength(1);
		expect(fake.contact('contact-ana')?.assignedTo).toBe(assignee);
	});

	test('during the pause the bot is answered botPaused and nothing runs', async () => {
		const callsBefore = fake.requests.length;
		const during = await post(
			n8n.webhookUrl('highlevel-handover'),
			inbound('hello? anyone there? I want a human', 'm2'),
			tokenHeader(WEBHOOK_SECRET),
		);
		expect(during.json).toMatchObject({ handover: false, botPaused: true });
		expect(Date.parse(during.json.pausedUntil)).toBe(pausedUntil);
		await sleep(2000);
		expect(fake.requests.length).toBe(callsBefore);
		expect(await n8n.executions(workflowId)).toHaveLength(1);
	});

	test('after the pause the bot resumes by itself', async () => {
		await sleep(Math.max(0, pausedUntil - Date.now()) + 500);
		const after = await post(
			n8n.webhookUrl('highlevel-handover'),
			inbound('ok, what are the opening hours?', 'm3'),
			tokenHeader(WEBHOOK_SECRET),
		);
		expect(after.json).toMatchObject({ handover: false, botPaused: false, pausedUntil: null });
	});

	test('once the pause has ended, the pause-ended flow takes the pause tag off exactly once', async () => {
		const untagged = () => fake.callsTo('DELETE', /^\/contacts\/contact-ana\/tags$/);
		// n8n polls at most once a minute.
		const deadline = Date.now() + 100_000;
		while (untagged().length === 0 && Date.now() < deadline) await sleep(1000);
		expect(untagged().map((call) => call.body)).toEqual([{ tags: ['ai_paused'] }]);
		expect(fake.contact('contact-ana')?.tags).not.toContain('ai_paused');
		expect(fake.contact('contact-ana')?.tags).toEqual(
			expect.arrayContaining(['lead', 'human_handover']),
		);
		// The next poll takes nothing again.
		await sleep(62_000);
		expect(untagged()).toHaveLength(1);
	});
});
