/**
 * The dedicated HTTP listener of the Handover Detector (Dedicated Port) Trigger: answers each turn
 * on a port of its own, so a turn that does not hand over never enters n8n's webhook pipeline.
 * Plain Node (node:http) and the shared turn handler; no n8n import.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MAX_BODY_BYTES, payloadTooLarge, typeRefusal } from '../detector/inputContract';
import { handleTurn, type TurnSettings } from '../detector/turnHandler';
import type { HandoverEvent } from '../event/handoverEvent';
import type { HandoverStore } from '../store/HandoverStore';

/** Largest turn body accepted, as on the n8n webhook; larger ones are answered 413. */
export { MAX_BODY_BYTES };
/** Past this many bytes of an already refused body the connection is cut instead of drained. */
const MAX_DRAINED_BYTES = 16 * MAX_BODY_BYTES;
/** Longer than the 60 s idle timeout of common load balancers, so they never reuse a closed socket. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/**
 * Connections open at once; further ones are dropped. Each holds a socket and memory inside the n8n
 * process, so a flood must not be able to take them all. A reverse proxy or a bot reuses a few.
 */
export const MAX_CONNECTIONS = 256;
/** A client that has not sent its headers, or its whole request, by then is answered 408 and cut. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node checks those two timeouts; its default (30 s) would let a slow client stay that much longer. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/** On close, requests still in flight get this long before their connections are cut. */
const CLOSE_GRACE_MS = 2_000;

export interface TurnListenerOptions {
	/** Address to bind: 127.0.0.1 behind a reverse proxy on this host, 0.0.0.0 for every interface. */
	host: string;
	/** TCP port; 0 picks a free one (tests). */
	port: number;
	/** URL path of the turns, with or without slashes around it: turns are POSTed to /<path>. */
	path: string;
	settings: TurnSettings;
	store: HandoverStore;
	/** Called for each handover, after the caller has been answered. */
	onHandover: (event: HandoverEvent) => void;
	/** Called with whatever failed inside a request (the caller got a 500) or in the server. */
	onError: (error: unknown) => void;
	maxBodyBytes?: number;
	/** Overrides MAX_CONNECTIONS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS (tests). */
	maxConnections?: number;
	headersTimeoutMs?: number;
	requestTimeoutMs?: number;
}

export interface TurnListener {
	/** The bound port (the chosen one when `port` was 0). */
	readonly port: number;
	/** Where turns are POSTed, e.g. http://127.0.0.1:5679/handover. */
	readonly url: string;
	/** Stops accepting, lets requests in flight finish (cut after a short grace), resolves when closed. */
	close(): Promise<void>;
}

/** `/<path>` without a trailing slash; `/` for an empty path. */
export function routeOf(path: string): string {
	return `/${path.trim().replace(/^\/+|\/+$/g, '')}`;
}

/** The request's path without query string or trailing slash, percent-decoded; undefined if malformed. */
function requestPath(url: string | undefined): string | undefined {
	const raw = (url ?? '/').split(/[?#]/, 1)[0];
	let decoded: string;
	try {
		decoded = decodeURIComponent(raw);
	} catch {
		return undefined;
	}
	return decoded.length > 1 ? decoded.replace(/\/+$/, '') : decoded;
}

function send(
	res: ServerResponse,
	status: number,
	answer: unknown,
	headers: Record<string, string> = {},
): void {
	const body = JSON.stringify(answer);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(body),
		...headers,
	});
	res.end(body);
}

type BodyRead = { kind: 'body'; raw: Buffer } | { kind: 'tooLarge' } | { kind: 'aborted' };

/** Discards the rest of a refused body so the connection stays usable; cuts it if it goes on and on. */
function drain(req: IncomingMessage, alreadyRead: number): void {
	let drained = alreadyRead;
	req.on('data', (chunk: Buffer) => {
		drained += chunk.length;
		if (drained > MAX_DRAINED_BYTES) req.destroy();
	});
	req.resume();
}

/** The body, at most `limit` bytes; a longer one is refused without keeping it in memory. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit) {
		req.on('error', () => undefined);
		drain(req, 0);
		return Promise.resolve({ kind: 'tooLarge' });
	}
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size <= limit) {
				chunks.push(chunk);
				return;
			}
			req.off('data', onData);
			chunks.length = 0;
			drain(req, size);
			resolve({ kind: 'tooLarge' });
		};
		req.on('data', onData);
		req.once('end', () => resolve({ kind: 'body', raw: Buffer.concat(chunks, size) }));
		// The caller went away mid-body: nobody is left to answer.
		req.once('error', () => resolve({ kind: 'aborted' }));
	});
}

/** Set once close() is called: from then on no turn may start an execution. */
interface ListenerState {
	closing: boolean;
}

/** The answer while (and after) the listener closes: the caller should send the turn again later. */
function sendClosing(res: ServerResponse): void {
	send(
		res,
		503,
		{
			error:
				'The Handover Detector is stopping (workflow deactivated): send the turn again once the workflow is active',
		},
		{ connection: 'close', 'retry-after': '5' },
	);
}

function requestHandler(options: TurnListenerOptions, state: ListenerState) {
	const route = routeOf(options.path);
	const healthRoute = route === '/' ? '/health' : `${route}/health`;
	const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;

	async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (state.closing) {
			req.resume();
			sendClosing(res);
			return;
		}
		const path = requestPath(req.url);
		if (path === healthRoute) {
			if (req.method === 'GET' || req.method === 'HEAD') send(res, 200, { ok: true });
			else
				send(
					res,
					405,
					{ error: 'Method not allowed: GET the health check' },
					{ allow: 'GET, HEAD' },
				);
			return;
		}
		if (path !== route) {
			send(res, 404, { error: `Not found: POST each turn to ${route}` });
			return;
		}
		if (req.method !== 'POST') {
			send(
				res,
				405,
				{ error: `Method not allowed: POST each turn to ${route}` },
				{ allow: 'POST' },
			);
			return;
		}
		// A body that would be refused whatever it holds is not read (inputContract.ts).
		const wrongType = typeRefusal(req.headers);
		if (wrongType !== undefined) {
			req.on('error', () => undefined);
			drain(req, 0);
			send(res, wrongType.status, { error: wrongType.error });
			return;
		}
		const body = await readBody(req, limit);
		if (body.kind === 'aborted') return;
		if (body.kind === 'tooLarge') {
			const tooLarge = payloadTooLarge(limit);
			send(res, tooLarge.status, { error: tooLarge.error });
			return;
		}
		const outcome = await handleTurn(options.settings, options.store, {
			headers: req.headers,
			rawBody: body.raw,
		});
		// Closed while the turn was detected: the workflow is no longer active, so the handover must
		// not start an execution (n8n could still run the deactivated version). The caller retries.
		if (state.closing && outcome.event !== undefined) {
			sendClosing(res);
			return;
		}
		// A keep-alive connection would hold close() up until the grace period cuts it.
		if (state.closing) res.setHeader('connection', 'close');
		if (outcome.logMessage) options.onError(new Error(outcome.logMessage));
		send(res, outcome.status, outcome.answer, outcome.headers);
		if (outcome.event !== undefined) options.onHandover(outcome.event);
	}

	return (req: IncomingMessage, res: ServerResponse) => {
		serve(req, res).catch((error: unknown) => {
			options.onError(error);
			if (!res.headersSent) {
				send(res, 500, { error: 'The turn could not be handled; the n8n log has the details' });
			} else if (!res.writableEnded) {
				res.destroy();
			}
		});
	};
}

async function listen(server: Server, host: string, port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const onError = (error: Error) => {
			server.off('listening', onListening);
			reject(error);
		};
		const onListening = () => {
			server.off('error', onError);
			resolve();
		};
		server.once('error', onError);
		server.once('listening', onListening);
		server.listen({ host, port, exclusive: true });
	});
}

/**
 * Binds `host:port` and answers turns POSTed to `/<path>` (and `GET /<path>/health`). Rejects with
 * the bind error (e.g. `code: 'EADDRINUSE'`) when the port cannot be had.
 */
export async function startTurnListener(options: TurnListenerOptions): Promise<TurnListener> {
	const state: ListenerState = { closing: false };
	const server = createServer(
		{
			keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
			headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
			requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
			connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
		},
		requestHandler(options, state),
	);
	server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
	await listen(server, options.host, options.port);
	server.on('error', options.onError);

	const { port } = server.address() as AddressInfo;
	const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
	let closing: Promise<void> | undefined;
	return {
		port,
		url: `http://${shownHost}:${port}${routeOf(options.path)}`,
		close() {
			state.closing = true;
			closing ??= new Promise<void>((resolve, reject) => {
				const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
				cut.unref();
				server.close((error) => {
					clearTimeout(cut);
					if (error) reject(error);
					else resolve();
				});
				// Idle keep-alive connections would otherwise hold the port for KEEP_ALIVE_TIMEOUT_MS.
				server.closeIdleConnections();
			});
			return closing;
		},
	};
}
