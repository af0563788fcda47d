/**
 * Handover Create Task run as n8n runs it (its own defaults, the detector's event as input) against
 * the HighLevel and Chatwoot contract fakes: what is asserted is what went over the wire.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { HandoverCreateTask } from '../../../nodes/HandoverCreateTask/HandoverCreateTask.node';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import {
	CHATWOOT_ACCOUNT,
	CHATWOOT_CONVERSATION,
	HIGHLEVEL_LOCATION,
	chatwootCredentials,
	chatwootEvent,
	defaultParameters,
	failureOf,
	highLevelCredentials,
	highLevelEvent,
	msUntil,
	runNode,
	tempStore,
} from '../../helpers/actionNodes';

const node = new HandoverCreateTask();
const HOUR = 60 * 60 * 1000;
const TASKS = /^\/contacts\/[^/]+\/tasks$/;
const MESSAGES = /\/conversations\/\d+\/messages$/;
const ATTRIBUTES = /\/conversations\/\d+\/custom_attributes$/;

const assigned = (userId: string | number, userName: string) => ({
	actions: { assign: { userId, userName, tried: [userId] } },
});

let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;
/** A fresh store per test: each test is a handover of its own (a re-run gets its task back). */
let store: ReturnType<typeof tempStore>;

beforeAll(async () => {
	highLevel = new HighLevelFake({ locationId: HIGHLEVEL_LOCATION, rateLimit: { max: 10_000 } });
	chatwoot = new ChatwootFake({ accountId: CHATWOOT_ACCOUNT });
	await Promise.all([highLevel.start(), chatwoot.start()]);
	highLevel.addUser({ id: 'u_ada', name: 'Ada Lovelace' });
	chatwoot.addAgent({ id: 12, name: 'Luis Ortega' });
});

afterAll(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop()]);
});

afterEach(async () => await store.close());

beforeEach(() => {
	store = tempStore();
	highLevel.requests.splice(0);
	chatwoot.requests.splice(0);
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima' });
	chatwoot.addConversation({
		id: CHATWOOT_CONVERSATION,
		custom_attributes: { plan: 'gold' },
		contact: { name: 'Ana Lima' },
	});
});

const runHighLevel = async (
	items = [highLevelEvent(assigned('u_ada', 'Ada Lovelace'))],
	more = {},
) =>
	await runNode(node, {
		items,
		parameters: defaultParameters(node, { platform: 'highlevel', storeFile: store.file }),
		credentials: highLevelCredentials(highLevel),
		...more,
	});

const runChatwoot = async (items = [chatwootEvent(assigned(12, 'Luis Ortega'))], more = {}) =>
	await runNode(node, {
		items,
		parameters: defaultParameters(node, { platform: 'chatwoot', storeFile: store.file }),
		credentials: chatwootCredentials(chatwoot),
		...more,
	});

describe('Handover Create Task on HighLevel', () => {
	it('creates a contact task from the defaults alone: title, summary body, due in 24 h, the assignee Assign chose', async () => {
		const event = highLevelEvent(assigned('u_ada', 'Ada Lovelace'));
		const started = Date.now();
		const [output] = await runHighLevel([event]);

		const [request] = highLevel.callsTo('POST', TASKS);
		expect(request.path).toBe('/contacts/contact-1/tasks');
		expect(request.headers.version).toBe('2021-07-28');
		const body = request.body as Record<string, unknown>;
		expect(body).toEqual({
			title: 'Human handover: Ana Lima',
			body: expect.any(String),
			dueDate: expect.any(String),
			completed: false,
			assignedTo: 'u_ada',
		});
		expect(msUntil(body.dueDate, started)).toBeGreaterThanOrEqual(24 * HOUR - 1000);
		expect(msUntil(body.dueDate, started)).toBeLessThan(24 * HOUR + 5000);
		// "Will be created by AI" stands for a summary; the reason and the last messages follow.
		expect(body.body).toBe(
			[
				'Ana Lima asked to talk to a person.',
				'Reason: contact_request ("can i talk to a human")',
				[
					'Last messages:',
					'- Contact: Is the house on Oak Street available?',
					'- Bot: Yes, from March.',
					'- Contact: Can I talk to a human?',
				].join('\n'),
			].join('\n\n'),
		);

		const task = highLevel.contact('contact-1')!.tasks[0];
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				...(event.actions as object),
				task: {
					platform: 'highlevel',
					kind: 'task',
					id: task.id,
					contactId: 'contact-1',
					title: 'Human handover: Ana Lima',
					dueDate: body.dueDate,
					assigneeId: 'u_ada',
				},
			},
		});
	});

	it('creates one task per handover: a re-run gets the first task back', async () => {
		const [first] = await runHighLevel();
		const [again] = await runHighLevel();
		expect(again.json.actions).toEqual(first.json.actions);
		expect(highLevel.callsTo('POST', TASKS)).toHaveLength(1);
	});

	it('leaves the task unassigned without an Assign result, and honours description, message count and due time', async () => {
		const started = Date.now();
		const [output] = await runNode(node, {
			items: [highLevelEvent()],
			parameters: defaultParameters(node, {
				platform: 'highlevel',
				storeFile: store.file,
				description: 'Call her back about the Oak Street house',
				lastMessages: 1,
				dueInHours: 2,
			}),
			credentials: highLevelCredentials(highLevel),
		});
		const body = highLevel.callsTo('POST', TASKS)[0].body as Record<string, unknown>;
		expect(body).not.toHaveProperty('assignedTo');
		expect(body.body).toBe(
			'Call her back about the Oak Street house\n\n' +
				'Reason: contact_request ("can i talk to a human")\n\n' +
				'Last messages:\n- Contact: Can I talk to a human?',
		);
		expect(msUntil(body.dueDate, started)).toBeGreaterThanOrEqual(2 * HOUR - 1000);
		expect(msUntil(body.dueDate, started)).toBeLessThan(2 * HOUR + 5000);
		expect((output.json.actions as { task: object }).task).toMatchObject({ assigneeId: null });
	});

	it('fails with a NodeApiError that says to check the credential on 401', async () => {
		const error = await failureOf(
			runHighLevel(undefined, { credentials: highLevelCredentials(highLevel, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/HighLevel rejected the credentials: check the Private Integration token/,
		);
		expect(highLevel.contact('contact-1')!.tasks).toHaveLength(0);
	});

	it('says to check Contact ID when HighLevel does not know the contact (404)', async () => {
		const error = await failureOf(runHighLevel([highLevelEvent({ contactId: 'nobody' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/contact does not exist in this sub-account: check Contact ID/);
	});

	it('waits out a 429 (Retry-After: 1) and creates the task once', async () => {
		highLevel.failNext(TASKS, 429, 1, { 'Retry-After': '1' });
		const started = Date.now();
		await runHighLevel();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(highLevel.callsTo('POST', TASKS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tasks).toHaveLength(1);
	});

	it('retries a 503 (not processed) and creates the task once', async () => {
		highLevel.failNext(TASKS, 503);
		await runHighLevel();
		expect(highLevel.callsTo('POST', TASKS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tasks).toHaveLength(1);
	});

	it('does not resend the POST after a 500, which may come after HighLevel created the task', async () => {
		highLevel.failNext(TASKS, 500);
		await expect(runHighLevel()).rejects.toThrow(/HighLevel had a server error \(500\)/);
		expect(highLevel.callsTo('POST', TASKS)).toHaveLength(1);
	});

	it('with Continue On Fail passes a failed item on with its error and pairing', async () => {
		const good = highLevelEvent();
		const bad = highLevelEvent({ contactId: 'nobody', handoverId: 'h-2' });
		const output = await runHighLevel([good, bad], { continueOnFail: true });
		expect(output).toHaveLength(2);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect((output[0].json.actions as { task: { kind: string } }).task.kind).toBe('task');
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[1].json.error).toMatch(/check Contact ID/);
		expect(output[1].json.actions).toEqual({ task: { error: output[1].json.error } });
		expect(output[1].json.handoverId).toBe('h-2');
	});

	it('refuses a negative due time before calling HighLevel', async () => {
		const run = runNode(node, {
			items: [highLevelEvent()],
			parameters: defaultParameters(node, { platform: 'highlevel', dueInHours: -1 }),
			credentials: highLevelCredentials(highLevel),
		});
		await expect(run).rejects.toThrow(NodeOperationError);
		expect(highLevel.requests).toHaveLength(0);
	});
});

describe('Handover Create Task on Chatwoot (no tasks: a private note and attributes)', () => {
	it('writes a private note "Task: … — due …" that mentions the assignee, and sets the task attributes', async () => {
		const event = chatwootEvent(assigned(12, 'Luis Ortega'));
		const started = Date.now();
		const [output] = await runChatwoot([event]);

		const conversation = chatwoot.conversation(CHATWOOT_CONVERSATION);
		const [note] = conversation.messages;
		expect(note).toMatchObject({ message_type: 'outgoing', private: true });
		const content = String(note.content);
		expect(content).toMatch(
			/^Task: Human handover: Ana Lima — due \w{3} \d{1,2}, \d{4}, .+ UTC\n\n/,
		);
		expect(content).toContain('Ana Lima asked to talk to a person.');
		expect(content).toContain('Last messages:\n- Contact: Is the house on Oak Street available?');
		expect(content).toMatch(
			/\n\nAssigned to \[@Luis Ortega\]\(mention:\/\/user\/12\/Luis%20Ortega\)$/,
		);

		// Merged into the attributes other workflows wrote, not replacing them.
		expect(conversation.custom_attributes).toEqual({
			plan: 'gold',
			handover_task_title: 'Human handover: Ana Lima',
			handover_task_due: expect.any(String),
		});
		const due = conversation.custom_attributes.handover_task_due;
		expect(msUntil(due, started)).toBeGreaterThanOrEqual(24 * HOUR - 1000);
		expect(msUntil(due, started)).toBeLessThan(24 * HOUR + 5000);

		const [post] = chatwoot.callsTo('POST', MESSAGES);
		expect(post.path).toBe(`/api/v1/accounts/3/conversations/${CHATWOOT_CONVERSATION}/messages`);
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				...(event.actions as object),
				task: {
					platform: 'chatwoot',
					kind: 'note',
					id: note.id,
					conversationId: String(CHATWOOT_CONVERSATION),
					title: 'Human handover: Ana Lima',
					dueDate: due,
					assigneeId: '12',
				},
			},
		});
	});

	it('writes the note without a mention when nobody was assigned', async () => {
		await runChatwoot([chatwootEvent()]);
		const content = String(chatwoot.conversation(CHATWOOT_CONVERSATION).messages[0].content);
		expect(content).not.toContain('mention://');
	});

	it('says to check the Access Token on 401', async () => {
		const error = await failureOf(
			runChatwoot(undefined, { credentials: chatwootCredentials(chatwoot, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Chatwoot rejected the credentials: check the Access Token/);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).messages).toHaveLength(0);
	});

	it('says to check the Conversation ID when Chatwoot does not know it (404)', async () => {
		const error = await failureOf(runChatwoot([chatwootEvent({ conversationId: '999' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/conversation 999 does not exist .*check the Conversation ID/);
	});

	it('waits out a 429 (Retry-After: 1) and writes one note', async () => {
		chatwoot.failNext(MESSAGES, 429, 1, { 'Retry-After': '1' });
		await runChatwoot();
		expect(chatwoot.callsTo('POST', MESSAGES)).toHaveLength(2);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).messages).toHaveLength(1);
	});

	it('retries a 500 on the attributes (safe to repeat) and then writes one note', async () => {
		chatwoot.failNext(ATTRIBUTES, 500);
		await runChatwoot();
		expect(chatwoot.callsTo('POST', ATTRIBUTES)).toHaveLength(2);
		expect(chatwoot.conversation(CHATWOOT_CONVERSATION).messages).toHaveLength(1);
	});

	it('does not write the note twice after a 500 on it', async () => {
		chatwoot.failNext(MESSAGES, 500);
		await expect(runChatwoot()).rejects.toThrow(/Chatwoot had a server error \(500\)/);
		expect(chatwoot.callsTo('POST', MESSAGES)).toHaveLength(1);
	});

	it('refuses an assignee that is not a Chatwoot agent number, naming the field', async () => {
		const error = await failureOf(runChatwoot([chatwootEvent(assigned('u_ada', 'Ada'))]));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Assignee ID is not a Chatwoot agent number');
		expect(chatwoot.requests).toHaveLength(0);
	});
});
