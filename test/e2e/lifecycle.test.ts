/**
 * The life of a handover in a real n8n 2.40.7: the Chatwoot template against the Chatwoot contract
 * fake with two agents, one n8n for the file.
 *
 * - Least busy counts open handovers: requests in A, B and D go to X, Y and X; Chatwoot's
 *   `conversation_status_changed` "resolved" for A and D is answered at once with `closed: true`
 *   and starts no execution; the next request (C) then goes to X, who has no open handover left,
 *   although the round-robin turn is Y's and X was assigned more conversations in all. A new
 *   request in A hands over again at once (no cool-down); one in B, not resolved, does not.
 * - Out of hours: the template imported again with Business Hours that are closed now; a request
 *   gets the away text with the next opening, an assignment with `available: false`, and a staff
 *   note that says it arrived outside business hours.
 * - Both detector templates ship secured: every call here is signed as Chatwoot signs it, and an
 *   unsigned call to the Chatwoot or the HighLevel template is refused with 401 and starts nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ChatwootFake } from '../fakes/chatwoot/ChatwootFake';
import { startN8n, type Execution, type N8nInstance, type WorkflowJson } from './harness/n8n';
import { REPO_ROOT } from './harness/repoRoot';
import {
	chatwootSignature,
	post,
	sleep,
	templateWithCredentials,
	webhookSecretForTemplates,
	type CredentialRef,
} from './workflows';

jest.setTimeout(300_000);

const TEMPLATE = join(REPO_ROOT, 'examples/chatwoot-human-handover.workflow.json');
const HIGHLEVEL_TEMPLATE = join(REPO_ROOT, 'examples/highlevel-human-handover.workflow.json');
const HIGHLEVEL_PATH = 'highlevel-handover';
/** The Chatwoot webhook's secret, in the detectors' Handover Webhook Secret credential. */
const WEBHOOK_SECRET = 'chatwoot-webhook-secret-lifecycle';
/** The template's Detector path, and the path of the second (out-of-hours) import. */
const LEAST_BUSY_PATH = 'chatwoot-handover';
const AFTER_HOURS_PATH = 'chatwoot-after-hours';
const CHATWOOT_TOKEN = 'chatwoot-lifecycle-token';
const ACCOUNT = 1;
/** Listed by Chatwoot in this order: the round robin starts with X. */
const AGENT_X = { id: 11, name: 'Xavier Ortiz' };
const AGENT_Y = { id: 12, name: 'Yara Costa' };
const CONVERSATION = { A: 501, B: 502, C: 503, D: 504, afterHours: 601 };
const ASK = 'Can I talk to a real person, please?';
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Json = Record<string, unknown>;

let messageIds = 9000;

/**
 * Chatwoot's `message_created` for a contact's message in a conversation the bot has: `pending`
 * (the bot's queue) and unassigned. A conversation with an assignee is ignored (a person has it).
 */
function contactMessage(conversationId: number, content: string): Json {
	const contact = { id: 100 + conversationId, name: `Contact ${conversationId}`, type: 'contact' };
	return {
		event: 'message_created',
		id: ++messageIds,
		content,
		created_at: new Date().toISOString(),
		message_type: 'incoming',
		private: false,
		sender: contact,
		conversation: {
			id: conversationId,
			status: 'pending',
			channel: 'Channel::WebWidget',
			meta: { sender: contact, assignee: null },
		},
		inbox: { id: 1, name: 'Website' },
		account: { id: ACCOUNT, name: 'Acme' },
	};
}

/** Chatwoot's `conversation_status_changed`: the conversation itself at the top level. */
function statusChanged(conversationId: number, status: string): Json {
	return {
		event: 'conversation_status_changed',
		id: conversationId,
		status,
		inbox_id: 1,
		account: { id: ACCOUNT },
		updated_at: new Date().toISOString(),
	};
}

const template = (file = TEMPLATE) => JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;

/** The Assign result the last node passed on. */
const assignOf = (execution: Execution) =>
	(execution.lastNodeOutput[0].actions as Record<string, Json>).assign;

describe('Chatwoot template in n8n: the life of a handover', () => {
	const chatwoot = new ChatwootFake({ accountId: ACCOUNT, token: CHATWOOT_TOKEN });
	let n8n: N8nInstance;
	let leastBusyId: string;
	let afterHoursId: string;
	let highLevelId: string;
	/** Business Hours of the out-of-hours import: all of the day after tomorrow (UTC), nothing else. */
	const opens = new Date();
	opens.setUTCHours(0, 0, 0, 0);
	opens.setUTCDate(opens.getUTCDate() + 2);
	const openDay = DAYS[opens.getUTCDay()];

	beforeAll(async () => {
		const chatwootUrl = await chatwoot.start();
		chatwoot.addAgent({ ...AGENT_X, email: 'xavier@example.com' });
		chatwoot.addAgent({ ...AGENT_Y, email: 'yara@example.com' });
		chatwoot.addAccountLabels('human_handover');
		for (const id of Object.values(CONVERSATION))
			chatwoot.addConversation({ id, status: 'pending' });

		n8n = await startN8n({ packageDir: REPO_ROOT });
		const created = await n8n.rest<CredentialRef>('POST', '/credentials', {
			name: 'Chatwoot fake',
			type: 'chatwootApi',
			data: { baseUrl: chatwootUrl, accountId: String(ACCOUNT), apiAccessToken: CHATWOOT_TOKEN },
		});
		const credentials = { chatwootApi: { id: created.id, name: created.name } };
		const secret = await webhookSecretForTemplates(n8n, WEBHOOK_SECRET);

		leastBusyId = await n8n.importWorkflow(
			templateWithCredentials(
				template(),
				credentials,
				{ Assign: { strategy: 'leastBusy' } },
				secret,
			),
		);

		// The same template again on another path, closed now: open only all of the day after
		// tomorrow, so that it is still closed if the test runs past midnight.
		const afterHours = templateWithCredentials(
			template(),
			credentials,
			{
				'Handover Detector': { path: AFTER_HOURS_PATH },
				Assign: {
					options: {
						businessHours: { hours: [{ days: openDay, from: '00:00', to: '24:00' }] },
						timeZone: 'UTC',
					},
				},
			},
			secret,
		);
		afterHoursId = await n8n.importWorkflow({
			...afterHours,
			name: `${afterHours.name} (out of hours)`,
			nodes: (afterHours.nodes as Json[]).map((node) =>
				node.name === 'Handover Detector' ? { ...node, webhookId: AFTER_HOURS_PATH } : node,
			),
		});

		// The HighLevel template, only to see its detector refuse unsigned calls: its actions are
		// never reached, so their credential points nowhere.
		const highLevel = await n8n.rest<CredentialRef>('POST', '/credentials', {
			name: 'HighLevel (never called)',
			type: 'highLevelPrivateIntegrationApi',
			data: { accessToken: 'unused', locationId: 'unused', baseUrl: 'http://127.0.0.1:9' },
		});
		highLevelId = await n8n.importWorkflow(
			templateWithCredentials(
				template(HIGHLEVEL_TEMPLATE),
				{ highLevelPrivateIntegrationApi: { id: highLevel.id, name: highLevel.name } },
				{},
				secret,
			),
		);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
		await chatwoot.stop();
	});

	/** Posts a body as Chatwoot does, signed with the webhook's secret. */
	const deliver = async (path: string, body: Json) =>
		await post(n8n.webhookUrl(path), body, chatwootSignature(WEBHOOK_SECRET, body));

	/** POST bodies of the assignment calls, as `conversation → agent`, in the order made. */
	const assignments = () =>
		chatwoot.callsTo('POST', /\/assignments$/).map((call) => {
			const conversation = /\/conversations\/(\d+)\//.exec(call.path)?.[1];
			return `${conversation} → ${String((call.body as Json).assignee_id)}`;
		});

	/** Asks for a person in the conversation; the handover's execution, the `count`-th of the flow. */
	async function handOver(path: string, workflowId: string, conversation: number, count: number) {
		const answer = await deliver(path, contactMessage(conversation, ASK));
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ handover: true, reason: 'contact_request' });
		const executions = await n8n.waitForExecutions(workflowId, count, 60_000);
		expect(executions).toHaveLength(count);
		const execution = executions[count - 1];
		expect(execution.status).toBe('success');
		return execution;
	}

	/** Saved executions of the workflow, after long enough for one to have been saved. */
	async function executionsAfterAWhile(workflowId: string) {
		await sleep(2000);
		return (await n8n.executionSummaries(workflowId)).length;
	}

	describe('least busy counts open handovers; resolving one ends it', () => {
		test('requests in A, B and D go to X, Y and X (ties take turns)', async () => {
			const a = await handOver(LEAST_BUSY_PATH, leastBusyId, CONVERSATION.A, 1);
			expect(assignOf(a)).toMatchObject({
				userId: String(AGENT_X.id),
				strategy: 'leastBusy',
				available: true,
			});
			const b = await handOver(LEAST_BUSY_PATH, leastBusyId, CONVERSATION.B, 2);
			expect(assignOf(b)).toMatchObject({ userId: String(AGENT_Y.id), strategy: 'leastBusy' });
			const d = await handOver(LEAST_BUSY_PATH, leastBusyId, CONVERSATION.D, 3);
			expect(assignOf(d)).toMatchObject({ userId: String(AGENT_X.id), strategy: 'leastBusy' });

			expect(assignments()).toEqual(['501 → 11', '502 → 12', '504 → 11']);
			// Pause Bot moved each from the bot's queue to the agents'.
			for (const id of [CONVERSATION.A, CONVERSATION.B, CONVERSATION.D]) {
				expect(chatwoot.conversation(id).status).toBe('open');
			}
		});

		test('"resolved" for A and D is answered at once with closed: true and starts nothing', async () => {
			const calls = chatwoot.requests.length;
			for (const id of [CONVERSATION.A, CONVERSATION.D]) {
				chatwoot.conversation(id).status = 'resolved';
				const resolved = await deliver(LEAST_BUSY_PATH, statusChanged(id, 'resolved'));
				expect(resolved).toEqual({
					status: 200,
					json: {
						handover: false,
						reason: null,
						handoverId: null,
						botPaused: false,
						pausedUntil: null,
						closed: true,
					},
				});
			}
			// Resolving it again finds no open handover.
			const again = await deliver(LEAST_BUSY_PATH, statusChanged(CONVERSATION.A, 'resolved'));
			expect(again.json).toMatchObject({ handover: false, closed: false });

			expect(await executionsAfterAWhile(leastBusyId)).toBe(3);
			expect(chatwoot.requests.length).toBe(calls);
		});

		test('C then goes to X, who has no open handover: not round robin (Y), not all-time count (Y)', async () => {
			// Open handovers now: X 0 (A and D resolved), Y 1 (B). Round robin's turn (the fourth
			// assignment) is Y's, and X had two assignments in all to Y's one.
			const c = await handOver(LEAST_BUSY_PATH, leastBusyId, CONVERSATION.C, 4);
			expect(assignOf(c)).toMatchObject({ userId: String(AGENT_X.id), strategy: 'leastBusy' });
			expect(assignments()).toEqual(['501 → 11', '502 → 12', '504 → 11', '503 → 11']);
		});

		test('B, not resolved, does not hand over again: the bot is paused', async () => {
			const calls = chatwoot.requests.length;
			const again = await deliver(LEAST_BUSY_PATH, contactMessage(CONVERSATION.B, ASK));
			expect(again.status).toBe(200);
			expect(again.json).toMatchObject({
				handover: false,
				botPaused: true,
				suppressed: 'bot_paused',
			});
			expect(await executionsAfterAWhile(leastBusyId)).toBe(4);
			expect(chatwoot.requests.length).toBe(calls);
		});

		test('the next request in A after its resolution hands over again at once (no cool-down)', async () => {
			// Open: X 1 (C), Y 1 (B); the tie goes to the round-robin turn, X's (the fifth).
			const again = await handOver(LEAST_BUSY_PATH, leastBusyId, CONVERSATION.A, 5);
			expect(again.runData['Handover Detector']?.[0]?.data?.main?.[0]?.[0]?.json).toMatchObject({
				conversationId: String(CONVERSATION.A),
				reason: 'contact_request',
			});
			expect(assignOf(again)).toMatchObject({ userId: String(AGENT_X.id), available: true });
			expect(assignments()).toEqual(['501 → 11', '502 → 12', '504 → 11', '503 → 11', '501 → 11']);
			expect((await n8n.executionSummaries(leastBusyId)).map((e) => e.status)).toEqual(
				new Array(5).fill('success'),
			);
		});
	});

	describe('out of hours', () => {
		test('a request gets the away text, an assignment with available: false and a staff note saying so', async () => {
			const execution = await handOver(AFTER_HOURS_PATH, afterHoursId, CONVERSATION.afterHours, 1);
			const weekday = openDay[0].toUpperCase() + openDay.slice(1);
			expect(assignOf(execution)).toMatchObject({
				available: false,
				unavailableReason: 'outside_business_hours',
				nextOpening: opens.toISOString(),
				nextOpeningText: `${weekday} 00:00`,
			});
			// Still assigned: the person finds it on return.
			expect(
				chatwoot.callsTo(
					'POST',
					new RegExp(`/conversations/${CONVERSATION.afterHours}/assignments$`),
				),
			).toHaveLength(1);

			const messages = chatwoot.conversation(CONVERSATION.afterHours).messages;
			expect(messages.filter((message) => !message.private).map((m) => m.content)).toEqual([
				`Thanks! Our team is away right now and will get back to you from ${weekday} 00:00.`,
			]);
			// Create Task's note, then Notify's (the last node).
			const notes = messages.filter((message) => message.private).map((m) => String(m.content));
			expect(notes).toHaveLength(2);
			expect(notes[1]).toContain('Arrived outside business hours');
			expect(await executionsAfterAWhile(afterHoursId)).toBe(1);
		});
	});

	describe('the templates ship secured', () => {
		test('an unsigned call to either template is refused with 401 and starts nothing', async () => {
			const detectorAuthentication = (file: string) =>
				(template(file).nodes as Json[])
					.filter((node) => node.name === 'Handover Detector')
					.map((node) => (node.parameters as Json).authentication);
			expect(detectorAuthentication(TEMPLATE)).toEqual(['chatwootSignature']);
			expect(detectorAuthentication(HIGHLEVEL_TEMPLATE)).toEqual(['headerToken']);

			const before = {
				leastBusy: (await n8n.executionSummaries(leastBusyId)).length,
				highLevel: (await n8n.executionSummaries(highLevelId)).length,
			};
			const calls = chatwoot.requests.length;

			const unsignedChatwoot = await post(
				n8n.webhookUrl(LEAST_BUSY_PATH),
				contactMessage(CONVERSATION.C, ASK),
			);
			expect(unsignedChatwoot.status).toBe(401);
			expect(unsignedChatwoot.json.error).toMatch(/X-Chatwoot-Signature/);

			const unsignedHighLevel = await post(n8n.webhookUrl(HIGHLEVEL_PATH), {
				type: 'InboundMessage',
				locationId: 'loc-1',
				contactId: 'contact-1',
				conversationId: 'conv-1',
				body: ASK,
				messageType: 'SMS',
				direction: 'inbound',
				dateAdded: new Date().toISOString(),
				messageId: 'unsigned-1',
			});
			expect(unsignedHighLevel.status).toBe(401);
			expect(unsignedHighLevel.json.error).toMatch(/x-handover-token/);

			await sleep(2000);
			expect((await n8n.executionSummaries(leastBusyId)).length).toBe(before.leastBusy);
			expect((await n8n.executionSummaries(highLevelId)).length).toBe(before.highLevel);
			expect(chatwoot.requests.length).toBe(calls);
		});
	});
});
