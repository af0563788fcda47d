/**
 * The six actions on a third platform that exists only in these tests: each action reaches the
 * platform through the adapter interface alone, so a platform is its adapter (see memoryPlatform).
 */
import type { IDataObject, INodeType } from 'n8n-workflow';

import { HandoverAddTag } from '../../../nodes/HandoverAddTag/HandoverAddTag.node';
import { addTags } from '../../../nodes/HandoverAddTag/addTags';
import { HandoverAssign } from '../../../nodes/HandoverAssign/HandoverAssign.node';
import { assignItem } from '../../../nodes/HandoverAssign/assign';
import { HandoverCreateTask } from '../../../nodes/HandoverCreateTask/HandoverCreateTask.node';
import { createTask } from '../../../nodes/HandoverCreateTask/createTask';
import { HandoverNotify } from '../../../nodes/HandoverNotify/HandoverNotify.node';
import { notify } from '../../../nodes/HandoverNotify/notify';
import { HandoverPauseBot } from '../../../nodes/HandoverPauseBot/HandoverPauseBot.node';
import { pauseBot } from '../../../nodes/HandoverPauseBot/pauseBot';
import { HandoverSendMessage } from '../../../nodes/HandoverSendMessage/HandoverSendMessage.node';
import { DEFAULT_MESSAGE, sendMessage } from '../../../nodes/HandoverSendMessage/sendMessage';
import { conversationKey } from '../../../nodes/conversation/conversationKey';
import type { ActionKey } from '../../../nodes/event/actionResults';
import type { ConnectPlatform } from '../../../nodes/platforms/platformList';
import { runForEachItem, type ItemAction } from '../../../nodes/shared/actionRunner';
import { defaultParameters, failureOf, tempStore } from '../../helpers/actionNodes';
import { handoverEvent, nodeContext, type ParameterValue } from '../../helpers/nodeContext';
import { MemoryDesk } from './memoryPlatform';

const people = [
	{ id: 'ana', name: 'Ana' },
	{ id: 'ben', name: 'Ben' },
	{ id: 'cy', name: 'Cy' },
];

let desk: MemoryDesk;
const store = tempStore();
const connectMemory: ConnectPlatform = async (_context, platform) => {
	if (platform !== 'memory') throw new Error(`the test asked for ${platform}`);
	return desk.adapter();
};

afterAll(async () => await store.close());

beforeEach(() => {
	desk = new MemoryDesk(people, new Set(['ana']));
	desk.ticket('t-1');
});

const event = (fields: IDataObject = {}) =>
	handoverEvent({
		platform: 'memory',
		conversationId: 't-1',
		locationId: undefined,
		accountId: 'desk-1',
		...fields,
	});

type Action<K extends ActionKey> = (
	context: ReturnType<typeof nodeContext>,
	connect: ConnectPlatform,
) => ItemAction<K>;

/** Runs an action's node over the items through the package's item loop, on the memory desk. */
async function run<K extends ActionKey>(
	node: INodeType,
	key: K,
	action: Action<K>,
	overrides: Record<string, ParameterValue> = {},
	items: IDataObject[] = [event()],
) {
	const context = nodeContext({
		items,
		parameters: defaultParameters(node, {
			platform: 'memory',
			// The descriptions show the field only for the platforms of the list, which this is not.
			conversationId: (item: IDataObject) => item.conversationId,
			storeFile: store.file,
			...overrides,
		}),
		credentials: {},
	});
	context.getTimezone.mockReturnValue('UTC');
	context.getExecutionId.mockReturnValue('execution-1');
	const [output] = await runForEachItem(context, key, action(context, connectMemory));
	return output.map((item) => item.json);
}

describe('the actions on an in-memory platform', () => {
	it('assigns the next member when the first refuses, and says who was tried', async () => {
		const [item] = await run(
			new HandoverAssign(),
			'assign',
			(context, connect) => (i, it) => assignItem(context, i, it, connect),
		);
		expect(desk.calls).toEqual(['assign t-1 ana', 'assign t-1 ben']);
		expect(desk.ticket('t-1').assignee).toBe('ben');
		expect(item.actions).toMatchObject({
			assign: {
				platform: 'memory',
				conversationId: 't-1',
				userId: 'ben',
				userName: 'Ben',
				tried: [{ userId: 'ana', userName: 'Ana', error: 'ana may not take tickets' }],
			},
		});
	});

	it('tags the ticket, keeping what was there', async () => {
		desk.ticket('t-1').tags.push('vip');
		const [item] = await run(
			new HandoverAddTag(),
			'tag',
			(context, connect) => (i) => addTags(context, i, connect),
		);
		expect(desk.ticket('t-1').tags).toEqual(['vip', 'human_handover']);
		expect(item.actions).toMatchObject({
			tag: { added: ['human_handover'], tags: ['vip', 'human_handover'] },
		});
	});

	it('leaves a follow-up due in 24 hours with the event summary in its body', async () => {
		const [item] = await run(
			new HandoverCreateTask(),
			'task',
			(context, connect) => (i, it) => createTask(context, i, it, connect),
		);
		const [followUp] = desk.ticket('t-1').followUps;
		expect(followUp.title).toBe('Human handover: Ana Lima');
		expect(followUp.body).toContain('Can I talk to a human?');
		expect(Math.abs(followUp.due.getTime() - Date.now() - 24 * 3600_000)).toBeLessThan(60_000);
		expect(item.actions).toMatchObject({
			task: { platform: 'memory', kind: 'task', id: 't-1/f1' },
		});
	});

	it('replies once per handover, also when the node runs again', async () => {
		const action: Action<'message'> = (context, connect) => (i, it) =>
			sendMessage(context, i, it, connect);
		const [first] = await run(new HandoverSendMessage(), 'message', action);
		const [again] = await run(new HandoverSendMessage(), 'message', action);
		expect(desk.ticket('t-1').replies).toEqual([DEFAULT_MESSAGE]);
		expect(first.actions).toMatchObject({ message: { sent: true, messageId: 1 } });
		expect(again.actions).toMatchObject({ message: { sent: false } });
	});

	it('pauses the bot in the store the detector reads, and on the platform', async () => {
		const [item] = await run(
			new HandoverPauseBot(),
			'pause',
			(context, connect) => (i, it) => pauseBot(context, i, it, connect),
		);
		expect(desk.ticket('t-1').pausedUntil).toBeInstanceOf(Date);
		expect(item.actions).toMatchObject({ pause: { platform: 'memory', status: 'paused' } });
		const memory = await (
			await store.open()
		).getConversation(conversationKey('memory', 'desk-1', 't-1'));
		expect(memory?.pausedUntil).toBe(desk.ticket('t-1').pausedUntil?.toISOString());
	});

	it('hands the ticket back to the bot on Resume', async () => {
		const action: Action<'pause'> = (context, connect) => (i, it) =>
			pauseBot(context, i, it, connect);
		await run(new HandoverPauseBot(), 'pause', action);
		const [item] = await run(new HandoverPauseBot(), 'pause', action, { operation: 'resume' });
		expect(desk.calls).toEqual(['pause t-1', 'resume t-1']);
		expect(desk.ticket('t-1').pausedUntil).toBeUndefined();
		expect(item.actions).toMatchObject({
			pause: { operation: 'resume', until: null, status: 'bot' },
		});
		const memory = await (
			await store.open()
		).getConversation(conversationKey('memory', 'desk-1', 't-1'));
		expect(memory?.pausedUntil).toBeUndefined();
	});

	it('notifies the assignee by the name Assign recorded, with a link to the ticket', async () => {
		const assigned = event({
			actions: { assign: { platform: 'memory', userId: 'cy', userName: 'Cy Q.' } },
		});
		const [item] = await run(
			new HandoverNotify(),
			'notify',
			(context, connect) => (i, it) => notify(context, i, it, connect),
			{},
			[assigned],
		);
		const [note] = desk.ticket('t-1').notes;
		expect(note.people).toEqual(['Cy Q.']);
		expect(note.text).toContain('memory://desk/t-1');
		expect(item.actions).toMatchObject({
			notify: { delivered: true, recipientIds: ['cy'], conversationId: 't-1' },
		});
	});

	it("fails the item with the platform's own parameter check, naming the field", async () => {
		const error = await failureOf(
			run(new HandoverAddTag(), 'tag', (context, connect) => (i) => addTags(context, i, connect), {
				conversationId: '42',
			}),
		);
		expect(error.message).toBe('Conversation ID is not a ticket');
		expect(desk.calls).toEqual([]);
	});
});
