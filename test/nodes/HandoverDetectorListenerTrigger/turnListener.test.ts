import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TurnSettings } from '../../../nodes/detector/turnHandler';
import {
	HEADERS_TIMEOUT_MS,
	MAX_BODY_BYTES,
	MAX_CONNECTIONS,
	REQUEST_TIMEOUT_MS,
	routeOf,
	startTurnListener,
	type TurnListener,
	type TurnListenerOptions,
} from '../../../nodes/HandoverDetectorListenerTrigger/turnListener';
import type { HandoverEvent } from '../../../nodes/event/handoverEvent';
import { conversationKey } from '../../../nodes/conversation/conversationKey';
import { EmbeddedStore } from '../../../nodes/store/EmbeddedStore';
import type { HandoverStore } from '../../../nodes/store/HandoverStore';

const HOST = '127.0.0.1';
const SECRET = 'listener-secret';

const settings = (overrides: Partial<TurnSettings> = {}): TurnSettings => ({
	auth: { authentication: 'none' },
	format: 'auto',
	inbound: { chatwoot: { ignoreOpenConversations: true } },
	detector: {
		triggers: { contactRequest: true, lackOfInformation: true, failedToResolve: true },
	},
	pauseOnHandoverMs: 0,
	...overrides,
});

let dir: string;
let store: EmbeddedStore;
let listener: TurnListener | undefined;
let onHandover: jest.Mock<void, [HandoverEvent]>;
let onError: jest.Mock<void, [unknown]>;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'handover-listener-'));
	store = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
	onHandover = jest.fn();
	onError = jest.fn();
});

afterEach(async () => {
	await listener?.close();
	listener = undefined;
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<TurnListenerOptions> = {}): Promise<TurnListener> {
	listener = await startTurnListener({
		host: HOST,
		port: 0,
		path: 'handover',
		settings: settings(),
		store,
		onHandover,
		onError,
		...options,
	});
	return listener;
}

interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
	headers: Headers;
}

async function send(
	url: string,
	init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
	const res = await fetch(url, {
		method: init.method ?? 'POST',
		headers: { 'content-type': 'application/json', ...init.headers },
		body: init.body,
		signal: AbortSignal.timeout(10_000),
	});
	const text = await res.text();
	return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) =>
	await send(url, { body: JSON.stringify(body), headers });

/** A body sent chunked (no Content-Length), as a streaming client or proxy does. */
async function postChunked(url: string, chunks: Buffer[]): Promise<Answer> {
	return await new Promise((resolve, reject) => {
		const req = request(
			url,
			{ method: 'POST', headers: { 'content-type': 'application/json' } },
			(res) => {
				const parts: Buffer[] = [];
				res.on('data', (part: Buffer) => parts.push(part));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						json: JSON.parse(Buffer.concat(parts).toString('utf8')),
						headers: new Headers(),
					}),
				);
			},
		);
		req.on('error', reject);
		for (const chunk of chunks) req.write(chunk);
		req.end();
	});
}

async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const probe = createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, HOST, () => probe.close(() => resolve(true)));
	});
}

describe('turn listener: answers', () => {
	it('answers a turn without handover 200 and starts nothing', async () => {
		const { url } = await start();
		const res = await post(url, {
			conversationId: 'c-1',
			userMessage: 'What are your office hours?',
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.json).toEqual({
			handover: false,
			reason: null,
			handoverId: null,
			confidence: expect.any(Number),
			botPaused: false,
			pausedUntil: null,
		});
		expect(onHandover).not.toHaveBeenCalled();
		expect(onError).not.toHaveBeenCalled();
	});

	it('answers a request for a human 200 with its handoverId and emits exactly that event', async () => {
		const { url } = await start();
		const res = await post(url, { conversationId: 'c-2', userMessage: 'Can I talk to a human?' });
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ handover: true, reason: 'contact_request', botPaused: false });
		expect(res.json.handoverId).toMatch(/^[0-9a-f-]{36}$/);
		expect(onHandover).toHaveBeenCalledTimes(1);
		expect(onHandover.mock.calls[0][0]).toMatchObject({
			handoverId: res.json.handoverId,
			reason: 'contact_request',
			conversationId: 'c-2',
			message: 'Can I talk to a human?',
		});
	});

	it('keeps conversation memory in the store between turns (failed to resolve on the third)', async () => {
		const { url } = await start();
		const turns = [
			{ userMessage: 'What is the deposit?', botReply: 'The flat is on the third floor.' },
			{ userMessage: "That doesn't answer my question", botReply: 'It has a lovely view.' },
			{ userMessage: "You're still not answering", botReply: 'Anything else?' },
		];
		const answers = [];
		for (const turn of turns)
			answers.push((await post(url, { conversationId: 'c-3', ...turn })).json);
		expect(answers.map((answer) => answer.handover)).toEqual([false, false, true]);
		expect(answers[2].reason).toBe('failed_to_resolve');
		expect(onHandover).toHaveBeenCalledTimes(1);
		expect(await store.getConversation(conversationKey('generic', undefined, 'c-3'))).toMatchObject(
			{
				failedAttempts: expect.any(Number),
			},
		);
	});

	it('serves many turns over one keep-alive connection', async () => {
		const { url } = await start();
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		const sockets = new Set<unknown>();
		try {
			for (let i = 0; i < 5; i++) {
				await new Promise<void>((resolve, reject) => {
					const headers = { 'content-type': 'application/json' };
					const req = request(url, { method: 'POST', agent, headers }, (res) => {
						sockets.add(res.socket);
						expect(res.statusCode).toBe(200);
						res.resume();
						res.on('end', resolve);
					});
					req.on('error', reject);
					req.end(JSON.stringify({ conversationId: `k-${i}`, userMessage: 'hello' }));
				});
			}
		} finally {
			agent.destroy();
		}
		expect(sockets.size).toBe(1);
	});

	it('verifies a signature over the exact bytes received', async () => {
		const { url } = await start({
			settings: settings({ auth: { authentication: 'hmacSha256', secret: SECRET } }),
		});
		// Spacing that re-serialised JSON would lose: the signature must be over these bytes.
		const raw = '{ "conversationId": "c-sig",  "userMessage": "I want a real person" }';
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = createHmac('sha256', SECRET).update(`${timestamp}.${raw}`).digest('hex');

		const missing = await send(url, { body: raw });
		expect(missing.status).toBe(401);
		const wrong = await send(url, {
			body: raw,
			headers: { 'x-handover-signature': '0'.repeat(64), 'x-handover-timestamp': timestamp },
		});
		expect(wrong.status).toBe(403);
		expect(onHandover).not.toHaveBeenCalled();

		const right = await send(url, {
			body: raw,
			headers: { 'x-handover-signature': signature, 'x-handover-timestamp': timestamp },
		});
		expect(right.status).toBe(200);
		expect(right.json.handover).toBe(true);
		expect(onHandover).toHaveBeenCalledTimes(1);
	});

	it('refuses a replayed signed call, also when another process with the same store got it first', async () => {
		const auth = { auth: { authentication: 'hmacSha256' as const, secret: SECRET } };
		const first = await start({ settings: settings(auth) });
		// Another n8n process on this host: its own store connection to the same file.
		const otherStore = new EmbeddedStore({ filePath: join(dir, 'store.sqlite') });
		const other = await startTurnListener({
			host: HOST,
			port: 0,
			path: 'handover',
			settings: settings(auth),
			store: otherStore,
			onHandover,
			onError,
		});
		try {
			const raw = JSON.stringify({
				conversationId: 'c-replay',
				userMessage: 'I want a real person',
			});
			const timestamp = String(Math.floor(Date.now() / 1000));
			const headers = {
				'x-handover-signature': createHmac('sha256', SECRET)
					.update(`${timestamp}.${raw}`)
					.digest('hex'),
				'x-handover-timestamp': timestamp,
			};
			expect((await send(first.url, { body: raw, headers })).status).toBe(200);
			const again = await send(first.url, { body: raw, headers });
			expect(again.status).toBe(403);
			expect(again.json.error).toMatch(/already received/);
			expect((await send(other.url, { body: raw, headers })).status).toBe(403);
			expect(onHandover).toHaveBeenCalledTimes(1);
		} finally {
			await other.close();
			await otherStore.close();
		}
	});
});

describe('turn listener: refusals', () => {
	it('answers 422 to a body that is not JSON, 400 to an empty one, and starts nothing', async () => {
		const { url } = await start();
		const res = await send(url, { body: 'conversationId=c-1&userMessage=human' });
		expect(res.status).toBe(422);
		expect(res.json.error).toMatch(/not valid JSON/i);
		const empty = await send(url, { body: '' });
		expect(empty.status).toBe(400);
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('answers 400 naming the missing field of a bad payload', async () => {
		const { url } = await start();
		const res = await post(url, { userMessage: 'I want a human' });
		expect(res.status).toBe(400);
		expect(res.json.error).toMatch(/conversationId/);
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('answers 405 with Allow: POST to other methods on the path', async () => {
		const { url } = await start();
		for (const method of ['GET', 'PUT', 'DELETE']) {
			const res = await send(url, { method });
			expect(res.status).toBe(405);
			expect(res.headers.get('allow')).toBe('POST');
			expect(res.json.error).toMatch(/POST each turn to \/handover/);
		}
	});

	it('answers 404 to other paths, and takes the path with a trailing slash or query', async () => {
		const { port, url } = await start();
		const other = await post(`http://${HOST}:${port}/other`, {
			conversationId: 'x',
			userMessage: 'human',
		});
		expect(other.status).toBe(404);
		expect(other.json.error).toMatch(/\/handover/);
		expect((await post(`http://${HOST}:${port}/`, {})).status).toBe(404);
		expect((await post(`http://${HOST}:${port}/handover-x`, {})).status).toBe(404);

		const slash = await post(`${url}/?source=bot`, { conversationId: 'q', userMessage: 'hi' });
		expect(slash.status).toBe(200);
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('answers GET /<path>/health with {ok:true}', async () => {
		const { url } = await start({ path: '/bots/handover/' });
		expect(url).toMatch(/\/bots\/handover$/);
		const health = await send(`${url}/health`, { method: 'GET' });
		expect(health.status).toBe(200);
		expect(health.json).toEqual({ ok: true });
		expect((await send(`${url}/health`, { method: 'POST', body: '{}' })).status).toBe(405);
	});

	it('answers 413 to a body over 1 MiB (declared length), then serves the next turn', async () => {
		const { url } = await start();
		const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
		const res = await send(url, { body: big });
		expect(res.status).toBe(413);
		expect(res.json.error).toMatch(/too large/i);
		const next = await post(url, { conversationId: 'after-big', userMessage: 'hello' });
		expect(next.status).toBe(200);
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('answers 413 to a chunked body that grows past the limit', async () => {
		const { url } = await start({ maxBodyBytes: 1024 });
		const res = await postChunked(url, [Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)]);
		expect(res.status).toBe(413);
		expect(res.json.error).toMatch(/at most 1024 bytes/);
		// Exactly the limit is accepted.
		const body = JSON.stringify({ conversationId: 'limit', userMessage: 'hello' });
		const fits = await postChunked(url, [Buffer.from(body.padEnd(1024, ' '))]);
		expect(fits.status).toBe(200);
	});

	it('answers 500 when the store fails, reports the error, and keeps serving', async () => {
		const failing: HandoverStore = Object.create(store, {
			updateConversation: { value: async () => await Promise.reject(new Error('disk is full')) },
		});
		const { url } = await start({ store: failing });
		const res = await post(url, { conversationId: 'c-500', userMessage: 'Can I talk to a human?' });
		expect(res.status).toBe(500);
		expect(res.json).toEqual({ error: expect.stringMatching(/log/) });
		expect(res.json.error).not.toMatch(/disk is full/);
		expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk is full' }));
		expect(onHandover).not.toHaveBeenCalled();

		const health = await send(`${url}/health`, { method: 'GET' });
		expect(health.status).toBe(200);
	});

	it('reports an error thrown while emitting, after the caller got its answer', async () => {
		onHandover.mockImplementation(() => {
			throw new Error('emit failed');
		});
		const { url } = await start();
		const res = await post(url, {
			conversationId: 'c-emit',
			userMessage: 'Can I talk to a human?',
		});
		expect(res.status).toBe(200);
		expect(res.json.handover).toBe(true);
		expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'emit failed' }));
	});
});

/** A raw connection to the listener, to play a client that is slow or never finishes. */
async function openSocket(port: number): Promise<Socket> {
	return await new Promise((resolve, reject) => {
		const socket = connect({ host: HOST, port }, () => resolve(socket));
		socket.once('error', reject);
	});
}

/** Resolves with what the server sent before it closed the connection, and how long that took. */
async function untilClosed(socket: Socket): Promise<{ data: string; afterMs: number }> {
	const started = Date.now();
	let data = '';
	socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
	socket.on('error', () => undefined);
	return await new Promise((resolve) =>
		socket.once('close', () => resolve({ data, afterMs: Date.now() - started })),
	);
}

describe('turn listener: slow and many clients', () => {
	it('caps connections open at once; a freed one lets the next client in', async () => {
		const { port, url } = await start({ maxConnections: 2 });
		const held = [await openSocket(port), await openSocket(port)];
		try {
			// A third connection is dropped at once instead of waiting on a held one.
			const third = await openSocket(port);
			expect((await untilClosed(third)).data).toBe('');
			await expect(
				post(url, { conversationId: 'over-cap', userMessage: 'hello' }),
			).rejects.toThrow();

			const closed = untilClosed(held[0]);
			held[0].destroy();
			await closed;
			// The server learns of the closed socket a moment later.
			await new Promise((resolve) => setTimeout(resolve, 100));
			const res = await post(url, { conversationId: 'under-cap', userMessage: 'hello' });
			expect(res.status).toBe(200);
		} finally {
			for (const socket of held) socket.destroy();
		}
	});

	it('answers 408 and cuts a client that never finishes its headers', async () => {
		const { port } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
		const socket = await openSocket(port);
		socket.write('POST /handover HTTP/1.1\r\nHost: localhost\r\n');
		const { data, afterMs } = await untilClosed(socket);
		expect(data).toMatch(/^HTTP\/1\.1 408/);
		// Checked every second: far from the 30 s Node would otherwise take to notice.
		expect(afterMs).toBeLessThan(2_500);
	});

	it('cuts a client that sends its body too slowly', async () => {
		const { port } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
		const socket = await openSocket(port);
		socket.write(
			'POST /handover HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"conv',
		);
		const drip = setInterval(() => socket.write(' '), 100);
		try {
			const { afterMs } = await untilClosed(socket);
			expect(afterMs).toBeLessThan(3_000);
		} finally {
			clearInterval(drip);
		}
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('defaults to a connection cap and timeouts that hold no socket for long', () => {
		expect(MAX_CONNECTIONS).toBeGreaterThanOrEqual(64);
		expect(MAX_CONNECTIONS).toBeLessThanOrEqual(1024);
		expect(HEADERS_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
		expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
	});
});

describe('turn listener: closing', () => {
	/** A store whose conversation updates wait until `release` is called, to close mid-turn. */
	function heldStore() {
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let entered!: () => void;
		const inside = new Promise<void>((resolve) => (entered = resolve));
		const held: HandoverStore = Object.create(store, {
			updateConversation: {
				value: async (...args: Parameters<HandoverStore['updateConversation']>) => {
					entered();
					await released;
					return await store.updateConversation(...args);
				},
			},
		});
		return { held, inside, release };
	}

	it('drops a handover detected after close began: 503, and no execution starts', async () => {
		const { held, inside, release } = heldStore();
		const { url } = await start({ store: held });
		const answer = post(url, {
			conversationId: 'c-closing',
			userMessage: 'Can I talk to a human?',
		});
		await inside;
		const closed = listener!.close();
		release();
		const res = await answer;
		expect(res.status).toBe(503);
		expect(res.json.error).toMatch(/send the turn again once the workflow is active/);
		expect(res.headers.get('retry-after')).toBe('5');
		await closed;
		listener = undefined;
		expect(onHandover).not.toHaveBeenCalled();
	});

	it('still answers a turn without handover that was in flight when close began', async () => {
		const { held, inside, release } = heldStore();
		const { url } = await start({ store: held });
		const answer = post(url, { conversationId: 'c-quiet', userMessage: 'What are your hours?' });
		await inside;
		const closed = listener!.close();
		release();
		const res = await answer;
		expect(res.status).toBe(200);
		expect(res.json.handover).toBe(false);
		// Its connection closes with the answer: close() does not wait for the grace period.
		const started = Date.now();
		await closed;
		expect(Date.now() - started).toBeLessThan(1_000);
		listener = undefined;
	});
});

describe('turn listener: port', () => {
	it('rejects with EADDRINUSE when the port is taken', async () => {
		const { port } = await start();
		await expect(
			startTurnListener({
				host: HOST,
				port,
				path: 'handover',
				settings: settings(),
				store,
				onHandover,
				onError,
			}),
		).rejects.toMatchObject({ code: 'EADDRINUSE' });
	});

	it('close frees the port at once, even with an idle keep-alive connection open', async () => {
		const first = await start();
		const agent = new Agent({ keepAlive: true });
		try {
			await new Promise<void>((resolve, reject) => {
				const req = request(first.url, { method: 'POST', agent }, (res) => {
					res.resume();
					res.on('end', resolve);
				});
				req.on('error', reject);
				req.end(JSON.stringify({ conversationId: 'idle', userMessage: 'hello' }));
			});
			const started = Date.now();
			await first.close();
			await first.close(); // a second close is harmless
			expect(Date.now() - started).toBeLessThan(1500);
			listener = undefined;
			expect(await portIsFree(first.port)).toBe(true);
			await expect(fetch(first.url, { method: 'POST', body: '{}' })).rejects.toThrow();

			// The same port can be bound again, as a reactivated workflow does.
			const again = await start({ port: first.port });
			expect(
				(await post(again.url, { conversationId: 'again', userMessage: 'hello' })).status,
			).toBe(200);
		} finally {
			agent.destroy();
		}
	});

	it('builds the route from the Path parameter', () => {
		expect(routeOf('handover')).toBe('/handover');
		expect(routeOf(' /a/b/ ')).toBe('/a/b');
		expect(routeOf('')).toBe('/');
	});
});
