import { createHash, createHmac, createVerify, randomBytes, timingSafeEqual } from 'node:crypto';

import type { HandoverStore } from '../store/HandoverStore';

/** How the detector's webhook checks that a call comes from the user's platform or bot. */
export type WebhookAuthentication =
	'none' | 'headerToken' | 'hmacSha256' | 'highlevelSignature' | 'chatwootSignature';

export interface WebhookAuthSettings {
	authentication: WebhookAuthentication;
	/** Shared secret (header token, HMAC key, Chatwoot webhook secret). */
	secret?: string;
	/** Header that carries the token or the HMAC signature. */
	headerName?: string;
	/** Oldest accepted signature timestamp, in seconds. */
	timestampToleranceSeconds?: number;
	/** HighLevel's public key; the one HighLevel documents when empty. */
	highlevelPublicKey?: string;
}

export type AuthOutcome = { ok: true } | { ok: false; status: 401 | 403; error: string };

/**
 * Where accepted deliveries are remembered, so a replay inside the time window is refused: the
 * package's store, shared by every n8n process that shares the conversations.
 */
export type DeliveryMemory = Pick<HandoverStore, 'claimOnce'>;

export const DEFAULT_TOKEN_HEADER = 'x-handover-token';
export const DEFAULT_SIGNATURE_HEADER = 'x-handover-signature';
export const TIMESTAMP_HEADER = 'x-handover-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** How far ahead of this host's clock a signed timestamp may be: clocks drift, but not by minutes. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** The key HighLevel publishes for marketplace-app webhooks (WebhookAuthentication.md). */
export const HIGHLEVEL_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Per-process key of the comparisons below. Both sides are compared as HMACs under it: fixed-length
 * digests, so the time taken does not depend on the secret's length or on where the first
 * difference is, and a digest nobody outside this process can compute tells nothing even if timed.
 */
const COMPARISON_KEY = randomBytes(32);

function sameSecret(given: string, expected: string): boolean {
	const digest = (text: string) => createHmac('sha256', COMPARISON_KEY).update(text).digest();
	return timingSafeEqual(digest(given), digest(expected));
}

function hmacHex(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** A verified call, and how it is recognised if it comes again. */
interface Verified {
	ok: true;
	/** Present for signed, timestamped calls: each is accepted once within its time window. */
	delivery?: string;
}

type Check = Verified | Exclude<AuthOutcome, { ok: true }>;

const missing = (what: string): Check => ({
	ok: false,
	status: 401,
	error: `Missing ${what}`,
});
const refused = (what: string): Check => ({ ok: false, status: 403, error: what });

/**
 * A signed timestamp, in seconds or ms since the epoch or ISO 8601, must be at most `tolerance`
 * seconds old and at most MAX_CLOCK_SKEW_SECONDS ahead. Undefined when it is; else the refusal.
 */
function staleness(
	label: string,
	timestamp: string,
	toleranceSeconds: number,
	now: number,
): Check | undefined {
	const numeric = Number(timestamp);
	let ms = timestamp.trim() !== '' && Number.isFinite(numeric) ? numeric : Date.parse(timestamp);
	if (!Number.isFinite(ms)) {
		return refused(`${label} is not a Unix time (seconds or milliseconds) or an ISO 8601 date`);
	}
	if (ms < 1e12) ms *= 1000;
	if (now - ms > toleranceSeconds * 1000) {
		return refused(`${label} is older than ${toleranceSeconds} seconds`);
	}
	if (ms - now > MAX_CLOCK_SKEW_SECONDS * 1000) {
		return refused(
			`${label} is more than ${MAX_CLOCK_SKEW_SECONDS} seconds in the future: check the sender's clock`,
		);
	}
	return undefined;
}

const toleranceOf = (settings: WebhookAuthSettings) =>
	settings.timestampToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

function verifyTimestampedHmac(
	signature: string | undefined,
	timestamp: string | undefined,
	settings: WebhookAuthSettings,
	rawBody: Buffer,
	now: number,
	names: { signature: string; timestamp: string },
): Check {
	if (!settings.secret) return refused('The webhook secret is not set in the credential');
	if (!signature) return missing(`signature header "${names.signature}"`);
	if (!timestamp) return missing(`timestamp header "${names.timestamp}"`);
	const stale = staleness('Signature timestamp', timestamp, toleranceOf(settings), now);
	if (stale) return stale;
	const expected = hmacHex(settings.secret, timestamp, rawBody);
	if (!sameSecret(signature.replace(/^sha256=/, ''), expected)) {
		return refused('Signature does not match the body');
	}
	// The expected signature stands for timestamp and body: the same call sent again has it too.
	return { ok: true, delivery: `hmac:${expected}` };
}

/**
 * HighLevel signs the body only, and puts its timestamp and webhookId inside it: without a
 * timestamp a captured call would stay valid for ever, so a signed body must carry one.
 */
function verifyHighLevelBody(rawBody: Buffer, settings: WebhookAuthSettings, now: number): Check {
	let fields: { timestamp?: unknown; webhookId?: unknown } = {};
	try {
		const parsed = JSON.parse(rawBody.toString('utf8')) as unknown;
		if (parsed && typeof parsed === 'object') fields = parsed as typeof fields;
	} catch {
		// Not JSON: it has no timestamp, refused below.
	}
	const { timestamp, webhookId } = fields;
	if (typeof timestamp !== 'string' && typeof timestamp !== 'number') {
		return missing(
			'"timestamp" in the signed HighLevel body (HighLevel sends one with every webhook)',
		);
	}
	const stale = staleness('Webhook timestamp', String(timestamp), toleranceOf(settings), now);
	if (stale) return stale;
	// HighLevel's id of the delivery; a body without one is recognised by its bytes (it is signed).
	const delivery =
		typeof webhookId === 'string' && webhookId !== ''
			? `highlevel:${webhookId}`
			: `highlevel-body:${createHash('sha256').update(rawBody).digest('hex')}`;
	return { ok: true, delivery };
}

function check(
	settings: WebhookAuthSettings,
	headers: Headers,
	rawBody: Buffer,
	now: number,
): Check {
	switch (settings.authentication) {
		case 'none':
			return { ok: true };
		case 'headerToken': {
			const name = settings.headerName || DEFAULT_TOKEN_HEADER;
			if (!settings.secret) return refused('The webhook token is not set in the credential');
			const token = header(headers, name);
			if (!token) return missing(`token header "${name}"`);
			return sameSecret(token, settings.secret) ? { ok: true } : refused('Wrong token');
		}
		case 'hmacSha256': {
			const name = settings.headerName || DEFAULT_SIGNATURE_HEADER;
			return verifyTimestampedHmac(
				header(headers, name),
				header(headers, TIMESTAMP_HEADER),
				settings,
				rawBody,
				now,
				{ signature: name, timestamp: TIMESTAMP_HEADER },
			);
		}
		case 'chatwootSignature':
			return verifyTimestampedHmac(
				header(headers, 'x-chatwoot-signature'),
				header(headers, 'x-chatwoot-timestamp'),
				settings,
				rawBody,
				now,
				{ signature: 'X-Chatwoot-Signature', timestamp: 'X-Chatwoot-Timestamp' },
			);
		case 'highlevelSignature': {
			const signature = header(headers, 'x-wh-signature');
			if (!signature) return missing('signature header "x-wh-signature"');
			const verifier = createVerify('SHA256');
			verifier.update(rawBody);
			verifier.end();
			let valid = false;
			try {
				valid = verifier.verify(
					settings.highlevelPublicKey || HIGHLEVEL_PUBLIC_KEY,
					signature,
					'base64',
				);
			} catch {
				return refused('HighLevel public key is not a valid PEM key');
			}
			if (!valid) return refused('Signature does not match the body');
			return verifyHighLevelBody(rawBody, settings, now);
		}
	}
}

/**
 * Checks a webhook call against the raw body before anything is parsed.
 * Missing credentials of the caller → 401; wrong, stale, future or replayed ones → 403. A signed
 * call is accepted once: the same delivery again within its time window (plus the clock skew) is
 * a replay, remembered in `deliveries` so that every n8n process sharing the store refuses it.
 */
export async function verifyWebhook(
	settings: WebhookAuthSettings,
	headers: Headers,
	rawBody: Buffer,
	deliveries: DeliveryMemory,
	now: number = Date.now(),
): Promise<AuthOutcome> {
	const checked = check(settings, headers, rawBody, now);
	if (!checked.ok) return checked;
	if (checked.delivery !== undefined) {
		// Hashed: the key's size does not depend on what the caller sent.
		const key = `delivery:${createHash('sha256').update(checked.delivery).digest('hex')}`;
		const windowMs = (toleranceOf(settings) + MAX_CLOCK_SKEW_SECONDS) * 1000;
		if (!(await deliveries.claimOnce(key, windowMs))) {
			return refused('This signed call was already received: each delivery is accepted once');
		}
	}
	return { ok: true };
}

/** Signs a body the way `hmacSha256` expects, for callers and tests: `{timestamp}.{body}`. */
export function signBody(secret: string, timestamp: string, rawBody: Buffer | string): string {
	return hmacHex(secret, timestamp, Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody));
}
