import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { HandoverCheck } from '../../../nodes/HandoverCheck/HandoverCheck.node';
import { defaultParameters, failureOf, tempStore } from '../../helpers/actionNodes';
import { nodeContext, type ParameterValue } from '../../helpers/nodeContext';

const node = new HandoverCheck();
const store = tempStore();
afterAll(async () => await store.close());

/** What n8n's Chat Trigger emits for one message. */
const chat = (chatInput: string, sessionId = 'session-1'): IDataObject => ({
	sessionId,
	action: 'sendMessage',
	chatInput,
});

interface FakeModel {
	invoke: jest.Mock;
}

/** A chat model that answers `answer` (or runs `answer`) and counts its calls. */
function fakeModel(answer: string | ((prompt: string) => Promise<unknown>)): FakeModel {
	return {
		invoke: jest.fn(async (prompt: string) =>
			typeof answer === 'string' ? { content: answer } : await answer(prompt),
		),
	};
}

async function check(
	items: IDataObject[],
	overrides: Record<string, ParameterValue> = {},
	model?: FakeModel,
	continueOnFail = false,
): Promise<{ botReplies: IDataObject[]; handOver: IDataObject[]; botPaused: IDataObject[] }> {
	const context = nodeContext({
		items,
		parameters: defaultParameters(node, { storeFile: store.file, ...overrides }),
		credentials: {},
		continueOnFail,
	});
	(context.getInputConnectionData as jest.Mock).mockResolvedValue(model);
	const outputs = (await node.execute.call(context)) as INodeExecutionData[][];
	expect(outputs).toHaveLength(3);
	const json = (output: INodeExecutionData[]) => output.map((item) => item.json);
	return {
		botReplies: json(outputs[0]),
		handOver: json(outputs[1]),
		botPaused: json(outputs[2]),
	};
}

describe('Handover Check', () => {
	it('lets the bot reply to a plain question, keeping the Chat Trigger fields', async () => {
		const out = await check([chat('What time do you open on Saturday?', 'plain-1')]);
		expect(out.handOver).toEqual([]);
		expect(out.botPaused).toEqual([]);
		expect(out.botReplies).toHaveLength(1);
		const [item] = out.botReplies;
		expect(item).toMatchObject({
			sessionId: 'plain-1',
			action: 'sendMessage',
			chatInput: 'What time do you open on Saturday?',
		});
		expect(item.handoverCheck).toMatchObject({
			handover: false,
			botPaused: false,
			decidedBy: 'rules',
		});
	});

	it('hands over a request for a person with the detector event, then keeps the bot quiet', async () => {
		const pause = { options: { pauseOnHandoverMinutes: 60 } };
		const first = await check([chat('can a real person call me please?', 'ask-1')], pause);
		expect(first.handOver).toHaveLength(1);
		const [event] = first.handOver;
		expect(event).toMatchObject({
			sessionId: 'ask-1',
			chatInput: 'can a real person call me please?',
			platform: 'generic',
			conversationId: 'ask-1',
			reason: 'contact_request',
			message: 'can a real person call me please?',
		});
		expect(typeof event.handoverId).toBe('string');
		expect(event.handoverCheck).toMatchObject({
			handover: true,
			handoverId: event.handoverId,
			botPaused: true,
		});

		const next = await check([chat('hello?', 'ask-1')], pause);
		expect(next.botPaused).toHaveLength(1);
		expect(next.botPaused[0].handoverCheck).toMatchObject({
			handover: false,
			botPaused: true,
		});
		expect(next.botReplies).toEqual([]);
	});

	it('shares the conversation state across items and runs: one handover, then cool-down', async () => {
		const out = await check([
			chat('I want to speak to a manager', 'cool-1'),
			chat('manager please', 'cool-1'),
		]);
		expect(out.handOver).toHaveLength(1);
		// No pause was asked for: the bot may answer, but the conversation is not handed over twice.
		expect(out.botReplies).toHaveLength(1);
		expect(out.botReplies[0].handoverCheck).toMatchObject({ suppressed: 'already_handed_over' });
	});

	it('pauses the bot when a person writes the reply', async () => {
		const out = await check([chat('', 'staff-1')], {
			message: '',
			turnDetails: { botReply: "Hi, it's Maria from the front desk", staffReply: true },
		});
		expect(out.botPaused).toHaveLength(1);
	});

	it("checks the bot's reply in a second Check after the agent: no information hands over", async () => {
		const question = await check([chat('Is there parking at the Leiden clinic?', 'reply-1')]);
		expect(question.botReplies).toHaveLength(1);

		// After the AI Agent: the item is the agent's output; the Check gets the reply and no message.
		const replyCheck = (output: string, sessionId: string) =>
			check([{ output }], {
				conversationId: sessionId,
				message: '',
				turnDetails: { botReply: output },
			});
		const answered = await replyCheck(
			'Yes, there are 12 free spaces behind the building.',
			'reply-1',
		);
		expect(answered.handOver).toEqual([]);
		expect(answered.botReplies[0]).toMatchObject({
			output: 'Yes, there are 12 free spaces behind the building.',
			handoverCheck: { handover: false },
		});

		await check([chat('Is there parking at the Delft clinic?', 'reply-2')]);
		const unanswered = await replyCheck(
			"I'm sorry, I don't have information about parking at that clinic.",
			'reply-2',
		);
		expect(unanswered.botReplies).toEqual([]);
		expect(unanswered.handOver).toHaveLength(1);
		expect(unanswered.handOver[0]).toMatchObject({
			conversationId: 'reply-2',
			reason: 'lack_of_information',
			handoverCheck: { handover: true, reason: 'lack_of_information' },
		});
	});
	it('fails an item without a conversation ID or a message, naming the field and item', async () => {
		const noId = await failureOf(check([{ chatInput: 'hi' }]));
		expect(noId.message).toBe('Conversation ID is empty');
		const noText = await failureOf(check([chat('  ', 'empty-1')]));
		expect(noText.message).toContain("Contact's Message");
	});

	it('with Continue On Fail, a failed item goes out Bot Replies with its error', async () => {
		const out = await check([chat('hi', '')], {}, undefined, true);
		expect(out.botReplies).toEqual([
			expect.objectContaining({ error: 'Conversation ID is empty' }),
		]);
	});
});

describe('Handover Check with a chat model', () => {
	const handOverAnswer = '{"needsHuman": true, "reason": "contact_request", "confidence": 0.9}';

	it('never asks the model about a turn the rules are sure of', async () => {
		const model = fakeModel(handOverAnswer);
		const out = await check(
			[
				chat('What time do you open on Saturday?', 'sure-1'),
				chat('can I talk to a human agent please', 'sure-2'),
			],
			{},
			model,
		);
		expect(model.invoke).not.toHaveBeenCalled();
		expect(out.botReplies[0].handoverCheck).toMatchObject({ decidedBy: 'rules' });
		expect(out.handOver[0].handoverCheck).toMatchObject({ decidedBy: 'rules' });
	});

	it('asks once about an uncertain turn and follows the model, caching its verdict', async () => {
		const model = fakeModel(handOverAnswer);
		// Asking on every turn (band 1) makes any message uncertain, whatever the weights say.
		const everyTurn = { options: { askModelBelow: 1 } };
		const out = await check(
			[chat('What time do you open on Saturday?', 'model-1')],
			everyTurn,
			model,
		);
		expect(model.invoke).toHaveBeenCalledTimes(1);
		expect(String(model.invoke.mock.calls[0][0])).toContain('What time do you open on Saturday?');
		expect(out.handOver).toHaveLength(1);
		expect(out.handOver[0].handoverCheck).toMatchObject({
			handover: true,
			decidedBy: 'model',
			confidence: 0.9,
		});

		// The same turn again (a retried execution) is answered from the cache; it is in cool-down now.
		await check([chat('What time do you open on Saturday?', 'model-1')], everyTurn, model);
		expect(model.invoke).toHaveBeenCalledTimes(1);
	});

	it("keeps the rules' decision when the model times out", async () => {
		const model = fakeModel(
			async () =>
				await new Promise((resolve) =>
					setTimeout(() => resolve({ content: handOverAnswer }), 2000),
				),
		);
		const started = Date.now();
		const out = await check(
			[chat('What time do you open on Saturday?', 'slow-1')],
			{ options: { askModelBelow: 1, modelTimeoutSeconds: 0.2 } },
			model,
		);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(model.invoke).toHaveBeenCalledTimes(1);
		expect(out.botReplies[0].handoverCheck).toMatchObject({
			decidedBy: 'rules',
			handover: false,
			modelFailure: 'no answer within 200 ms',
		});
	});

	it.each([
		['prose', 'I think a human should take this one.'],
		['a contradiction', '{"needsHuman": true, "reason": "none", "confidence": 0.8}'],
		['a confidence out of range', '{"needsHuman": false, "reason": "none", "confidence": 7}'],
		['broken JSON', '{"needsHuman": tru'],
	])("keeps the rules' decision when the model answers %s", async (_case, answer) => {
		const model = fakeModel(answer);
		const out = await check(
			[chat('What time do you open on Saturday?', `bad-${_case}`)],
			{ options: { askModelBelow: 1 } },
			model,
		);
		expect(model.invoke).toHaveBeenCalledTimes(1);
		expect(out.botReplies[0].handoverCheck).toMatchObject({ decidedBy: 'rules', handover: false });
		expect(
			String(
				out.botReplies[0].handoverCheck &&
					(out.botReplies[0].handoverCheck as IDataObject).modelFailure,
			),
		).toContain('unusable answer');
	});

	it("keeps the rules' decision when the model fails", async () => {
		const model = fakeModel(async () => {
			throw new Error('429 rate limited');
		});
		const out = await check(
			[chat('can I talk to someone', 'err-1')],
			{ options: { askModelBelow: 1 } },
			model,
		);
		expect(out.handOver).toHaveLength(1);
		expect(out.handOver[0].handoverCheck).toMatchObject({
			decidedBy: 'rules',
			modelFailure: '429 rate limited',
		});
	});

	it('lets the model keep the bot talking when it finds no need for a person', async () => {
		const model = fakeModel(
			'```json\n{"needsHuman": false, "reason": "none", "confidence": 0.7}\n```',
		);
		const out = await check(
			[chat('can I talk to someone', 'keep-1')],
			{ options: { askModelBelow: 1 } },
			model,
		);
		expect(out.botReplies).toHaveLength(1);
		expect(out.botReplies[0].handoverCheck).toMatchObject({
			decidedBy: 'model',
			handover: false,
			confidence: 0.7,
		});
	});
});
