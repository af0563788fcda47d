import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mock } from 'jest-mock-extended';
import {
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type ITriggerFunctions,
	type ITriggerResponse,
	type Logger,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { HandoverDetectorListenerTrigger } from '../../../nodes/HandoverDetectorListenerTrigger/HandoverDetectorListenerTrigger.node';
import { HandoverDetectorTrigger } from '../../../nodes/HandoverDetectorTrigger/HandoverDetectorTrigger.node';
import { getStore } from '../../../nodes/shared/storeProvider';

const HOST = '127.0.0.1';

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, HOST, () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

let dir: string;
let storeFile: string;
let response: ITriggerResponse | undefined;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-listener-node-'));
	storeFile = join(dir, 'store.sqlite');
});

afterEach(async () => {
	await response?.closeFunction?.();
	response = undefined;
	await (await getStore({ kind: 'embedded', filePath: storeFile })).close();
	rmSync(dir, { recursive: true, force: true });
});

function triggerContext(
	parameters: Record<string, unknown>,
	mode: WorkflowExecuteMode = 'trigger',
) {
	const context = mock<ITriggerFunctions>();
	const values: Record<string, unknown> = {
		authentication: 'none',
		options: {},
		payloadFormat: 'auto',
		triggers: ['contactRequest', 'lackOfInformation', 'failedToResolve'],
		stateStore: 'embedded',
		storeFile,
		listenAddress: HOST,
		path: 'handover',
		...parameters,
	};
	// n8n's contexts are classes: a method called detached from its context fails there, so here too.
	context.getNodeParameter.mockImplementation(function (this: unknown, name: string) {
		if (this !== context) throw new TypeError('getNodeParameter called without its context');
		if (!(name in values)) throw new Error(`Unexpected parameter ${name}`);
		return values[name];
	} as ITriggerFunctions['getNodeParameter']);
	context.getMode.mockReturnValue(mode);
	context.getNode.mockReturnValue(mock<INode>({ name: 'Handover Detector (Dedicated Port)' }));
	const returnJsonArray = (items: IDataObject | IDataObject[]): INodeExecutionData[] =>
		([] as IDataObject[]).concat(items).map((json) => ({ json }));
	const logger = mock<Logger>();
	Object.assign(context, { logger, helpers: { returnJsonArray } });
	return { context, logger };
}

const post = async (url: string, body: unknown) => {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as IDataObject };
};

describe('HandoverDetectorListenerTrigger: description', () => {
	const { description } = new HandoverDetectorListenerTrigger();
	const names = description.properties.map((property) => property.name);

	it('is a trigger with a trigger() and no webhook, not usable as a tool', () => {
		expect(description.name).toBe('handoverDetectorListenerTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toBeUndefined();
		expect(description.usableAsTool).toBeUndefined();
		expect(typeof new HandoverDetectorListenerTrigger().trigger).toBe('function');
	});

	it('has Port, Listen Address and Path once, then every detection setting of the webhook trigger', () => {
		expect(names.slice(0, 4)).toEqual(['notice', 'port', 'listenAddress', 'path']);
		expect(new Set(names).size).toBe(names.length);
		const webhook = new HandoverDetectorTrigger().description;
		const shared = webhook.properties.filter((p) => p.name !== 'path' && p.type !== 'notice');
		expect(description.properties.slice(4)).toEqual(shared);
		expect(description.credentials).toEqual(webhook.credentials);
		const port = description.properties.find((p) => p.name === 'port');
		expect(port).toMatchObject({ type: 'number', default: 5679, required: true });
		expect(description.properties.find((p) => p.name === 'listenAddress')?.default).toBe('0.0.0.0');
		expect(description.properties.find((p) => p.name === 'path')?.default).toBe('handover');
	});
});

describe('HandoverDetectorListenerTrigger: trigger()', () => {
	it('reads its settings once, answers turns on its port and emits only handovers', async () => {
		const port = await freePort();
		const { context } = triggerContext({ port });
		response = await new HandoverDetectorListenerTrigger().trigger.call(context);
		const readsAtActivation = context.getNodeParameter.mock.calls.length;

		const quiet = await post(`http://${HOST}:${port}/handover`, {
			conversationId: 'n-1',
			userMessage: 'What are your office hours?',
		});
		expect(quiet).toEqual({ status: 200, json: expect.objectContaining({ handover: false }) });
		expect(context.emit).not.toHaveBeenCalled();

		const ask = await post(`http://${HOST}:${port}/handover`, {
			conversationId: 'n-2',
			userMessage: 'Can I talk to a human?',
		});
		expect(ask.json).toMatchObject({ handover: true, reason: 'contact_request' });
		expect(context.emit).toHaveBeenCalledTimes(1);
		expect(context.emit).toHaveBeenCalledWith([
			[
				{
					json: expect.objectContaining({ handoverId: ask.json.handoverId, conversationId: 'n-2' }),
				},
			],
		]);
		// Fast path: nothing is read from n8n per turn.
		expect(context.getNodeParameter.mock.calls.length).toBe(readsAtActivation);
	});

	it('emits through the emit n8n sets after activation (manual runs replace it)', async () => {
		const port = await freePort();
		const { context } = triggerContext({ port }, 'manual');
		response = await new HandoverDetectorListenerTrigger().trigger.call(context);
		const replaced = jest.fn();
		Object.assign(context, { emit: replaced });
		await post(`http://${HOST}:${port}/handover`, {
			conversationId: 'm-1',
			userMessage: 'I want a human',
		});
		expect(replaced).toHaveBeenCalledTimes(1);
	});

	it('closeFunction frees the port for the next activation', async () => {
		const port = await freePort();
		const first = await new HandoverDetectorListenerTrigger().trigger.call(
			triggerContext({ port }).context,
		);
		await first.closeFunction?.();
		response = await new HandoverDetectorListenerTrigger().trigger.call(
			triggerContext({ port }).context,
		);
		const res = await post(`http://${HOST}:${port}/handover`, {
			conversationId: 'c',
			userMessage: 'hi',
		});
		expect(res.status).toBe(200);
	});

	it('logs an emit that fails instead of crashing; the caller already has its answer', async () => {
		const port = await freePort();
		const { context, logger } = triggerContext({ port });
		context.emit.mockImplementation(() => {
			throw new Error('queue unavailable');
		});
		response = await new HandoverDetectorListenerTrigger().trigger.call(context);
		const res = await post(`http://${HOST}:${port}/handover`, {
			conversationId: 'e',
			userMessage: 'a human please',
		});
		// The answer was already sent when emitting failed: the caller still learns of the handover.
		expect(res.json.handover).toBe(true);
		expect(logger.error).toHaveBeenCalledWith(
			expect.stringContaining('queue unavailable'),
			expect.objectContaining({ nodeName: 'Handover Detector (Dedicated Port)' }),
		);
	});

	describe('when the port is taken', () => {
		let blocker: Server;
		let port: number;

		beforeEach(async () => {
			blocker = createServer();
			await new Promise<void>((resolve) => blocker.listen(0, HOST, resolve));
			port = (blocker.address() as { port: number }).port;
		});

		afterEach(async () => {
			await new Promise((resolve) => blocker.close(resolve));
		});

		it('in a manual run, says to deactivate the workflow or use it', async () => {
			const { context } = triggerContext({ port }, 'manual');
			const run = new HandoverDetectorListenerTrigger().trigger.call(context);
			await expect(run).rejects.toThrow(NodeOperationError);
			await expect(run).rejects.toThrow(
				`Port ${port} is in use (is the workflow active?): deactivate it to test, or send a turn to the active workflow`,
			);
		});

		it('on activation, says another program or workflow has it', async () => {
			const { context } = triggerContext({ port });
			await expect(new HandoverDetectorListenerTrigger().trigger.call(context)).rejects.toThrow(
				`Port ${port} on ${HOST} is in use by another program or workflow`,
			);
		});
	});

	it('refuses a port outside 1..65535 before binding anything', async () => {
		const { context } = triggerContext({ port: 70000 });
		await expect(new HandoverDetectorListenerTrigger().trigger.call(context)).rejects.toThrow(
			'Port 70000 is not a TCP port',
		);
	});
});
