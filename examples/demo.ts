/**
 * `npm run demo`: starts a real n8n with this package, imports the demo workflow, plays a scripted
 * conversation into the detector's webhook and prints what happened; then leaves n8n running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { nodeOutput, OWNER, startN8n, type WorkflowJson } from '../test/e2e/harness/n8n';
import { post } from '../test/e2e/workflows';
import { REPO_ROOT } from '../test/e2e/harness/repoRoot';

const SCRIPT: Array<{ conversationId: string; userMessage?: string; botReply?: string }> = [
	{ conversationId: 'oak-street', userMessage: 'Hi! Is the 3-bedroom on Oak Street still available?', botReply: 'Yes, it is available from March.' },
	{ conversationId: 'oak-street', userMessage: 'Great, thanks' },
	{ conversationId: 'oak-street', userMessage: 'Can I talk to a real person about the price?' },
	{ conversationId: 'history', userMessage: 'What was the sale price in 1998?', botReply: "I don't have that information right now." },
	{ conversationId: 'units', userMessage: 'Do you have 2 bedroom units?', botReply: 'We have several buildings.' },
	{ conversationId: 'units', userMessage: 'not what I asked', botReply: 'Our buildings are pet friendly.' },
	{ conversationId: 'units', userMessage: "that doesn't help" },
	{ conversationId: 'madrid', userMessage: '¿Puedo hablar con una persona real?' },
	{ conversationId: 'oak-street', userMessage: 'hello? anyone there? I want a human' },
];

function describeAnswer(answer: Record<string, unknown>): string {
	if (answer.handover) return `HANDOVER (${String(answer.reason)})`;
	if (answer.suppressed) return `no handover (already handed over: ${String(answer.suppressed)})`;
	return 'no handover, the bot keeps talking';
}

async function main(): Promise<void> {
	console.log('Starting n8n with n8n-nodes-human-handover (the first run installs n8n, a few minutes)…');
	const n8n = await startN8n({ packageDir: REPO_ROOT });
	const workflow = JSON.parse(
		readFileSync(join(REPO_ROOT, 'examples', 'handover-demo.workflow.json'), 'utf8'),
	) as WorkflowJson;
	const workflowId = await n8n.importWorkflow(workflow);
	const url = n8n.webhookUrl('handover');
	console.log(`\nDetector webhook: POST ${url}\n`);

	let handovers = 0;
	for (const turn of SCRIPT) {
		const { status, json } = await post(url, turn);
		const said = [turn.userMessage && `contact: "${turn.userMessage}"`, turn.botReply && `bot: "${turn.botReply}"`]
			.filter(Boolean)
			.join('  ');
		console.log(`[${turn.conversationId}] ${said}`);
		console.log(`    → ${status} ${describeAnswer(json)}  ${JSON.stringify(json)}`);
		if (json.handover) {
			handovers++;
			const executions = await n8n.waitForExecutions(workflowId, handovers);
			const [summary] = nodeOutput(executions[handovers - 1], 'Summarise Handover');
			console.log(`    → workflow ran: ${String(summary?.summary)}`);
		}
	}

	console.log(`\n${handovers} handovers, ${(await n8n.executions(workflowId)).length} executions.`);
	console.log(`n8n is running at ${n8n.baseUrl} (log in as ${OWNER.email} / ${OWNER.password}).`);
	console.log(`Try: curl -X POST ${url} -H 'content-type: application/json' -d '{"conversationId":"me","userMessage":"I need a real person"}'`);
	console.log('Press Ctrl-C to stop.');
	const stop = async () => {
		await n8n.destroy();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
