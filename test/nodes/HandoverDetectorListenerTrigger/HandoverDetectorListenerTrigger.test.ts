import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
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
		// The tests of the listener itself run unauthenticated, as allowed behind a proxy that checks.
		behindOwnAuthentication: true,
		stateStore: 'embedded',
		storeFile,
		listenAddress: HOST,
		path: 'handover',
		...parameters,
	};
	// n8n's contexts are classes: a method called detached from its context fails there, so here too.
	// A parameter given as undefined is one the user left alone: n8n gives its default.
	context.getNodeParameter.mockImplementation(function (
		this: unknown,
		name: string,
		fallback?: unknown,
	) {
		if (this !== context) throw new TypeError('getNodeParameter called without its context');
		if (!(name in values)) throw new Error(`Unexpected parameter ${name}`);
		return values[name] === undefined ? fallback : values[name];
	} as ITriggerFunctions['getNodeParameter']);
	context.getCredentials.mockResolvedValue({ secret: 'listener-token' });
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
		const shared = webhook.properties.filter((p) => p.name !== 'path' && p.name !== 'notice');
		const own = description.properties.slice(4).filter((p) => p.name !== 'behindOwnAuthentication');
		expect(own).toEqual(shared);
		expect(description.credentials).toEqual(webhook.credentials);
		const port = description.properties.find((p) => p.name === 'port');
		expect(port).toMatchObject({ type: 'number', default: 5679, required: true });
		expect(description.properties.find((p) => p.name === 'path')?.default).toBe('handover');
	});

	it('listens on this host only by default, and says when to use 0.0.0.0', () => {
		const address = description.properties.find((p) => p.name === 'listenAddress');
		expect(address?.default).toBe('127.0.0.1');
		expect(address?.description).toMatch(/0\.0\.0\.0.*Docker.*Authentication/);
	});

	it('asks for an explicit opt-in, right below Authentication and only with None', () => {
		const at = names.indexOf('behindOwnAuthentication');
		expect(names[at - 1]).toBe('authentication');
		expect(description.properties[at]).toMatchObject({
			displayName: 'I Run It Behind My Own Authentication',
			type: 'boolean',
			default: false,
			displayOptions: { show: { authentication: ['none'] } },
		});
	});

	it('warns below Authentication while it is None, as the webhook trigger does', () => {
		for (const node of [description, new HandoverDetectorTrigger().description]) {
			const warnings = node.properties.filter((p) => p.name === 'noAuthenticationNotice');
			expect(warnings).toEqual([
				expect.objectContaining({
					type: 'notice',
					displayOptions: { show: { authentication: ['none'] } },
				}),
			]);
			expect(warnings[0].displayName).toMatch(
				/^Authentication is None: once this workflow is active/,
			);
			expect(warnings[0].displayName).not.toMatch(/[<>{}]/);
			const order = node.properties.map((p) => p.name);
			expect(order.indexOf('noAuthenticationNotice')).toBeGreaterThan(
				order.indexOf('authentication'),
			);
		}
	});

	it('writes its notice without placeholders the editor would drop', () => {
		const notice = description.properties.find((p) => p.type === 'notice')?.displayName ?? '';
		expect(notice).toContain('http://127.0.0.1:5679/handover');
		expect(notice).not.toMatch(/[<>{}]/);
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

	it('refuses to start with Authentication None unless the user runs it behind their own', async () => {
		const port = await freePort();
		const { context } = triggerContext({ port, behindOwnAuthentication: false });
		const run = new HandoverDetectorListenerTrigger().trigger.call(context);
		await expect(run).rejects.toThrow(NodeOperationError);
		await expect(run).rejects.toThrow('Authentication is None');
		await expect(run).rejects.toMatchObject({
			description: expect.stringContaining("'I Run It Behind My Own Authentication'"),
		});
		// Nothing was bound: the port is free for the next activation.
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(port, HOST, resolve));
		await new Promise((resolve) => probe.close(resolve));
	});

	it('starts with an Authentication set, without the opt-in, and checks the caller', async () => {
		const port = await freePort();
		const { context } = triggerContext({
			port,
			authentication: 'headerToken',
			behindOwnAuthentication: false,
		});
		response = await new HandoverDetectorListenerTrigger().trigger.call(context);
		const turn = { conversationId: 't-1', userMessage: 'hello' };
		expect((await post(`http://${HOST}:${port}/handover`, turn)).status).toBe(401);
		const res = await fetch(`http://${HOST}:${port}/handover`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-handover-token': 'listener-token' },
			body: JSON.stringify(turn),
		});
		expect(res.status).toBe(200);
	});

	it('listens on 127.0.0.1 when Listen Address is left alone, not on other interfaces', async () => {
		const port = await freePort();
		const { context, logger } = triggerContext({ port, listenAddress: undefined });
		response = await new HandoverDetectorListenerTrigger().trigger.call(context);
		expect(logger.info).toHaveBeenCalledWith(
			expect.stringContaining(`http://127.0.0.1:${port}/handover`),
		);
		const outside = Object.values(networkInterfaces())
			.flat()
			.find((address) => address && address.family === 'IPv4' && !address.internal);
		if (outside) {
			// This host's own non-loopback address: nothing answers there.
			await expect(
				fetch(`http://${outside.address}:${port}/handover/health`, {
					signal: AbortSignal.timeout(2000),
				}),
			).rejects.toThrow();
		}
	});

	it('refuses a port outside 1..65535 before binding anything', async () => {
		const { context } = triggerContext({ port: 70000 });
		await expect(new HandoverDetectorListenerTrigger().trigger.call(context)).rejects.toThrow(
			'Port 70000 is not a TCP port',
		);
	});
});
