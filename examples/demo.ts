/**
 * `npm run demo`: a real n8n with this package, the HighLevel template imported and wired to the
 * HighLevel contract fake (on 127.0.0.1, standing in for a HighLevel account), a scripted
 * conversation played into the detector, and what happened printed turn by turn. n8n then stays up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { HighLevelFake } from '../test/fakes/highlevel/HighLevelFake';
import { OWNER, startN8n, type WorkflowJson } from '../test/e2e/harness/n8n';
import { REPO_ROOT } from '../test/e2e/harness/repoRoot';
import {
	post,
	templateWithCredentials,
	tokenHeader,
	webhookSecretForTemplates,
} from '../test/e2e/workflows';

const TOKEN = 'demo-private-integration-token';
const LOCATION = 'demo-location';
/**
 * The template's detector checks a Header Token (Authentication: Header Token, with a Handover
 * Webhook Secret credential): a HighLevel workflow's Webhook action sends it as a header.
 */
const WEBHOOK_SECRET = 'demo-webhook-secret';

const CONTACTS = [
	{ id: 'ct-oak', name: 'Olivia Oakes', phone: '+15550000001' },
	{ id: 'ct-history', name: 'Hector Story', phone: '+15550000002' },
	{ id: 'ct-units', name: 'Uma Nitz', phone: '+15550000003' },
	{ id: 'ct-madrid', name: 'Marta Ruiz', phone: '+34600000004' },
];

const SCRIPT: Array<{ contact: string; userMessage?: string; botReply?: string }> = [
	{ contact: 'ct-oak', userMessage: 'Hi! Is the 3-bedroom on Oak Street still available?' },
	{ contact: 'ct-oak', botReply: 'Yes, it is available from March.' },
	{ contact: 'ct-oak', userMessage: 'Great, thanks' },
	{ contact: 'ct-oak', userMessage: 'Can I talk to a real person about the price?' },
	{ contact: 'ct-history', userMessage: 'What was the sale price in 1998?' },
	{ contact: 'ct-history', botReply: "I don't have that information right now." },
	{ contact: 'ct-units', userMessage: 'Do you have 2 bedroom units?' },
	{ contact: 'ct-units', botReply: 'We have several buildings.' },
	{ contact: 'ct-units', userMessage: 'not what I asked' },
	{ contact: 'ct-units', userMessage: "that doesn't help" },
	{ contact: 'ct-madrid', userMessage: '¿Puedo hablar con una persona real?' },
	{ contact: 'ct-oak', userMessage: 'hello? anyone there?' },
];

/** What HighLevel sends for a contact's message (InboundMessage) or the bot's reply (OutboundMessage). */
function highLevelPayload(turn: (typeof SCRIPT)[number], n: number): object {
	const inbound = turn.userMessage !== undefined;
	return {
		type: inbound ? 'InboundMessage' : 'OutboundMessage',
		locationId: LOCATION,
		contactId: turn.contact,
		conversationId: `conv-${turn.contact}`,
		body: inbound ? turn.userMessage : turn.botReply,
		messageType: 'SMS',
		direction: inbound ? 'inbound' : 'outbound',
		dateAdded: new Date().toISOString(),
		messageId: `demo-${n}`,
		contentType: 'text/plain',
		status: 'delivered',
		attachments: [],
	};
}

function describeAnswer(answer: Record<string, unknown>): string {
	if (answer.handover) return `HANDOVER (${String(answer.reason)})`;
	if (answer.botPaused) return `no handover: the bot is paused until ${String(answer.pausedUntil)}`;
	if (answer.ignored) return `ignored: ${String(answer.ignored)}`;
	return 'no handover, the bot keeps talking';
}

function describeActions(actions: Record<string, Record<string, unknown>>): string[] {
	return [
		`assigned to ${String(actions.assign?.userName)} (${String(actions.assign?.strategy)})`,
		`task "${String(actions.task?.title)}" due ${String(actions.task?.dueDate)}`,
		`message sent: ${String(actions.message?.sent)} (${String(actions.message?.type ?? '')})`,
		`bot paused until ${String(actions.pause?.until)}`,
		`tags now: ${JSON.stringify(actions.tag?.tags)}`,
		`assignee notified: ${String(actions.notify?.delivered)}`,
	];
}

async function main(): Promise<void> {
	const fake = new HighLevelFake({ token: TOKEN, locationId: LOCATION });
	const fakeUrl = await fake.start();
	fake.addUser({ id: 'user-maria', name: 'Maria Lopez', email: 'maria@example.com' });
	fake.addUser({ id: 'user-tom', name: 'Tom Baker', email: 'tom@example.com' });
	for (const contact of CONTACTS) {
		fake.addContact({ ...contact, tags: ['lead'] });
		fake.addConversation({ id: `conv-${contact.id}`, contactId: contact.id });
	}
	console.log(`HighLevel contract fake (stands in for a HighLevel account): ${fakeUrl}`);
	console.log(
		'Starting n8n with n8n-nodes-human-handover (the first run installs n8n, a few minutes)…',
	);

	const n8n = await startN8n({ packageDir: REPO_ROOT });
	const credential = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
		name: 'HighLevel (demo fake)',
		type: 'highLevelPrivateIntegrationApi',
		data: { accessToken: TOKEN, locationId: LOCATION, baseUrl: fakeUrl },
	});
	const template = JSON.parse(
		readFileSync(join(REPO_ROOT, 'examples', 'highlevel-human-handover.workflow.json'), 'utf8'),
	) as WorkflowJson;
	const workflowId = await n8n.importWorkflow(
		templateWithCredentials(
			template,
			{ highLevelPrivateIntegrationApi: { id: credential.id, name: credential.name } },
			{},
			await webhookSecretForTemplates(n8n, WEBHOOK_SECRET),
		),
	);
	const url = n8n.webhookUrl('highlevel-handover');
	const token = tokenHeader(WEBHOOK_SECRET);
	const [[tokenName, tokenValue]] = Object.entries(token);
	console.log(`\nImported "${template.name}". Detector webhook: POST ${url}`);
	console.log(
		`Every call sends the detector's secret (Authentication: Header Token): ${tokenName}: ${tokenValue}\n`,
	);

	let handovers = 0;
	for (const [n, turn] of SCRIPT.entries()) {
		const callsBefore = fake.requests.length;
		const { status, json } = await post(url, highLevelPayload(turn, n), token);
		const said =
			turn.userMessage !== undefined ? `contact: "${turn.userMessage}"` : `bot: "${turn.botReply}"`;
		console.log(`[${turn.contact}] ${said}`);
		console.log(`    → ${status} ${describeAnswer(json)}`);
		if (!json.handover) continue;
		handovers++;
		const executions = await n8n.waitForExecutions(workflowId, handovers, 60_000);
		const execution = executions[handovers - 1];
		const [event] = execution.lastNodeOutput as Array<{
			actions: Record<string, Record<string, unknown>>;
		}>;
		console.log(`    → workflow ${execution.status}:`);
		for (const line of describeActions(event?.actions ?? {})) console.log(`        ${line}`);
		const calls = fake.requests.slice(callsBefore).map((call) => `${call.method} ${call.path}`);
		console.log(`        HighLevel calls: ${calls.join(', ')}`);
	}

	console.log(
		`\n${handovers} handovers, ${(await n8n.executions(workflowId)).length} executions, ${fake.messages.length} messages sent.`,
	);
	console.log(`n8n is running at ${n8n.baseUrl} (log in as ${OWNER.email} / ${OWNER.password}).`);
	console.log(
		`Try: curl -X POST ${url} -H 'content-type: application/json' -H '${tokenName}: ${tokenValue}' -d '${JSON.stringify(highLevelPayload({ contact: 'ct-madrid', userMessage: 'hola' }, 99))}'`,
	);
	console.log(
		'Its user folder is temporary: Ctrl-C stops n8n and deletes it with what you built (export a workflow first to keep it; KEEP_N8N_E2E=1 keeps the folder).',
	);
	console.log('Press Ctrl-C to stop.');
	const stop = async () => {
		await n8n.destroy();
		await fake.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
