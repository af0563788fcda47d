/**
 * The HighLevel template in a real n8n in queue mode — main + 2 workers, Bull and the handover state
 * in one Redis, PostgreSQL as n8n's database — against the HighLevel contract fake. 200
 * conversations send their turns concurrently through the main's webhook: each of the 100 that ask
 * for a human gets exactly one handover execution, run on a worker, and exactly one set of
 * HighLevel calls; the other 100 get neither. Every stateful node uses State Store 'auto', so the
 * nodes keep their state in n8n's own queue Redis.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { Redis } from 'ioredis';

import { conversationKey } from '../../nodes/conversation/conversationKey';
import { pauseConversation } from '../../nodes/conversation/conversationState';
import { RedisStore } from '../../nodes/store/RedisStore';
import { HighLevelFake } from '../fakes/highlevel/HighLevelFake';
import type { RecordedRequest } from '../fakes/fakeServer';
import { startRedisServer, type RedisServer } from '../store/redisServer';
import type { WorkflowJson } from './harness/n8n';
import { startN8nQueue, type N8nQueueInstance } from './harness/queueMode';
import {
	post,
	templateWithCredentials,
	tokenHeader,
	webhookSecretForTemplates,
	type CredentialRef,
	type JsonResponse,
} from './workflows';

jest.setTimeout(600_000);

const REPO = resolve(__dirname, '../..');
const TEMPLATE = resolve(REPO, 'examples/highlevel-human-handover.workflow.json');
/** The template's Detector path. */
const PATH = 'highlevel-handover';
/** The template's nodes that have a State Store parameter: all set to 'auto'. */
const STATEFUL_NODES = ['Handover Detector', 'Assign', 'Send Message', 'Pause Bot'];
const TOKEN = 'pit-queue-token';
/** The template's detector checks a Header Token; every turn sends it. */
const WEBHOOK_SECRET = 'highlevel-webhook-secret-queue';
const LOCATION = 'loc-queue';
const AGENTS = ['user-maria', 'user-tom'];

/** Calls that one handover of the template makes at least (Assign, Create Task, Send Message, Pause Bot, Add Tag, Notify). */
const CORE_CALLS = [
	'PUT /contacts/:id',
	'POST /contacts/:id/tasks',
	'POST /conversations/messages',
	'POST /contacts/:id/tags ai_paused',
	'POST /contacts/:id/tags human_handover',
	'POST /contacts/:id/notes',
];

const CONVERSATIONS = 200;
/** Conversations 0..ASKING-1 ask for a human once; the others never do. */
const ASKING = 100;
/** Webhook calls in flight at once, over all conversations. */
const IN_FLIGHT = 32;

/** Four different ordinary questions: no handover in any order. */
const NEUTRAL = [
	'What are your opening hours?',
	'Do you deliver to Valencia?',
	'How much is the monthly plan?',
	'Can I pay by card?',
];
const ASK = 'Can I talk to a human?';
const THANKS = 'Thanks, that is all I needed.';

const pad = (index: number) => String(index).padStart(3, '0');
const conversationId = (index: number) => `conv-${pad(index)}`;
const contactId = (index: number) => `contact-${pad(index)}`;

/**
 * The template with the fake's credential on every action, the webhook secret on the detector and
 * State Store 'auto' everywhere.
 */
function workflowUnderTest(
	credential: CredentialRef,
	secret: Record<string, Record<string, CredentialRef>>,
): WorkflowJson {
	const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as WorkflowJson;
	const names = (template.nodes as Array<{ name: string }>).map((node) => node.name);
	for (const name of STATEFUL_NODES) {
		if (!names.includes(name)) throw new Error(`${TEMPLATE} has no node "${name}"`);
	}
	return templateWithCredentials(
		template,
		{ highLevelPrivateIntegrationApi: credential },
		Object.fromEntries(STATEFUL_NODES.map((name) => [name, { stateStore: 'auto' }])),
		secret,
	);
}

interface Turn {
	index: number;
	message: string;
}

interface Sent extends Turn {
	answer: JsonResponse;
}

/** A HighLevel InboundMessage webhook (what a HighLevel workflow or app posts). */
function inbound({ index, message }: Turn, messageId: string) {
	return {
		type: 'InboundMessage',
		locationId: LOCATION,
		contactId: contactId(index),
		conversationId: conversationId(index),
		body: message,
		messageType: 'SMS',
		direction: 'inbound',
		dateAdded: new Date().toISOString(),
		messageId,
		contentType: 'text/plain',
		status: 'delivered',
		attachments: [],
	};
}

/** Every turn of every conversation, shuffled (fixed seed), so turns of one conversation overlap. */
function allTurns(): Turn[] {
	const turns: Turn[] = [];
	for (let index = 0; index < CONVERSATIONS; index++) {
		for (const message of [...NEUTRAL, index < ASKING ? ASK : THANKS])
			turns.push({ index, message });
	}
	let seed = 42;
	const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
	for (let i = turns.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[turns[i], turns[j]] = [turns[j], turns[i]];
	}
	return turns;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function inParallel<T, R>(
	items: T[],
	limit: number,
	work: (item: T, position: number) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const position = next++;
			results[position] = await work(items[position], position);
		}
	});
	await Promise.all(lanes);
	return results;
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
	const keys: string[] = [];
	let cursor = '0';
	do {
		const [nextCursor, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
		keys.push(...batch);
		cursor = nextCursor;
	} while (cursor !== '0');
	return keys;
}

/** The contact a HighLevel call is about: in its path, or `contactId` in its body. */
function contactOf(request: RecordedRequest): string | undefined {
	const inPath = /^\/contacts\/([^/]+)/.exec(request.path)?.[1];
	if (inPath) return decodeURIComponent(inPath);
	const body = request.body as { contactId?: unknown } | undefined;
	return typeof body?.contactId === 'string' ? body.contactId : undefined;
}

/** "METHOD /path" with the contact id replaced by ':id', and the tags added, for one call. */
function callKind(request: RecordedRequest): string {
	const path = request.path.replace(/^\/contacts\/[^/]+/, '/contacts/:id');
	const tags = (request.body as { tags?: unknown } | undefined)?.tags;
	return `${request.method} ${path}${Array.isArray(tags) ? ` ${tags.join(',')}` : ''}`;
}

describe('HighLevel template in n8n queue mode (main + 2 workers + Redis + PostgreSQL)', () => {
	const fake = new HighLevelFake({
		token: TOKEN,
		locationId: LOCATION,
		// Not what this test is about: 100 handovers make ~600 calls within seconds.
		rateLimit: { max: 1_000_000, daily: 10_000_000 },
	});
	let redisServer: RedisServer;
	let redis: Redis;
	let n8n: N8nQueueInstance;
	let workflowId: string;
	let sent: Sent[];

	beforeAll(async () => {
		const fakeUrl = await fake.start();
		fake.addUser({ id: AGENTS[0], name: 'Maria Lopez', email: 'maria@example.com' });
		fake.addUser({ id: AGENTS[1], name: 'Tom Baker', email: 'tom@example.com' });
		for (let index = 0; index < CONVERSATIONS; index++) {
			fake.addContact({
				id: contactId(index),
				name: `Contact ${pad(index)}`,
				phone: '+15550001111',
			});
			fake.addConversation({ id: conversationId(index), contactId: contactId(index) });
		}

		redisServer = await startRedisServer();
		redis = new Redis(redisServer.port, '127.0.0.1', {
			lazyConnect: true,
			maxRetriesPerRequest: 2,
		});
		const started = Date.now();
		n8n = await startN8nQueue({ redis: { port: redisServer.port }, packageDir: REPO, workers: 2 });
		console.log(
			`queue mode start: ${Date.now() - started} ms (${JSON.stringify(n8n.startTimings)})`,
		);

		const credential = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
			name: 'HighLevel fake',
			type: 'highLevelPrivateIntegrationApi',
			data: { accessToken: TOKEN, locationId: LOCATION, baseUrl: fakeUrl },
		});
		workflowId = await n8n.importWorkflow(
			workflowUnderTest(
				{ id: credential.id, name: credential.name },
				await webhookSecretForTemplates(n8n, WEBHOOK_SECRET),
			),
		);
	}, 1_200_000);

	afterAll(async () => {
		redis?.disconnect();
		await n8n?.destroy();
		await redisServer?.stop();
		await fake.stop();
	});

	test('n8n runs in queue mode: Bull on the Redis, PostgreSQL, two workers taking jobs', async () => {
		expect(n8n.sharedEnv).toMatchObject({
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_PORT: String(redisServer.port),
			DB_TYPE: 'postgresdb',
		});
		expect(n8n.workers.map((worker) => worker.name)).toEqual(['worker-1', 'worker-2']);
		for (const worker of n8n.workers) {
			const res = await fetch(`${worker.healthUrl}/readiness`, {
				signal: AbortSignal.timeout(5000),
			});
			expect(res.status).toBe(200);
		}
	});

	test('200 conversations at once: the 100 that asked get one handover each, the others nothing', async () => {
		const turns = allTurns();
		const started = Date.now();
		sent = await inParallel(turns, IN_FLIGHT, async (turn, position) => ({
			...turn,
			answer: await post(
				n8n.webhookUrl(PATH),
				inbound(turn, `msg-${position}`),
				tokenHeader(WEBHOOK_SECRET),
			),
		}));
		const sendMs = Date.now() - started;
		console.log(
			`${turns.length} turns in ${sendMs} ms: ${((turns.length * 1000) / sendMs).toFixed(1)} turns/s, ` +
				`${IN_FLIGHT} in flight`,
		);

		expect(sent.filter((s) => s.answer.status !== 200)).toEqual([]);
		const handovers = sent.filter((s) => s.answer.json.handover === true);
		const asking = new Set(Array.from({ length: ASKING }, (_, index) => conversationId(index)));
		expect(handovers.map((s) => s.message)).toEqual(new Array(ASKING).fill(ASK));
		expect(new Set(handovers.map((s) => conversationId(s.index)))).toEqual(asking);
		for (const handover of handovers) {
			expect(handover.answer.json).toMatchObject({ reason: 'contact_request' });
		}

		const executions = await n8n.waitForExecutions(workflowId, ASKING, 240_000);
		console.log(
			`${ASKING} handover executions done ${Date.now() - started} ms after the first turn`,
		);
		expect(executions).toHaveLength(ASKING);
		expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
		const events = executions.map((execution) => {
			expect(execution.mode).toBe('webhook');
			expect(execution.lastNodeOutput).toHaveLength(1);
			return execution.lastNodeOutput[0];
		});
		expect(new Set(events.map((event) => String(event.conversationId)))).toEqual(asking);
		// Each execution carries the handoverId that its webhook call answered.
		const answered = new Map(
			handovers.map((s) => [conversationId(s.index), s.answer.json.handoverId as string]),
		);
		for (const event of events) {
			expect(event).toMatchObject({
				handoverId: answered.get(String(event.conversationId)),
				reason: 'contact_request',
			});
		}

		// Queue mode for real: the main enqueued them all and the workers ran them all, once each.
		const ids = executions.map((execution) => execution.id).sort();
		const { enqueuedByMain, finishedByWorker } = n8n.executionsByProcess();
		expect([...enqueuedByMain].sort()).toEqual(ids);
		expect(Object.values(finishedByWorker).flat().sort()).toEqual(ids);
		for (const [worker, runs] of Object.entries(finishedByWorker)) {
			console.log(`${worker} ran ${runs.length} execution(s)`);
			expect(runs.length).toBeGreaterThan(0);
		}
	});

	test('HighLevel got exactly one set of calls per conversation that asked, none for the others', async () => {
		// No late execution or call for anyone.
		const callsSoFar = fake.requests.length;
		await new Promise((done) => setTimeout(done, 2000));
		expect(await n8n.executionSummaries(workflowId)).toHaveLength(ASKING);
		expect(fake.requests.length).toBe(callsSoFar);

		const byContact = new Map<string, string[]>();
		for (const request of fake.requests) {
			const contact = contactOf(request);
			if (contact === undefined) continue;
			byContact.set(contact, [...(byContact.get(contact) ?? []), callKind(request)]);
		}
		// One set = the same calls for every contact that asked, none of them twice (GETs aside).
		const setOf = (index: number) =>
			(byContact.get(contactId(index)) ?? []).filter((call) => !call.startsWith('GET ')).sort();
		const oneSet = setOf(0);
		console.log(`one set of HighLevel calls: ${oneSet.join('; ')}`);
		expect(new Set(oneSet).size).toBe(oneSet.length);
		expect(oneSet).toEqual(expect.arrayContaining(CORE_CALLS));
		for (let index = 0; index < ASKING; index++) {
			expect({ contact: contactId(index), calls: setOf(index) }).toEqual({
				contact: contactId(index),
				calls: oneSet,
			});
		}
		for (let index = ASKING; index < CONVERSATIONS; index++) {
			expect({ contact: contactId(index), calls: byContact.get(contactId(index)) ?? [] }).toEqual({
				contact: contactId(index),
				calls: [],
			});
		}

		// One round-robin counter in Redis for all workers: the agents take turns exactly.
		const assignees = Array.from(
			{ length: ASKING },
			(_, index) => fake.contact(contactId(index))?.assignedTo,
		);
		for (const agent of AGENTS) {
			expect(assignees.filter((assignee) => assignee === agent)).toHaveLength(ASKING / 2);
		}
		expect(fake.messages).toHaveLength(ASKING);
	});

	test('the conversation state is in the queue Redis (State Store: auto)', async () => {
		await redis.connect();
		const keys = await scanKeys(redis, 'handover:conv:*');
		const conversations = new Set(keys.map((key) => key.split(':').pop()));
		expect(conversations).toEqual(
			new Set(Array.from({ length: CONVERSATIONS }, (_, index) => conversationId(index))),
		);
		// Bull's queue is on the same server.
		expect((await scanKeys(redis, 'bull:*')).length).toBeGreaterThan(0);

		const handoverIds = new Map(
			sent
				.filter((s) => s.answer.json.handover === true)
				.map((s) => [conversationId(s.index), s.answer.json.handoverId as string]),
		);
		for (const key of keys) {
			const memory = JSON.parse((await redis.get(key)) ?? '{}') as Record<string, unknown>;
			expect({ key, lastHandoverId: memory.lastHandoverId }).toEqual({
				key,
				lastHandoverId: handoverIds.get(key.split(':').pop() ?? ''),
			});
		}
	});

	test('ended pauses: the pause-ended flow takes each tag off exactly once, with two workers', async () => {
		// Pauses that have just ended, written as Pause Bot writes them, into the queue Redis the
		// template's State Store (auto) uses; its Pause Ended trigger polls once a minute.
		const ENDED = 20;
		const endedContact = (index: number) => `contact-ended-${pad(index)}`;
		const store = new RedisStore({ host: '127.0.0.1', port: redisServer.port });
		const now = new Date();
		for (let index = 0; index < ENDED; index++) {
			fake.addContact({
				id: endedContact(index),
				name: `Ended ${index}`,
				tags: ['lead', 'ai_paused'],
			});
			await pauseConversation(
				store,
				conversationKey('highlevel', LOCATION, `conv-ended-${pad(index)}`),
				new Date(now.getTime() - 1000),
				new Date(now.getTime() - 60_000),
				{ contactId: endedContact(index) },
			);
		}
		await store.close();

		const untagged = () =>
			fake.requests.filter(
				(request) =>
					request.method === 'DELETE' && /^\/contacts\/contact-ended-/.test(request.path),
			);
		const deadline = Date.now() + 150_000;
		while (untagged().length < ENDED && Date.now() < deadline) {
			await new Promise((done) => setTimeout(done, 1000));
		}
		// A further poll takes nothing again.
		await new Promise((done) => setTimeout(done, 65_000));
		const perContact = new Map<string, number>();
		for (const request of untagged()) {
			perContact.set(request.path, (perContact.get(request.path) ?? 0) + 1);
		}
		expect(perContact.size).toBe(ENDED);
		expect([...perContact.values()].every((count) => count === 1)).toBe(true);
		for (let index = 0; index < ENDED; index++) {
			expect(fake.contact(endedContact(index))?.tags).toEqual(['lead']);
		}
	}, 300_000);
});
