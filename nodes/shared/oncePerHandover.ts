/**
 * Actions that must happen once per handover, however often n8n retries the node or a user re-runs
 * the execution: the first run claims the handover's key in the state store and settles it with its
 * result; every later run gets that result back instead of acting again.
 */
import { NodeApiError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { HandoverStore } from '../store/HandoverStore';

/** How long a handover's result answers re-runs: longer than any retry or re-run of it. */
export const ONCE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** How long a run may hold the claim before it settles; a crashed run frees the key after it. */
const WORKING_TTL_MS = 2 * 60 * 1000;

/** How long a run that finds the work under way waits for its result. */
const WAIT_FOR_OTHER_MS = 10_000;
const POLL_MS = 200;

/**
 * The handover's key for one action node: one per handover and node, so a retried node or workflow
 * finds it taken while two different nodes of one flow each act. An item that is not a
 * HandoverEvent falls back to the execution and item, which still covers a node retry.
 */
export function handoverActionKey(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	action: string,
): string {
	const handoverId = typeof item.handoverId === 'string' ? item.handoverId.trim() : '';
	const scope = handoverId || `${context.getExecutionId()}:${itemIndex}`;
	return `${action}:${scope}:${context.getNode().name}`;
}

/**
 * True when the platform surely did not act: it refused (4xx), was rate-limited (429) or
 * unavailable (503), or the call never started. A dropped connection or another 5xx may come after
 * the platform acted, and acting again would do it twice.
 */
export function surelyNotDone(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return true;
	const status = Number(error.httpCode);
	if (!Number.isFinite(status) || status === 0) return false;
	return status < 500 || status === 503;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export interface OnceOptions {
	/** Whether a failed run leaves the key free for the next one (default: surelyNotDone). */
	mayRetry?: (error: unknown) => boolean;
	/** How long the result answers later runs (default: a week). */
	ttlMs?: number;
}

/**
 * Runs `work` once per key. A run that finds a result returns it; one that finds the work under way
 * waits a little for its result, then fails saying so.
 */
export async function oncePerHandover<T>(
	store: HandoverStore,
	key: string,
	work: () => Promise<T>,
	options: OnceOptions = {},
): Promise<T> {
	// Claim first: a settled key stays claimed as long as its result is kept, so the common case (the
	// first run) costs one store call here, and a later run finds the key taken and reads the result.
	if (!(await store.claimOnce(key, WORKING_TTL_MS))) {
		for (let waited = 0; ; waited += POLL_MS) {
			const outcome = await store.claimOutcome(key);
			if (outcome !== undefined) return JSON.parse(outcome) as T;
			if (waited >= WAIT_FOR_OTHER_MS) break;
			await sleep(POLL_MS);
		}
		throw new Error(
			'Another run is doing this for the same handover right now (or stopped while doing it): try again in two minutes',
		);
	}
	let result: T;
	try {
		result = await work();
	} catch (error) {
		if ((options.mayRetry ?? surelyNotDone)(error)) {
			// The work's own error is the one to show; a store that also fails keeps the key taken.
			await store.releaseClaim(key).catch(() => undefined);
		}
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the work's own error, passed on as it came for the action runner
		throw error;
	}
	await store.settleClaim(key, JSON.stringify(result), options.ttlMs ?? ONCE_TTL_MS);
	return result;
}
