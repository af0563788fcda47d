import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a contract fake received it. */
export interface RecordedRequest {
	method: string;
	/** Path without the query string, as sent (still percent-encoded). */
	path: string;
	query: Record<string, string>;
	/** Header names in lower case, as Node gives them. */
	headers: Record<string, string>;
	/** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
	body: unknown;
	rawBody: string;
}

export interface FakeResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** A body sent as it is instead of `body` as JSON (e.g. server-sent events); set its content type. */
	raw?: string;
}

interface InjectedFailure {
	pathPattern: RegExp;
	remaining: number;
	/** A status to answer with, or `drop` to close the socket without any answer. */
	outcome: { status: number; headers: Record<string, string>; body: unknown } | 'drop';
}

/**
 * A tiny real HTTP server on 127.0.0.1 for contract fakes: it records every request, lets a test
 * inject failures (a status a number of times, or a dropped connection), and hands the rest to the
 * platform's `handle`. Platform fakes extend it; the shared part stays free of any platform's rules.
 */
export abstract class FakeServer {
	readonly requests: RecordedRequest[] = [];

	private server: Server | undefined;

	private url: string | undefined;

	private readonly failures: InjectedFailure[] = [];

	/** Answers one request that no injected failure caught. */
	protected abstract handle(request: RecordedRequest): FakeResponse | Promise<FakeResponse>;

	/** Last touch on every answer, injected failures included (e.g. rate-limit headers). */
	protected decorate(_request: RecordedRequest, response: FakeResponse): FakeResponse {
		return response;
	}

	/** Starts listening on a free port and returns the base URL, e.g. `http://127.0.0.1:41234`. */
	async start(): Promise<string> {
		if (this.url) return this.url;
		const server = createServer((req, res) => void this.answer(req, res));
		await new Promise<void>((listening, failed) => {
			server.once('error', failed);
			server.listen(0, '127.0.0.1', () => listening());
		});
		const { port } = server.address() as AddressInfo;
		this.server = server;
		this.url = `http://127.0.0.1:${port}`;
		return this.url;
	}

	get baseUrl(): string {
		if (!this.url) throw new Error('the fake server is not started: await fake.start() first');
		return this.url;
	}

	/** Stops listening and closes kept-alive connections, so jest can exit. */
	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.url = undefined;
		await new Promise<void>((closed) => {
			server.close(() => closed());
			server.closeAllConnections();
		});
	}

	/** Requests whose method matches and whose path matches `pathPattern`. */
	callsTo(method: string, pathPattern: RegExp): RecordedRequest[] {
		return this.requests.filter(
			(request) => request.method === method.toUpperCase() && pathPattern.test(request.path),
		);
	}

	/** The next `count` requests to a path matching `pathPattern` get `status` (after being recorded). */
	failNext(
		pathPattern: RegExp,
		status: number,
		count = 1,
		headers: Record<string, string> = {},
		body: unknown = { statusCode: status, message: `injected failure ${status}` },
	): void {
		this.failures.push({ pathPattern, remaining: count, outcome: { status, headers, body } });
	}

	/**
	 * The next `count` requests to a matching path are read and recorded, then the socket is closed
	 * without an answer: the client sees a network error although the server got the request, which
	 * is exactly why a POST must not be retried.
	 */
	dropNext(pathPattern: RegExp, count = 1): void {
		this.failures.push({ pathPattern, remaining: count, outcome: 'drop' });
	}

	private takeFailure(path: string): InjectedFailure['outcome'] | undefined {
		const failure = this.failures.find((f) => f.remaining > 0 && f.pathPattern.test(path));
		if (!failure) return undefined;
		failure.remaining--;
		return failure.outcome;
	}

	private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
		let request: RecordedRequest;
		let response: FakeResponse;
		try {
			request = await readRequest(req);
			this.requests.push(request);
			const failure = this.takeFailure(request.path);
			if (failure === 'drop') {
				req.socket.destroy();
				return;
			}
			response = failure ?? (await this.handle(request));
			response = this.decorate(request, response);
		} catch (error) {
			// A bug in a fake must show up as a loud 500, not as a hanging test.
			response = {
				status: 500,
				body: { statusCode: 500, message: `fake failed: ${String(error)}` },
			};
		}
		// The client gave up waiting (a fake that answers late): nobody is left to answer.
		if (res.destroyed) return;
		if (response.raw !== undefined) {
			res.writeHead(response.status, response.headers);
			res.end(response.raw);
			return;
		}
		const text = response.body === undefined ? '' : JSON.stringify(response.body);
		res.writeHead(response.status, {
			...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
			...response.headers,
		});
		res.end(text);
	}
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const rawBody = Buffer.concat(chunks).toString('utf8');
	const url = new URL(req.url ?? '/', 'http://fake.invalid');
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	let body: unknown = undefined;
	if (rawBody) {
		try {
			body = JSON.parse(rawBody);
		} catch {
			body = rawBody;
		}
	}
	return {
		method: (req.method ?? 'GET').toUpperCase(),
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers,
		body,
		rawBody,
	};
}
