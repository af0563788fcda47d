/**
 * How a platform client describes its calls, and the function that sends them. The clients know
 * only this; the package transport (shared/transport.ts) implements it over n8n. Types only.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

/** One call of a platform API, as a client describes it. */
export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path under the credential's base URL, e.g. `/contacts/abc/tags`; '' for the base URL itself. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	headers?: Record<string, string>;
	/**
	 * Safe to send twice. Network errors are retried only then: a retried POST could send the
	 * contact the same message twice. GET, PUT and DELETE are idempotent unless said otherwise.
	 */
	idempotent?: boolean;
	/** What a 404 means to the user, e.g. "the contact does not exist: check Contact ID". */
	notFound?: string;
}

/** Sends requests of one platform; clients get one and know nothing else of n8n. */
export type ApiSend = <T = unknown>(request: ApiRequest) => Promise<T>;
