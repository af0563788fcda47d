/**
 * One input contract on both doors of a real n8n: every request of test/helpers/inputContract.ts is
 * sent byte for byte to the n8n webhook URL and to the dedicated port, and gets the same status on
 * both — including where n8n reads the body before the node (invalid JSON, forms, gzip). Refused
 * requests start no execution.
 */
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';

import { LONG_MESSAGE, REFUSED, TAKEN, type ContractRequest } from '../helpers/inputContract';
import { freePort, startN8n, waitFor, type N8nInstance } from './harness/n8n';
import { REPO_ROOT } from './harness/repoRoot';
import { detectorWorkflow, listenerWorkflow, sleep } from './workflows';

jest.setTimeout(300_000);

/**
 * Both doors hand over every time, so that each taken request can be counted on both; each door
 * keeps its own store, or the second would take the first's identical body for a redelivery.
 */
const OPTIONS = { options: { coolDownMinutes: 0 } };
const storeOf = (door: string) => ({
	stateStore: 'embedded',
	storeFile: `${tmpdir()}/handover-contract-${door}-${process.pid}.sqlite`,
});

async function deliver(url: string, { headers, body }: ContractRequest): Promise<number> {
	return await new Promise((resolve, reject) => {
		const req = request(
			url,
			{ method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

describe('the input contract on both doors of n8n', () => {
	let n8n: N8nInstance;
	let webhookId: string;
	let listenerId: string;
	let webhookUrl: string;
	let listenerUrl: string;

	beforeAll(async () => {
		n8n = await startN8n({ packageDir: REPO_ROOT });
		webhookId = await n8n.importWorkflow(
			detectorWorkflow('e2e contract webhook', 'contract', {
				parameters: { ...OPTIONS, ...storeOf('webhook') },
			}),
		);
		webhookUrl = n8n.webhookUrl('contract');
		const port = await freePort();
		listenerUrl = `http://127.0.0.1:${port}/contract`;
		listenerId = await n8n.importWorkflow(
			listenerWorkflow('e2e contract listener', port, 'contract', {
				parameters: { ...OPTIONS, ...storeOf('listener'), behindOwnAuthentication: true },
			}),
		);
		await waitFor(`the listener on ${listenerUrl}`, 60_000, async () => {
			const res = await fetch(`${listenerUrl}/health`, { signal: AbortSignal.timeout(2000) });
			return res.status === 200 ? true : undefined;
		});
	}, 1_200_000);

	afterAll(async () => {
		await n8n?.destroy();
		for (const door of ['webhook', 'listener']) {
			for (const suffix of ['', '-wal', '-shm']) {
				rmSync(`${storeOf(door).storeFile}${suffix}`, { force: true });
			}
		}
	});

	test('every refused request gets its status on both doors, and nothing runs', async () => {
		const answered: Array<[string, number, number, number]> = [];
		for (const refused of REFUSED) {
			answered.push([
				refused.what,
				refused.status,
				await deliver(webhookUrl, refused),
				await deliver(listenerUrl, refused),
			]);
		}
		expect(answered).toEqual(
			REFUSED.map(({ what, status }) => [what, status, status, status] as const),
		);
		await sleep(1500);
		expect(await n8n.executionSummaries(webhookId)).toHaveLength(0);
		expect(await n8n.executionSummaries(listenerId)).toHaveLength(0);
	});

	test('the requests at the edges, and a message over the cap, are taken on both doors', async () => {
		const taken = [...TAKEN, LONG_MESSAGE];
		for (const edge of taken) {
			expect([
				edge.what,
				await deliver(webhookUrl, edge),
				await deliver(listenerUrl, edge),
			]).toEqual([edge.what, 200, 200]);
		}
		await n8n.waitForExecutions(webhookId, taken.length);
		await n8n.waitForExecutions(listenerId, taken.length);
	});
});
