/**
 * The Handover Check in a real n8n 2.40.7, driven through n8n's own Chat Trigger webhook:
 *
 * - the n8n chat template (Chat Trigger → Check → AI Agent; Hand Over → Assign, Send Message,
 *   Notify on Chatwoot; Bot Paused → a holding answer) against the Chatwoot contract fake, with the
 *   AI Agent's OpenAI Chat Model pointed at a fake OpenAI-compatible server;
 * - the Check's second opinion through n8n's OpenAI Chat Model node and another fake: asked once
 *   about an uncertain turn, the rules kept on a timeout or a garbage answer, never asked about a
 *   confident turn;
 * - the action nodes as AI Agent tools, run by n8n's engine against the Chatwoot fake;
 * - every template in examples/ uses node types, versions and parameters this n8n knows.
 *
 * One n8n for the whole file. Also prints the Check node's own execution time per turn.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ChatwootFake } from '../fakes/chatwoot/ChatwootFake';
import {
	FAKE_MODEL,
	lastMessage,
	messageText,
	OpenAiFake,
	type ChatRequest,
	type FakeReply,
} from '../fakes/openai/OpenAiFake';
import {
	FatalError,
	OWNER,
	parseFlatted,
	startN8n,
	waitFor,
	type N8nInstance,
	type NodeRun,
	type WorkflowJson,
} from './harness/n8n';
import { REPO_ROOT } from './harness/repoRoot';
import {
	PACKAGE_NAME,
	post,
	sleep,
	templateWithCredentials,
	type CredentialRef,
	type JsonResponse,
} from './workflows';

jest.setTimeout(120_000);

const EXAMPLES = join(REPO_ROOT, 'examples');
const TEMPLATE = 'n8n-chat-human-handover.workflow.json';
/** The template Chat Trigger's webhook ID: its chat URL is /webhook/<id>/chat. */
const TEMPLATE_CHAT = 'n8n-chat-human-handover';
const LANGCHAIN = '@n8n/n8n-nodes-langchain';
const CHATWOOT_TOKEN = 'chatwoot-check-token';
const AGENT = { id: 3, name: 'Ana García' };
/** The Chatwoot conversations of the template's chat session and of the tools' chat. */
const TEMPLATE_CONVERSATION = 42;
const TOOLS_CONVERSATION = 43;
/** The Chatwoot conversation of the chat session whose bot lacks the information. */
const NO_INFO_CONVERSATION = 44;

const BOT_ANSWER = 'We open at 9 on Saturdays.';
/** The template's AI Agent answers this question without the information. */
const PARKING_QUESTION = 'Is there parking near the shop?';
const NO_INFO_ANSWER = "I'm sorry, I don't have any information about parking.";
const HAND_OVER_VERDICT = '{"needsHuman": true, "reason": "contact_request", "confidence": 0.9}';
const NO_HANDOVER_VERDICT = '{"needsHuman": false, "reason": "none", "confidence": 0.8}';
/** A question no trigger hands over: only a model can make it a handover. */
const PLAIN_QUESTION = 'What time do you open on Saturday?';

type Json = Record<string, unknown>;

interface CheckDecision {
	handover: boolean;
	reason: string | null;
	decidedBy: 'rules' | 'model';
	confidence: number;
	botPaused: boolean;
	pausedUntil: string | null;
	modelFailure?: string;
}

/** One chat turn as n8n ran it. */
interface Turn {
	answer: JsonResponse;
	runData: Record<string, NodeRun[]>;
	status: string;
	/** The Check's output index the item left by: 0 Bot Replies, 1 Hand Over, 2 Bot Paused. */
	route: number;
	item: Json;
	decision: CheckDecision;
	/** The Check node's own execution time in n8n, ms. */
	checkMs: number;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const templateJson = (file: string) =>
	JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as WorkflowJson;

const chatTrigger = (webhookId: string, position: [number, number] = [0, 0]) => ({
	id: `${webhookId}-trigger`,
	name: 'When chat message received',
	type: `${LANGCHAIN}.chatTrigger`,
	typeVersion: 1.4,
	position,
	webhookId,
	parameters: { public: true, mode: 'webhook', options: { responseMode: 'lastNode' } },
});

const openAiModel = (id: string, name: string, credential: CredentialRef) => ({
	id,
	name,
	type: `${LANGCHAIN}.lmChatOpenAi`,
	typeVersion: 1.3,
	position: [240, 200],
	parameters: {
		model: { __rl: true, mode: 'id', value: FAKE_MODEL },
		responsesApiEnabled: false,
		options: {},
	},
	credentials: { openAiApi: credential },
});

const answerNode = (id: string, name: string, output: string, y: number) => ({
	id,
	name,
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	position: [520, y],
	parameters: {
		assignments: {
			assignments: [{ id: `${id}-output`, name: 'output', value: output, type: 'string' }],
		},
		options: {},
	},
});

/**
 * Chat Trigger → Handover Check (with the judge model on its Model input, if given) → one answer
 * per output, which names the route.
 */
function checkWorkflow(webhookId: string, options: Json, judge?: CredentialRef): WorkflowJson {
	const connections: Record<string, unknown> = {
		'When chat message received': {
			main: [[{ node: 'Handover Check', type: 'main', index: 0 }]],
		},
		'Handover Check': {
			main: ['Bot Replies', 'Hand Over', 'Bot Paused'].map((node) => [
				{ node, type: 'main', index: 0 },
			]),
		},
	};
	const nodes: unknown[] = [
		chatTrigger(webhookId),
		{
			id: `${webhookId}-check`,
			name: 'Handover Check',
			type: `${PACKAGE_NAME}.handoverCheck`,
			typeVersion: 1,
			position: [240, 0],
			parameters: { options },
		},
		answerNode(`${webhookId}-replies`, 'Bot Replies', 'botReplies', -200),
		answerNode(`${webhookId}-handover`, 'Hand Over', 'handOver', 0),
		answerNode(`${webhookId}-paused`, 'Bot Paused', 'botPaused', 200),
	];
	if (judge) {
		nodes.push(openAiModel(`${webhookId}-model`, 'Judge Model', judge));
		connections['Judge Model'] = {
			ai_languageModel: [[{ node: 'Handover Check', type: 'ai_languageModel', index: 0 }]],
		};
	}
	return { name: `check ${webhookId}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

const fromAi = (key: string, description: string) =>
	`={{ $fromAI('${key}', '${description}', 'string') }}`;

/** Chat Trigger → AI Agent whose tools are Handover Assign and Handover Notify on Chatwoot. */
function toolsWorkflow(model: CredentialRef, chatwoot: CredentialRef): WorkflowJson {
	const conversationId = fromAi('conversationId', 'The number of the Chatwoot conversation');
	const tool = (name: string, type: string, x: number, parameters: Json) => ({
		id: `tools-${type}`,
		name,
		type: `${PACKAGE_NAME}.${type}`,
		typeVersion: 1,
		position: [x, 200],
		parameters: { platform: 'chatwoot', conversationId, ...parameters },
		credentials: { chatwootApi: chatwoot },
	});
	const toAgent = (type: string) => ({ [type]: [[{ node: 'AI Agent', type, index: 0 }]] });
	return {
		name: 'check tools',
		nodes: [
			chatTrigger('check-tools'),
			{
				id: 'tools-agent',
				name: 'AI Agent',
				type: `${LANGCHAIN}.agent`,
				typeVersion: 3.1,
				position: [240, 0],
				parameters: {
					options: { systemMessage: 'Hand the conversation to a person when asked.' },
				},
			},
			openAiModel('tools-model', 'Tool Model', model),
			tool('Handover Assign', 'handoverAssignTool', 400, {
				toolDescription: 'Assigns the Chatwoot conversation to an available agent',
			}),
			tool('Handover Notify', 'handoverNotifyTool', 560, {
				recipientId: fromAi('recipientId', 'The agent number Handover Assign chose'),
				toolDescription: 'Tells an agent about the conversation in a private note',
			}),
		],
		connections: {
			'Tool Model': toAgent('ai_languageModel'),
			'Handover Assign': toAgent('ai_tool'),
			'Handover Notify': toAgent('ai_tool'),
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The tool-calling model: Assign first, then Notify the agent Assign chose, then a reply. */
function toolCallingModel(request: ChatRequest): FakeReply {
	const toolName = (pattern: RegExp) =>
		request.tools?.map((tool) => tool.function.name).find((name) => pattern.test(name)) ?? '?';
	const results = request.messages.filter((message) => message.role === 'tool');
	const conversationId = String(TOOLS_CONVERSATION);
	if (results.length === 0) {
		return { toolCalls: [{ name: toolName(/assign/i), arguments: { conversationId } }] };
	}
	if (results.length === 1) {
		const assigned = /"userId":"?(\d+)/.exec(messageText(results[0]))?.[1] ?? 'none';
		return {
			toolCalls: [
				{ name: toolName(/notify/i), arguments: { conversationId, recipientId: assigned } },
			],
		};
	}
	return { content: `${AGENT.name} will take it from here.` };
}

describe('Handover Check in n8n', () => {
	const chatwoot = new ChatwootFake({ accountId: 1, token: CHATWOOT_TOKEN });
	/** The AI Agent's model in the template. */
	const bot = new OpenAiFake((request) => ({
		content: messageText(lastMessage(request, 'user')).includes(PARKING_QUESTION)
			? NO_INFO_ANSWER
			: BOT_ANSWER,
	}));
	/** The model on the Check's Model input. */
	const judge = new OpenAiFake(() => ({ content: HAND_OVER_VERDICT }));
	/** The AI Agent's model in the tools workflow. */
	const toolModel = new OpenAiFake(toolCallingModel);
	let n8n: N8nInstance;
	const workflowIds: Record<string, string> = {};
	/** The Check node's execution time per turn, by kind of turn. */
	const latency: Record<string, number[]> = {
		'template turns (the first one cold)': [],
		'rules only': [],
		'model connected, not asked': [],
		'model asked, fake answers at once': [],
		'model timed out (2 s)': [],
	};

	beforeAll(async () => {
		const [chatwootUrl, botUrl, judgeUrl, toolModelUrl] = await Promise.all(
			[chatwoot, bot, judge, toolModel].map(async (fake) => await fake.start()),
		);
		chatwoot.addAgent({ ...AGENT, email: 'ana@example.com' });
		chatwoot.addConversation({ id: TEMPLATE_CONVERSATION, status: 'pending' });
		chatwoot.addConversation({ id: TOOLS_CONVERSATION, status: 'pending' });
		chatwoot.addConversation({ id: NO_INFO_CONVERSATION, status: 'pending' });

		// No extra environment: n8n 2.40.7 offers community nodes with usableAsTool as tools as is.
		n8n = await startN8n({ packageDir: REPO_ROOT });
		const credential = async (name: string, type: string, data: Json): Promise<CredentialRef> => {
			const created = await n8n.rest<CredentialRef>('POST', '/credentials', { name, type, data });
			return { id: created.id, name: created.name };
		};
		const chatwootCredential = await credential('Chatwoot fake', 'chatwootApi', {
			baseUrl: chatwootUrl,
			accountId: '1',
			apiAccessToken: CHATWOOT_TOKEN,
		});
		const openAi = async (name: string, url: string, fake: OpenAiFake) =>
			await credential(name, 'openAiApi', { apiKey: fake.apiKey, url: `${url}/v1` });
		const botCredential = await openAi('Bot model fake', botUrl, bot);
		const judgeCredential = await openAi('Judge model fake', judgeUrl, judge);
		const toolModelCredential = await openAi('Tool model fake', toolModelUrl, toolModel);

		workflowIds.template = await n8n.importWorkflow(
			templateWithCredentials(
				templateJson(TEMPLATE),
				{ chatwootApi: chatwootCredential },
				{},
				{ [`${LANGCHAIN}.lmChatOpenAi`]: { openAiApi: botCredential } },
			),
		);
		// Options set here, so that the counts do not depend on the shipped weights: band 1 asks the
		// model on every turn the rules decide alone, band 0 never.
		workflowIds.rules = await n8n.importWorkflow(checkWorkflow('check-rules', {}));
		workflowIds.judgeAlways = await n8n.importWorkflow(
			checkWorkflow(
				'check-judge-always',
				{ askModelBelow: 1, modelTimeoutSeconds: 2 },
				judgeCredential,
			),
		);
		workflowIds.judgeNever = await n8n.importWorkflow(
			checkWorkflow(
				'check-judge-never',
				{ askModelBelow: 0, modelTimeoutSeconds: 2 },
				judgeCredential,
			),
		);
		workflowIds.tools = await n8n.importWorkflow(
			toolsWorkflow(toolModelCredential, chatwootCredential),
		);
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
		await Promise.all([chatwoot, bot, judge, toolModel].map(async (fake) => await fake.stop()));
		for (const [kind, values] of Object.entries(latency)) {
			if (values.length === 0) continue;
			console.log(
				`Handover Check execution time in n8n, ${kind}: median ${median(values)} ms over ${values.length} turns (${values.join(', ')})`,
			);
		}
	});

	const executionCounts: Record<string, number> = {};

	/** The newest execution of the workflow, once there are `count` and all have finished. */
	async function newestExecution(workflowId: string, count: number) {
		const summaries = await waitFor(
			`execution ${count} of workflow ${workflowId}`,
			30_000,
			async () => {
				const list = await n8n.executionSummaries(workflowId);
				if (list.length > count)
					throw new FatalError(`${list.length} executions, expected ${count}`);
				if (list.length < count || list.some((e) => ['new', 'running'].includes(e.status)))
					return undefined;
				return list;
			},
			100,
		);
		const newest = summaries[summaries.length - 1];
		const raw = await n8n.rest<{ status: string; data: string }>('GET', `/executions/${newest.id}`);
		const data = parseFlatted(raw.data) as { resultData: { runData: Record<string, NodeRun[]> } };
		return { status: raw.status, runData: data.resultData.runData };
	}

	/** Sends one chat message as n8n's chat widget does, and reads back what n8n did with it. */
	async function chat(
		workflow: string,
		webhookId: string,
		sessionId: string,
		chatInput: string,
		metadata?: Json,
	): Promise<Turn> {
		const answer = await post(n8n.webhookUrl(`${webhookId}/chat`), {
			action: 'sendMessage',
			sessionId,
			chatInput,
			...(metadata && { metadata }),
		});
		expect(answer.status).toBe(200);
		executionCounts[workflow] = (executionCounts[workflow] ?? 0) + 1;
		const { status, runData } = await newestExecution(
			workflowIds[workflow],
			executionCounts[workflow],
		);
		const [checkRun] = runData['Handover Check'] ?? [];
		const outputs = checkRun?.data?.main ?? [];
		const route = outputs.findIndex((items) => (items?.length ?? 0) > 0);
		const item = outputs[route]?.[0]?.json ?? {};
		return {
			answer,
			runData,
			status,
			route,
			item,
			decision: item.handoverCheck as CheckDecision,
			checkMs: checkRun?.executionTime ?? NaN,
		};
	}

	const chatwootWrites = () => chatwoot.requests.filter((request) => request.method !== 'GET');

	test('every template in examples/ uses node types, versions and parameters this n8n knows', async () => {
		const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.workflow.json'));
		expect(files).toEqual(expect.arrayContaining([TEMPLATE]));
		for (const file of files) {
			const template = templateJson(file);
			const nodes = template.nodes as Array<{
				name: string;
				type: string;
				typeVersion: number;
				parameters: Json;
			}>;
			for (const node of nodes) {
				const [description] = await n8n.rest<Array<{ properties: Array<{ name: string }> }>>(
					'POST',
					'/node-types',
					{ nodeInfos: [{ name: node.type, version: node.typeVersion }] },
				);
				const known = new Set(description.properties.map((property) => property.name));
				const unknown = Object.keys(node.parameters).filter((name) => !known.has(name));
				expect({ file, node: node.name, unknown }).toEqual({ file, node: node.name, unknown: [] });
			}
			const names = new Set(nodes.map((node) => node.name));
			for (const [from, byType] of Object.entries(template.connections)) {
				expect({ file, from, known: names.has(from) }).toEqual({ file, from, known: true });
				for (const outputs of Object.values(
					byType as Record<string, Array<Array<{ node: string }>>>,
				)) {
					for (const target of outputs.flat()) {
						expect({ file, target: target.node, known: names.has(target.node) }).toEqual({
							file,
							target: target.node,
							known: true,
						});
					}
				}
			}
			// n8n takes it as a workflow (created as a draft, not published).
			const created = await n8n.rest<{ id: string; nodes: unknown[] }>('POST', '/workflows', {
				name: `${template.name} (import check)`,
				nodes: template.nodes,
				connections: template.connections,
				settings: template.settings,
			});
			expect(created.nodes).toHaveLength(nodes.length);
		}
	});

	describe('the n8n chat template', () => {
		const session = 'chat-session-7f3a';
		const metadata = { chatwootConversationId: TEMPLATE_CONVERSATION };

		test('a plain question goes out Bot Replies, and the AI Agent answers it', async () => {
			const turn = await chat('template', TEMPLATE_CHAT, session, PLAIN_QUESTION, metadata);
			expect(turn.status).toBe('success');
			// The chat answers the second Check's item: the agent's reply, read and let through.
			expect(turn.answer.json).toMatchObject({
				output: BOT_ANSWER,
				handoverCheck: { handover: false },
			});
			expect(turn.route).toBe(0);
			expect(turn.decision).toMatchObject({
				handover: false,
				botPaused: false,
				decidedBy: 'rules',
			});
			expect(turn.item).toMatchObject({ sessionId: session, chatInput: PLAIN_QUESTION });
			latency['template turns (the first one cold)'].push(turn.checkMs);

			expect(bot.completions()).toHaveLength(1);
			expect(messageText(lastMessage(bot.chatRequests()[0], 'user'))).toContain(PLAIN_QUESTION);
			expect(chatwoot.requests).toHaveLength(0);
		});

		test('"can a real person call me?" goes out Hand Over and runs the actions on Chatwoot', async () => {
			const turn = await chat(
				'template',
				TEMPLATE_CHAT,
				session,
				'can a real person call me?',
				metadata,
			);
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({ output: 'A colleague will get back to you.' });
			expect(turn.route).toBe(1);
			expect(turn.decision).toMatchObject({
				handover: true,
				reason: 'contact_request',
				decidedBy: 'rules',
			});
			// The item is the detector's event, on the Chatwoot conversation the chat named.
			expect(turn.item).toMatchObject({
				platform: 'chatwoot',
				conversationId: String(TEMPLATE_CONVERSATION),
				reason: 'contact_request',
				message: 'can a real person call me?',
			});
			latency['template turns (the first one cold)'].push(turn.checkMs);

			// The AI Agent was not asked.
			expect(bot.completions()).toHaveLength(1);
			const conversationPath = `/api/v1/accounts/1/conversations/${TEMPLATE_CONVERSATION}`;
			expect(chatwootWrites().map((request) => `${request.method} ${request.path}`)).toEqual([
				`POST ${conversationPath}/assignments`,
				`POST ${conversationPath}/messages`,
				`POST ${conversationPath}/messages`,
			]);
			expect(chatwoot.callsTo('GET', /\/agents$/)).toHaveLength(1);
			const [assignment] = chatwoot.callsTo('POST', /\/assignments$/);
			expect(assignment.body).toEqual({ assignee_id: AGENT.id });
			const [reply, note] = chatwoot
				.callsTo('POST', /\/messages$/)
				.map((request) => request.body as Json);
			expect(reply).toMatchObject({
				content: 'Thank you! Someone from the team will get back to you.',
				private: false,
			});
			expect(note).toMatchObject({ private: true });
			expect(String(note.content)).toContain(`mention://user/${AGENT.id}/`);

			const notified = turn.runData.Notify?.[0]?.data?.main?.[0]?.[0]?.json as Json;
			expect(notified.actions).toMatchObject({
				assign: { userId: String(AGENT.id) },
				message: { sent: true },
				notify: { delivered: true },
			});
		});

		test('the next message goes out Bot Paused: a holding answer, no AI Agent, no Chatwoot call', async () => {
			const writes = chatwootWrites().length;
			const turn = await chat(
				'template',
				TEMPLATE_CHAT,
				session,
				'hello? is anyone there?',
				metadata,
			);
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({
				output: 'Thanks! A colleague has your message and will answer you soon.',
			});
			expect(turn.route).toBe(2);
			expect(turn.decision).toMatchObject({ handover: false, botPaused: true });
			expect(Date.parse(String(turn.decision.pausedUntil))).toBeGreaterThan(
				Date.now() + 23 * 3_600_000,
			);
			latency['template turns (the first one cold)'].push(turn.checkMs);

			expect(bot.completions()).toHaveLength(1);
			expect(chatwootWrites()).toHaveLength(writes);
			expect(turn.runData['AI Agent']).toBeUndefined();
		});

		test("an agent's reply that lacks the information goes out the second Check's Hand Over", async () => {
			const writes = chatwootWrites().length;
			const turn = await chat('template', TEMPLATE_CHAT, 'chat-session-parking', PARKING_QUESTION, {
				chatwootConversationId: NO_INFO_CONVERSATION,
			});
			expect(turn.status).toBe('success');
			// The first Check let the agent answer; the second read the answer and handed over.
			expect(turn.route).toBe(0);
			expect(bot.completions()).toHaveLength(2);
			const [replyCheck] = turn.runData["Check the Bot's Reply"] ?? [];
			const [botReplies, handOver] = replyCheck?.data?.main ?? [];
			expect(botReplies ?? []).toHaveLength(0);
			expect(handOver?.[0]?.json).toMatchObject({
				platform: 'chatwoot',
				conversationId: String(NO_INFO_CONVERSATION),
				reason: 'lack_of_information',
				handoverCheck: { handover: true, reason: 'lack_of_information' },
			});
			expect(turn.answer.json).toEqual({ output: 'A colleague will get back to you.' });
			const conversationPath = `/api/v1/accounts/1/conversations/${NO_INFO_CONVERSATION}`;
			expect(
				chatwootWrites()
					.slice(writes)
					.map((request) => `${request.method} ${request.path}`),
			).toEqual([
				`POST ${conversationPath}/assignments`,
				`POST ${conversationPath}/messages`,
				`POST ${conversationPath}/messages`,
			]);
		});
	});

	describe("a second opinion through n8n's OpenAI Chat Model node", () => {
		let session = 0;
		const askJudge = async (workflow: 'judgeAlways' | 'judgeNever', message: string) =>
			await chat(
				workflow,
				workflow === 'judgeAlways' ? 'check-judge-always' : 'check-judge-never',
				`judge-${++session}`,
				message,
			);

		test('an uncertain turn asks the model exactly once, and its verdict decides', async () => {
			judge.answerWith(() => ({ content: HAND_OVER_VERDICT }));
			const before = judge.completions().length;
			const turn = await askJudge('judgeAlways', PLAIN_QUESTION);
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({ output: 'handOver' });
			expect(turn.decision).toMatchObject({
				handover: true,
				reason: 'contact_request',
				decidedBy: 'model',
				confidence: 0.9,
			});
			expect(judge.completions()).toHaveLength(before + 1);
			const [question] = judge.chatRequests().slice(-1);
			expect(question.model).toBe(FAKE_MODEL);
			expect(messageText(lastMessage(question, 'user'))).toContain(PLAIN_QUESTION);
			// Only the template's two chats reached the agent's model.
			expect(bot.completions()).toHaveLength(2);
		});

		test('a model that answers after the timeout is asked once, and the rules decide', async () => {
			judge.answerWith(() => ({ content: HAND_OVER_VERDICT, delayMs: 6000 }));
			const before = judge.completions().length;
			const turn = await askJudge('judgeAlways', PLAIN_QUESTION);
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({ output: 'botReplies' });
			expect(turn.decision).toMatchObject({
				handover: false,
				decidedBy: 'rules',
				modelFailure: 'no answer within 2000 ms',
			});
			// The Check waited for its timeout (2 s), not for the model (6 s).
			expect(turn.checkMs).toBeLessThan(5000);
			latency['model timed out (2 s)'].push(turn.checkMs);
			await sleep(1000);
			expect(judge.completions()).toHaveLength(before + 1);
		});

		test('a garbage answer is used once, and the rules decide', async () => {
			judge.answerWith(() => ({ content: 'Hmm, maybe a human? Hard to say.' }));
			const before = judge.completions().length;
			const turn = await askJudge('judgeAlways', PLAIN_QUESTION);
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({ output: 'botReplies' });
			expect(turn.decision).toMatchObject({ handover: false, decidedBy: 'rules' });
			expect(turn.decision.modelFailure).toMatch(/^unusable answer: Hmm, maybe a human/);
			expect(judge.completions()).toHaveLength(before + 1);
		});

		test('a turn the rules are sure of never calls the model', async () => {
			judge.answerWith(() => ({ content: HAND_OVER_VERDICT }));
			const before = judge.completions().length;
			const plain = await askJudge('judgeNever', PLAIN_QUESTION);
			expect(plain.answer.json).toEqual({ output: 'botReplies' });
			expect(plain.decision).toMatchObject({ handover: false, decidedBy: 'rules' });
			const ask = await askJudge('judgeNever', 'I want to talk to a human agent');
			expect(ask.answer.json).toEqual({ output: 'handOver' });
			expect(ask.decision).toMatchObject({ handover: true, decidedBy: 'rules' });
			expect(ask.decision.modelFailure).toBeUndefined();
			expect(judge.completions()).toHaveLength(before);
		});

		test('latency of the Check node inside n8n (printed, not asserted)', async () => {
			judge.answerWith(() => ({ content: NO_HANDOVER_VERDICT }));
			const before = judge.completions().length;
			for (let i = 0; i < 10; i++) {
				const message = `Do you deliver to postcode 460${String(i).padStart(2, '0')}?`;
				latency['rules only'].push(
					(await chat('rules', 'check-rules', `latency-rules-${i}`, message)).checkMs,
				);
				latency['model connected, not asked'].push((await askJudge('judgeNever', message)).checkMs);
				const asked = await askJudge('judgeAlways', message);
				expect(asked.decision.decidedBy).toBe('model');
				latency['model asked, fake answers at once'].push(asked.checkMs);
			}
			expect(judge.completions()).toHaveLength(before + 10);
			expect(judge.chatRequests().every((request) => request.stream !== true)).toBe(true);
		});
	});

	describe('the action nodes as AI Agent tools', () => {
		test("n8n's editor offers them as tools, with no setting", async () => {
			// The editor reads every node type, tools included, from /types/nodes.json (owner only).
			const login = await fetch(`${n8n.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
				signal: AbortSignal.timeout(30_000),
			});
			const cookie = login.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
			const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, {
				headers: { cookie: String(cookie).split(';')[0] },
				signal: AbortSignal.timeout(30_000),
			});
			const types = (await res.json()) as Array<{
				name: string;
				displayName: string;
				outputs: unknown;
			}>;
			const tools = types.filter(
				(type) => type.name.startsWith(`${PACKAGE_NAME}.`) && type.name.endsWith('Tool'),
			);
			expect(tools.map((type) => type.displayName).sort()).toEqual([
				'Handover Add Tag Tool',
				'Handover Assign Tool',
				'Handover Create Task Tool',
				'Handover Notify Tool',
				'Handover Pause Bot Tool',
				'Handover Send Message Tool',
			]);
			expect(tools.every((type) => JSON.stringify(type.outputs) === '["ai_tool"]')).toBe(true);
		});

		test('an AI Agent calling Handover Assign, then Notify, runs them against Chatwoot', async () => {
			const writes = chatwootWrites().length;
			const turn = await chat('tools', 'check-tools', 'tools-session-1', 'Please get me a person');
			expect(turn.status).toBe('success');
			expect(turn.answer.json).toEqual({ output: `${AGENT.name} will take it from here.` });

			// Three model calls: Assign, Notify with the agent Assign chose, the reply.
			expect(toolModel.completions()).toHaveLength(3);
			const requests = toolModel.chatRequests();
			expect(requests[0].tools?.map((tool) => tool.function.name).sort()).toEqual([
				'Handover_Assign',
				'Handover_Notify',
			]);
			expect(requests[2].messages.filter((message) => message.role === 'tool')).toHaveLength(2);

			const conversationPath = `/api/v1/accounts/1/conversations/${TOOLS_CONVERSATION}`;
			expect(
				chatwootWrites()
					.slice(writes)
					.map((request) => `${request.method} ${request.path}`),
			).toEqual([`POST ${conversationPath}/assignments`, `POST ${conversationPath}/messages`]);
			expect(chatwoot.conversation(TOOLS_CONVERSATION).assignee_id).toBe(AGENT.id);
			const [note] = chatwoot.conversation(TOOLS_CONVERSATION).messages;
			expect(note).toMatchObject({ private: true });
			expect(String(note.content)).toContain(`mention://user/${AGENT.id}/`);
			expect(turn.runData['Handover Assign']).toHaveLength(1);
			expect(turn.runData['Handover Notify']).toHaveLength(1);
		});
	});
});
