import { mockDeep, type DeepMockProxy } from 'jest-mock-extended';
import {
	NodeApiError,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type JsonObject,
} from 'n8n-workflow';

import { ChatwootApi } from '../../credentials/ChatwootApi.credentials';
import { HighLevelPrivateIntegrationApi } from '../../credentials/HighLevelPrivateIntegrationApi.credentials';

/** The package's credential types, read for their `authenticate` rules as n8n reads them. */
const CREDENTIAL_TYPES: Record<string, ICredentialType> = Object.fromEntries(
	[new HighLevelPrivateIntegrationApi(), new ChatwootApi()].map((type) => [type.name, type]),
);

export interface TransportContextOptions {
	/**
	 * Decrypted credential data per credential type, e.g.
	 * `{ highLevelPrivateIntegrationApi: { accessToken: 't', locationId: 'l', baseUrl } }`.
	 */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	node?: Partial<INode>;
	/**
	 * How a network failure (refused, reset, timed out) reaches the caller. `wrapped` (default) is
	 * what n8n does: `httpRequestWithAuthentication` catches every error and throws
	 * `new NodeApiError(node, error)`. `raw` throws the underlying error instead, to exercise code
	 * written as if n8n did not wrap it.
	 */
	networkErrors?: 'wrapped' | 'raw';
}

export interface FullHttpResponse {
	statusCode: number;
	statusMessage: string;
	/** Lower-case names, as axios (and so n8n) gives them. */
	headers: Record<string, string>;
	body: unknown;
}

/**
 * An `IExecuteFunctions` whose `helpers.httpRequestWithAuthentication` performs a real HTTP request,
 * close enough to n8n's own helper for HTTP-level tests against the contract fakes: the credential
 * type's `authenticate` rule adds the auth (so the test also proves the credential's rule), `qs` is
 * appended, an object body is sent as JSON, `returnFullResponse` gives `{statusCode, headers, body}`,
 * `ignoreHttpStatusErrors` decides whether a 4xx/5xx throws, and every thrown error is a
 * NodeApiError as in n8n. `helpers.httpRequest` does the same without credentials.
 */
export function transportContext(
	options: TransportContextOptions,
): DeepMockProxy<IExecuteFunctions> {
	const context = mockDeep<IExecuteFunctions>();
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: 'n8n-nodes-human-handover.test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...options.node,
	};
	const wrapNetworkErrors = (options.networkErrors ?? 'wrapped') === 'wrapped';
	const credentialsOf = (credentialType: string): ICredentialDataDecryptedObject => {
		const data = options.credentials[credentialType];
		if (!data) throw new Error(`transportContext: no credentials given for "${credentialType}"`);
		return data;
	};

	context.getNode.mockReturnValue(node);
	context.continueOnFail.mockReturnValue(false);
	(context.getCredentials as jest.Mock).mockImplementation(async (credentialType: string) =>
		credentialsOf(credentialType),
	);
	context.helpers.httpRequestWithAuthentication.mockImplementation(
		async (credentialType: string, requestOptions: IHttpRequestOptions) => {
			try {
				const authenticated = authenticate(
					credentialType,
					credentialsOf(credentialType),
					requestOptions,
				);
				return await performRequest(authenticated);
			} catch (error) {
				// n8n: `throw new NodeApiError(this.getNode(), error)` around everything it catches.
				const isNetworkError = !(error as { response?: unknown }).response;
				if (isNetworkError && !wrapNetworkErrors) throw error;
				throw new NodeApiError(node, error as JsonObject);
			}
		},
	);
	context.helpers.httpRequest.mockImplementation(
		async (requestOptions: IHttpRequestOptions) => await performRequest(requestOptions),
	);
	return context;
}

/** Applies the credential type's generic `authenticate` rule, like n8n's credentials helper. */
function authenticate(
	credentialType: string,
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	if (credentialType === 'highLevelOAuth2Api') {
		// n8n's OAuth2 credentials send the token they were granted as a bearer token.
		const token = (credentials.oauthTokenData as IDataObject | undefined)?.access_token;
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(token)}` },
		};
	}
	const type = CREDENTIAL_TYPES[credentialType];
	if (!type) throw new Error(`transportContext: unknown credential type "${credentialType}"`);
	const rule = type.authenticate;
	if (!rule || typeof rule === 'function') {
		throw new Error(`transportContext: ${credentialType} has no generic authenticate rule`);
	}
	const resolve = (values: IDataObject | undefined) =>
		Object.fromEntries(
			Object.entries(values ?? {}).map(([name, value]) => [
				name,
				typeof value === 'string' ? resolveExpression(value, credentials) : value,
			]),
		);
	return {
		...requestOptions,
		headers: { ...requestOptions.headers, ...resolve(rule.properties.headers) },
		qs: { ...requestOptions.qs, ...resolve(rule.properties.qs) },
	};
}

/**
 * Resolves `={{ … }}` templates over `$credentials`. Enough of n8n's expression language for
 * credential rules, which only read credential fields (and may call string methods on them).
 */
function resolveExpression(value: string, credentials: ICredentialDataDecryptedObject): string {
	if (!value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{(.+?)\}\}/g, (_match, expression: string) => {
		const evaluate = new Function('$credentials', `return (${expression});`) as (
			credentials: ICredentialDataDecryptedObject,
		) => unknown;
		return String(evaluate(credentials));
	});
}

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);

async function performRequest(options: IHttpRequestOptions): Promise<unknown> {
	const method = options.method ?? 'GET';
	const url = new URL(options.url, options.baseURL);
	for (const [name, value] of Object.entries(options.qs ?? {})) {
		if (value === undefined || value === null) continue;
		for (const item of Array.isArray(value) ? value : [value]) {
			url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
		}
	}
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) {
		if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
	}
	headers.accept ??= 'application/json, text/plain, */*';
	let body: string | undefined;
	if (options.body !== undefined && !METHODS_WITHOUT_BODY.has(method)) {
		if (typeof options.body === 'string') {
			body = options.body;
		} else {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}

	let response: Response;
	try {
		response = await fetch(url, {
			method,
			headers,
			body,
			redirect: options.disableFollowRedirect ? 'manual' : 'follow',
			signal: options.timeout ? AbortSignal.timeout(options.timeout) : undefined,
		});
	} catch (error) {
		throw asAxiosNetworkError(error as Error, url);
	}

	const text = await response.text();
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, name) => (responseHeaders[name.toLowerCase()] = value));
	const parsedBody = parseBody(
		text,
		options.json === true || /json/i.test(responseHeaders['content-type'] ?? ''),
	);

	const ignoreStatus = options.ignoreHttpStatusErrors;
	const statusIgnored =
		ignoreStatus === true ||
		(typeof ignoreStatus === 'object' && !ignoreStatus.except.includes(response.status));
	if (response.status >= 400 && !statusIgnored) {
		// What axios throws; n8n's helper then wraps it in a NodeApiError (done by the caller).
		const error = Object.assign(new Error(`Request failed with status code ${response.status}`), {
			isAxiosError: true,
			status: response.status,
			response: { status: response.status, headers: responseHeaders, data: parsedBody },
		});
		throw error;
	}
	if (options.returnFullResponse) {
		const full: FullHttpResponse = {
			statusCode: response.status,
			statusMessage: response.statusText,
			headers: responseHeaders,
			body: parsedBody,
		};
		return full;
	}
	return parsedBody;
}

function parseBody(text: string, asJson: boolean): unknown {
	if (!asJson || text === '') return text;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** fetch's failure, reshaped as the axios error n8n sees (message and `code`). */
function asAxiosNetworkError(error: Error, url: URL): Error {
	const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
	const rawCode = cause?.code ?? (error.name === 'TimeoutError' ? 'ECONNABORTED' : undefined);
	const code = rawCode === 'UND_ERR_SOCKET' ? 'ECONNRESET' : rawCode;
	const message =
		code === 'ECONNRESET'
			? 'socket hang up'
			: code === 'ECONNREFUSED'
				? `connect ECONNREFUSED ${url.host}`
				: (cause?.message ?? error.message);
	return Object.assign(new Error(message), { code, cause: error });
}
