import { createHmac, createVerify, timingSafeEqual } from 'node:crypto';

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

export const DEFAULT_TOKEN_HEADER = 'x-handover-token';
export const DEFAULT_SIGNATURE_HEADER = 'x-handover-signature';
export const TIMESTAMP_HEADER = 'x-handover-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

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

function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

function hmacHex(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** A signed timestamp, in seconds or ms since the epoch or ISO 8601, must be recent. */
function isFresh(timestamp: string, toleranceSeconds: number, now: number): boolean {
	const numeric = Number(timestamp);
	let ms = Number.isFinite(numeric) ? numeric : Date.parse(timestamp);
	if (!Number.isFinite(ms)) return false;
	if (ms < 1e12) ms *= 1000;
	return Math.abs(now - ms) <= toleranceSeconds * 1000;
}

const missing = (what: string): AuthOutcome => ({
	ok: false,
	status: 401,
	error: `Missing ${what}`,
});
const refused = (what: string): AuthOutcome => ({ ok: false, status: 403, error: what });

function verifyTimestampedHmac(
	signature: string | undefined,
	timestamp: string | undefined,
	settings: WebhookAuthSettings,
	rawBody: Buffer,
	now: number,
	names: { signature: string; timestamp: string },
): AuthOutcome {
	if (!settings.secret) return refused('The webhook secret is not set in the credential');
	if (!signature) return missing(`signature header "${names.signature}"`);
	if (!timestamp) return missing(`timestamp header "${names.timestamp}"`);
	const tolerance = settings.timestampToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	if (!isFresh(timestamp, tolerance, now)) {
		return refused(`Signature timestamp is older than ${tolerance} seconds or invalid`);
	}
	const given = signature.replace(/^sha256=/, '');
	if (!sameSecret(given, hmacHex(settings.secret, timestamp, rawBody))) {
		return refused('Signature does not match the body');
	}
	return { ok: true };
}

/**
 * Checks a webhook call against the raw body before anything is parsed (STYLE.md #8).
 * Missing credentials of the caller → 401; wrong or stale ones → 403.
 */
export function verifyWebhook(
	settings: WebhookAuthSettings,
	headers: Headers,
	rawBody: Buffer,
	now: number = Date.now(),
): AuthOutcome {
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
			return highlevelTimestampFresh(rawBody, settings, now);
		}
	}
}

/** HighLevel puts its timestamp in the signed body; replayed old deliveries are refused. */
function highlevelTimestampFresh(
	rawBody: Buffer,
	settings: WebhookAuthSettings,
	now: number,
): AuthOutcome {
	let timestamp: unknown;
	try {
		timestamp = (JSON.parse(rawBody.toString('utf8')) as { timestamp?: unknown }).timestamp;
	} catch {
		return { ok: true }; // the payload parser answers 400 for a body that is not JSON
	}
	if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return { ok: true };
	const tolerance = settings.timestampToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	return isFresh(String(timestamp), tolerance, now)
		? { ok: true }
		: refused(`Webhook timestamp is older than ${tolerance} seconds`);
}

/** Signs a body the way `hmacSha256` expects, for callers and tests: `{timestamp}.{body}`. */
export function signBody(secret: string, timestamp: string, rawBody: Buffer | string): string {
	return hmacHex(secret, timestamp, Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody));
}
