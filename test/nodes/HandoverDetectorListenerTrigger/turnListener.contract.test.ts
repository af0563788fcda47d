/**
 * The dedicated port against the input contract: the same table of requests as the n8n webhook's
 * test (test/helpers/inputContract.ts), sent byte for byte over HTTP, gets the same answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	startTurnListener,
	type TurnListener,
} from '../../../nodes/HandoverDetectorListenerTrigger/turnListener';
import type { HandoverEvent } from '../../../nodes/event/handoverEvent';
import { MAX_MESSAGE_CHARS } from '../../../nodes/platforms/payload';
import { EmbeddedStore } from '../../../nodes/store/EmbeddedStore';
import { LONG_MESSAGE, REFUSED, TAKEN, type ContractRequest } from '../../helpers/inputContract';

let dir: string;
let store: EmbeddedStore;
let listener: TurnListener;
const onHandover = jest.fn<void, [HandoverEvent]>();
const onError = jest.fn<void, [unknown]>();

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'handover-contract-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
	listener = await startTurnListener({
		host: '127.0.0.1',
		port: 0,
		path: 'handover',
		settings: {
			auth: { authentication: 'none' },
			format: 'auto',
			inbound: { chatwoot: { ignoreOpenConversations: true } },
			detector: {},
			pauseOnHandoverMs: 0,
		},
		store,
		onHandover,
		onError,
	});
});

afterAll(async () => {
	await listener.close();
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
	onHandover.mockClear();
	onError.mockClear();
});

/** Exactly these headers and bytes (node:http adds no Content-Type of its own). */
async function deliver({
	headers,
	body,
}: ContractRequest): Promise<{ status: number; json: Record<string, unknown> }> {
	return await new Promise((resolve, reject) => {
		const req = request(
			listener.url,
			{ method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
			(res) => {
				const parts: Buffer[] = [];
				res.on('data', (part: Buffer) => parts.push(part));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						json: JSON.parse(Buffer.concat(parts).toString('utf8')),
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

describe('turn listener: input contract (the same table as the n8n webhook)', () => {
	it.each(REFUSED.map((refused) => [refused.what, refused] as const))(
		'refuses %s, and starts nothing',
		async (_, refused) => {
			const res = await deliver(refused);
			expect(res.status).toBe(refused.status);
			expect(res.json).toEqual({ error: expect.stringMatching(refused.error) });
			expect(onHandover).not.toHaveBeenCalled();
			expect(onError).not.toHaveBeenCalled();
		},
	);

	it.each(TAKEN.map((taken) => [taken.what, taken] as const))('takes %s', async (_, taken) => {
		const res = await deliver(taken);
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ handover: true, reason: 'contact_request' });
		expect(onHandover).toHaveBeenCalledTimes(1);
	});

	it('cuts a message over the cap instead of refusing it: the event has the cut text', async () => {
		const res = await deliver(LONG_MESSAGE);
		expect(res.status).toBe(200);
		expect(onHandover).toHaveBeenCalledTimes(1);
		const [event] = onHandover.mock.calls[0];
		expect(event.message).toHaveLength(MAX_MESSAGE_CHARS);
		expect(event.message?.startsWith('Can I talk to a human? agent agent')).toBe(true);
	});
});
