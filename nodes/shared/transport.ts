import {
	NodeApiError,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import type { ApiRequest, ApiSend } from '../platforms/apiRequest';

export type { ApiRequest, ApiSend };

export interface RetryPolicy {
	/** Retries after the first attempt. */
	retries: number;
	/** First back-off; doubles each retry (each wait is jittered to between half of it and all of it). */
	baseDelayMs: number;
	/** No single wait is longer, whatever Retry-After says. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What a refused call means to the user, when the platform wording below does not fit. */
export interface FailureExplanation {
	message: string;
	description?: string;
	/** The error body kept on the NodeApiError; the response body when not given. */
	errorBody?: JsonObject;
}

export interface TransportSettings {
	/** Shown in errors: "HighLevel says …". */
	platformName: string;
	/**
	 * n8n credential type that authenticates every call. None for addresses that carry their own
	 * secret, such as the incoming webhooks Notify posts to.
	 */
	credentialType?: string;
	baseUrl: string;
	/** Where to fix a 401/403, e.g. "the Private Integration token in the HighLevel credential". */
	credentialHint: string;
	/** Says what a refused call (after retries) means, in place of the platform wording. */
	explainFailure?: (status: number, body: unknown) => FailureExplanation;
	/** The error when nothing answers at the address; says to check the base URL by default. */
	unreachableMessage?: string;
	retry?: RetryPolicy;
	/** Waits between retries; tests pass a recorder. */
	sleep?: (ms: number) => Promise<void>;
	/** A number in [0, 1) that places each back-off within its jitter range; tests pass a constant. */
	random?: () => number;
	itemIndex?: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** An answered call: its HTTP status and body. */
export interface ApiResponse {
	status: number;
	body: unknown;
}

/** Sends one call and gives its status too (Notify reports the webhook's status). */
export type ApiCall = (request: ApiRequest) => Promise<ApiResponse>;

const sleepFor = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function headerValue(headers: FullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Exponential back-off with equal jitter: between half and all of `baseDelayMs * 2^attempt`, at
 * most `maxDelayMs`. The jitter spreads the retries of executions that failed together (a platform
 * outage, a burst over a rate limit), so they do not all come back at the same instant; the half
 * that is kept still gives the platform time to recover.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
	const full = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
	const drawn = random();
	const share = Number.isFinite(drawn) ? Math.min(Math.max(drawn, 0), 1) : 1;
	return Math.round(full / 2 + (full / 2) * share);
}

/**
 * How long to wait before retrying a 429 or 5xx: `Retry-After` (seconds or an HTTP date) when
 * given; for a HighLevel 429 without it, the rate-limit interval; else jittered exponential
 * back-off. What the platform asks for is waited as asked: it already says when to come back.
 */
export function retryDelayMs(
	response: Pick<FullResponse, 'headers'> | undefined,
	attempt: number,
	policy: RetryPolicy,
	now = Date.now(),
	random: () => number = Math.random,
): number {
	const backoff = backoffMs(attempt, policy, random);
	let wait = backoff;
	const retryAfter = response && headerValue(response.headers, 'retry-after');
	if (retryAfter !== undefined) {
		const seconds = Number(retryAfter);
		wait = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
	} else if (response && headerValue(response.headers, 'x-ratelimit-remaining') === '0') {
		const interval = Number(headerValue(response.headers, 'x-ratelimit-interval-milliseconds'));
		if (Number.isFinite(interval) && interval > 0) wait = interval;
	}
	if (!Number.isFinite(wait) || wait < 0) wait = backoff;
	// Back-off is capped; a longer Retry-After is returned as is so the caller can give up.
	return retryAfter !== undefined ? wait : Math.min(wait, policy.maxDelayMs);
}

/**
 * 429 and 503 mean the request was not processed: safe to send again. Other 5xx may come after the
 * platform acted (a proxy timing out a created message), so only idempotent calls retry them.
 */
function isRetryable(status: number, request: ApiRequest): boolean {
	if (status === 429 || status === 503) return true;
	return status >= 500 && isIdempotent(request);
}

function platformMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.slice(0, 300) || undefined;
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		const message = record.message ?? record.error ?? record.errors;
		if (Array.isArray(message)) return message.map(String).join('; ');
		if (typeof message === 'string') return message;
		if (message && typeof message === 'object') return JSON.stringify(message);
	}
	return undefined;
}

function explain(
	status: number,
	request: ApiRequest,
	settings: TransportSettings,
	body: unknown,
): string {
	const says = platformMessage(body);
	const detail = says ? ` (${settings.platformName}: ${says})` : '';
	const name = settings.platformName;
	if (status === 401)
		return `${name} rejected the credentials: check ${settings.credentialHint}${detail}`;
	if (status === 403) {
		return `${name} refused access to ${request.method} ${request.path}: the token lacks a scope or permission${detail}`;
	}
	if (status === 404) {
		return `${name} says ${request.notFound ?? `${request.path} does not exist`}${detail}`;
	}
	if (status === 400 || status === 422) return `${name} refused the request as invalid${detail}`;
	if (status === 429)
		return `${name} rate limit still exceeded after retries: try again later${detail}`;
	if (status >= 500)
		return `${name} had a server error (${status}) and retries did not help${detail}`;
	return `${name} answered ${status} to ${request.method} ${request.path}${detail}`;
}

function isIdempotent(request: ApiRequest): boolean {
	return request.idempotent ?? request.method !== 'POST';
}

/**
 * The one transport of the package (STYLE.md #3): every outgoing call goes through n8n's
 * `httpRequestWithAuthentication` with the credential (plain `httpRequest` for an address without
 * one), is retried with back-off on 429/5xx (honouring Retry-After and HighLevel's rate-limit
 * headers), retries network errors only when the call is idempotent, and fails as a NodeApiError
 * that says what to fix.
 */
export function createTransport(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	settings: TransportSettings,
): ApiSend {
	const call = createApiCall(context, settings);
	return async <T>(request: ApiRequest): Promise<T> => (await call(request)).body as T;
}

/** The transport's calls with their HTTP status (see createTransport). */
export function createApiCall(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	settings: TransportSettings,
): ApiCall {
	const policy = settings.retry ?? DEFAULT_RETRY;
	const sleep = settings.sleep ?? sleepFor;
	const random = settings.random ?? Math.random;
	const node = context.getNode();

	const send = async (options: IHttpRequestOptions) =>
		(settings.credentialType === undefined
			? await context.helpers.httpRequest(options)
			: await context.helpers.httpRequestWithAuthentication.call(
					context,
					settings.credentialType,
					options,
				)) as FullResponse;

	return async (request: ApiRequest): Promise<ApiResponse> => {
		const options: IHttpRequestOptions = {
			method: request.method,
			// An empty path is the base URL as given (an incoming webhook's address).
			url:
				request.path === ''
					? settings.baseUrl
					: `${settings.baseUrl.replace(/\/+$/, '')}${request.path}`,
			headers: { Accept: 'application/json', ...request.headers },
			qs: request.qs,
			body: request.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30_000,
		};
		for (let attempt = 0; ; attempt++) {
			let response: FullResponse;
			try {
				response = await send(options);
			} catch (error) {
				// HTTP statuses come back as responses (ignoreHttpStatusErrors), so what is thrown here
				// is the network: refused, reset, timed out. n8n wraps it in a NodeApiError already.
				if (isIdempotent(request) && attempt < policy.retries) {
					await sleep(retryDelayMs(undefined, attempt, policy, Date.now(), random));
					continue;
				}
				const cause = (error instanceof NodeApiError ? (error.cause ?? error) : error) as Error;
				// Only the text: with an error `code` n8n would replace our message with its stock one.
				throw new NodeApiError(node, { message: cause.message } as JsonObject, {
					message:
						settings.unreachableMessage ??
						`Could not reach ${settings.platformName} at ${settings.baseUrl}: check the base URL and the network`,
					description: cause.message,
					itemIndex: settings.itemIndex,
				});
			}
			const status = response.statusCode;
			if (status < 400) return { status, body: response.body };
			if (isRetryable(status, request) && attempt < policy.retries) {
				const wait = retryDelayMs(response, attempt, policy, Date.now(), random);
				// A platform asking for a longer pause than we may wait gets an error now, not a
				// retry that is sure to be refused again.
				if (wait <= policy.maxDelayMs) {
					await sleep(wait);
					continue;
				}
			}
			const explained = settings.explainFailure?.(status, response.body);
			throw new NodeApiError(node, explained?.errorBody ?? ((response.body ?? {}) as JsonObject), {
				message: explained?.message ?? explain(status, request, settings, response.body),
				...(explained?.description !== undefined && { description: explained.description }),
				httpCode: String(status),
				itemIndex: settings.itemIndex,
			});
		}
	};
}
