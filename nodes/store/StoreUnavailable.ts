/**
 * The error every store throws when it cannot answer within its deadline: the SQLite file stays
 * locked by another process, Redis is down, paused or too slow, or too many updates already wait
 * for it. Nothing was written. The doors answer it with 503 and `Retry-After`, so a platform sends the
 * turn again instead of the n8n process waiting (and holding the caller) for a store that is not there.
 * No n8n import: the nodes turn it into their own errors.
 */

/** What an HTTP caller is told. No file path or host: those are for the n8n log only. */
export const STORE_UNAVAILABLE_ANSWER =
	'The Handover Detector could not reach its state store in time: send the turn again in a few seconds';

/** Seconds a caller should wait before sending again: longer than a store's deadline. */
const RETRY_AFTER_SECONDS = 5;

export class StoreUnavailable extends Error {
	/** The HTTP status the doors answer with. */
	readonly httpStatus = 503;
	/** For the `Retry-After` header. */
	readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
	/** The body for an HTTP caller, without the details of `message`. */
	readonly answer = { error: STORE_UNAVAILABLE_ANSWER };

	/** `message` says what is wrong and what to do about it, for whoever reads the n8n log. */
	constructor(message: string, options: { cause?: unknown } = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'StoreUnavailable';
	}
}

/**
 * True for a StoreUnavailable. Checks the name as well as the class: a store loaded from another copy
 * of this module (a test's own module registry, a compiled copy) throws an error of another class.
 */
export function isStoreUnavailable(error: unknown): error is StoreUnavailable {
	return (
		error instanceof StoreUnavailable ||
		(error instanceof Error &&
			error.name === 'StoreUnavailable' &&
			(error as Partial<StoreUnavailable>).httpStatus === 503)
	);
}
