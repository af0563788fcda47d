import { createSign, generateKeyPairSync, timingSafeEqual } from 'node:crypto';

import {
	DEFAULT_TOLERANCE_SECONDS,
	MAX_CLOCK_SKEW_SECONDS,
	signBody,
	verifyWebhook,
	type AuthOutcome,
	type DeliveryMemory,
	type WebhookAuthSettings,
} from '../../nodes/shared/webhookAuth';

// The real timingSafeEqual, recorded: to see what is compared.
jest.mock('node:crypto', () => {
	const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const NOW = Date.parse('2025-07-10T15:36:22.000Z');
const NOW_SECONDS = String(NOW / 1000);
const SECRET = 's3cr3t-value';
const BODY = Buffer.from(JSON.stringify({ conversationId: 'c-1', userMessage: 'hello' }));

type Headers = Record<string, string | string[] | undefined>;

/** A store's claimOnce in memory, honouring the TTL against the test's clock. */
function deliveryMemory() {
	const claimed = new Map<string, number>();
	const claimOnce = jest.fn(async (key: string, ttlMs: number) => {
		const until = claimed.get(key);
		if (until !== undefined && until > NOW) return await Promise.resolve(false);
		claimed.set(key, NOW + ttlMs);
		return await Promise.resolve(true);
	});
	return { claimOnce, claimed };
}

/** Each call gets a fresh memory unless one is given: only the replay tests share one. */
const verify = async (
	settings: WebhookAuthSettings,
	headers: Headers,
	body: Buffer = BODY,
	deliveries: DeliveryMemory = deliveryMemory(),
	now: number = NOW,
) => await verifyWebhook(settings, headers, body, deliveries, now);

const ok: AuthOutcome = { ok: true };
const refusedWith = (status: 401 | 403, error?: string | RegExp) =>
	expect.objectContaining({
		ok: false,
		status,
		...(error !== undefined && {
			error:
				typeof error === 'string' ? expect.stringContaining(error) : expect.stringMatching(error),
		}),
	});

describe('verifyWebhook: none', () => {
	it('accepts any call, even without headers or body', async () => {
		expect(await verify({ authentication: 'none' }, {}, Buffer.alloc(0))).toEqual(ok);
	});
});

describe('verifyWebhook: headerToken', () => {
	const settings: WebhookAuthSettings = { authentication: 'headerToken', secret: SECRET };

	it('accepts the right token in x-handover-token', async () => {
		expect(await verify(settings, { 'x-handover-token': SECRET })).toEqual(ok);
	});

	it('answers 401 when the token header is missing or empty', async () => {
		expect(await verify(settings, {})).toEqual(refusedWith(401, 'x-handover-token'));
		expect(await verify(settings, { 'x-handover-token': '' })).toEqual(refusedWith(401));
	});

	it('answers 403 for a wrong token, also of the same length', async () => {
		expect(await verify(settings, { 'x-handover-token': 'wrong' })).toEqual(
			refusedWith(403, 'Wrong token'),
		);
		const sameLength = SECRET.replace(/.$/, 'X');
		expect(await verify(settings, { 'x-handover-token': sameLength })).toEqual(refusedWith(403));
	});

	it('compares fixed-length digests, whatever the length of the token sent', async () => {
		const compare = jest.mocked(timingSafeEqual);
		compare.mockClear();
		for (const token of ['x', SECRET, 'y'.repeat(1000)]) {
			await verify(settings, { 'x-handover-token': token });
		}
		expect(compare).toHaveBeenCalledTimes(3);
		for (const [a, b] of compare.mock.calls) {
			expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
		}
	});

	it('has no replay memory to consult: a token carries no time', async () => {
		const deliveries = deliveryMemory();
		await verify(settings, { 'x-handover-token': SECRET }, BODY, deliveries);
		expect(deliveries.claimOnce).not.toHaveBeenCalled();
	});

	it('reads a custom header name, matched case-insensitively against the lower-cased headers', async () => {
		const custom = { ...settings, headerName: 'X-Bot-Key' };
		expect(await verify(custom, { 'x-bot-key': SECRET })).toEqual(ok);
		// The default header no longer counts once a custom one is configured.
		expect(await verify(custom, { 'x-handover-token': SECRET })).toEqual(
			refusedWith(401, 'X-Bot-Key'),
		);
	});

	it('takes the first value of a repeated header', async () => {
		expect(await verify(settings, { 'x-handover-token': [SECRET, 'other'] })).toEqual(ok);
		expect(await verify(settings, { 'x-handover-token': ['other', SECRET] })).toEqual(
			refusedWith(403),
		);
	});

	it('refuses every call when the credential has no secret', async () => {
		const noSecret = { authentication: 'headerToken' as const };
		expect(await verify(noSecret, { 'x-handover-token': '' })).toEqual(refusedWith(403, 'not set'));
		expect(await verify({ ...noSecret, secret: '' }, { 'x-handover-token': 'anything' })).toEqual(
			refusedWith(403),
		);
	});
});

describe('verifyWebhook: hmacSha256', () => {
	const settings: WebhookAuthSettings = { authentication: 'hmacSha256', secret: SECRET };
	const signed = (timestamp: string, body: Buffer | string = BODY, secret = SECRET): Headers => ({
		'x-handover-signature': signBody(secret, timestamp, body),
		'x-handover-timestamp': timestamp,
	});

	it('signs "{timestamp}.{body}" as hex HMAC-SHA256, from a Buffer or a string', () => {
		// HMAC-SHA256(key "key", message "1.abc"), computed independently.
		const expected = '90ebc65a2174297bcabd31e7cdb290734ffd97b67d17c09a380b0d4828d3d90c';
		expect(signBody('key', '1', 'abc')).toBe(expected);
		expect(signBody('key', '1', Buffer.from('abc'))).toBe(expected);
	});

	it.each([
		['seconds', NOW_SECONDS],
		['milliseconds', String(NOW)],
		['ISO 8601', new Date(NOW).toISOString()],
	])('accepts a fresh signature with a timestamp in %s', async (_, timestamp) => {
		expect(await verify(settings, signed(timestamp))).toEqual(ok);
	});

	it.each([
		['seconds', String(NOW / 1000 - DEFAULT_TOLERANCE_SECONDS - 1)],
		['milliseconds', String(NOW - (DEFAULT_TOLERANCE_SECONDS + 1) * 1000)],
		['ISO 8601', new Date(NOW - (DEFAULT_TOLERANCE_SECONDS + 1) * 1000).toISOString()],
	])('answers 403 for a stale timestamp in %s, even correctly signed', async (_, timestamp) => {
		expect(await verify(settings, signed(timestamp))).toEqual(refusedWith(403, 'older than 300'));
	});

	it('accepts a timestamp just inside the tolerance', async () => {
		const edge = String(NOW / 1000 - DEFAULT_TOLERANCE_SECONDS);
		expect(await verify(settings, signed(edge))).toEqual(ok);
	});

	it('honours a configured tolerance', async () => {
		const old = String(NOW / 1000 - 1000);
		expect(await verify({ ...settings, timestampToleranceSeconds: 2000 }, signed(old))).toEqual(ok);
		expect(
			await verify({ ...settings, timestampToleranceSeconds: 10 }, signed(String(NOW / 1000 - 11))),
		).toEqual(refusedWith(403, 'older than 10'));
	});

	it('answers 403 for an unreadable timestamp', async () => {
		expect(await verify(settings, signed('yesterday'))).toEqual(
			refusedWith(403, 'not a Unix time'),
		);
	});

	it('accepts a timestamp up to 60 seconds ahead (clock skew), refuses one further ahead', async () => {
		const skewed = String(NOW / 1000 + MAX_CLOCK_SKEW_SECONDS);
		expect(await verify(settings, signed(skewed))).toEqual(ok);
		for (const ahead of [
			String(NOW / 1000 + MAX_CLOCK_SKEW_SECONDS + 1),
			String(NOW + (MAX_CLOCK_SKEW_SECONDS + 1) * 1000),
			new Date(NOW + 3_600_000).toISOString(),
		]) {
			expect(await verify(settings, signed(ahead))).toEqual(
				refusedWith(403, 'more than 60 seconds in the future'),
			);
		}
		// A long tolerance for old calls is no licence for calls from the future.
		const lenient = { ...settings, timestampToleranceSeconds: 86_400 };
		expect(await verify(lenient, signed(String(NOW / 1000 + 3600)))).toEqual(
			refusedWith(403, 'in the future'),
		);
	});

	it('accepts a signed call once: the same call again within the window is a replay', async () => {
		const deliveries = deliveryMemory();
		const headers = signed(NOW_SECONDS);
		expect(await verify(settings, headers, BODY, deliveries)).toEqual(ok);
		expect(await verify(settings, headers, BODY, deliveries)).toEqual(
			refusedWith(403, 'already received'),
		);
		// Remembered for the whole window a timestamp stays acceptable: tolerance plus skew.
		expect(deliveries.claimOnce).toHaveBeenCalledWith(
			expect.stringMatching(/^delivery:[0-9a-f]{64}$/),
			(DEFAULT_TOLERANCE_SECONDS + MAX_CLOCK_SKEW_SECONDS) * 1000,
		);
		// The sender signing the same body anew (another timestamp) is a new delivery.
		expect(await verify(settings, signed(String(NOW / 1000 - 1)), BODY, deliveries)).toEqual(ok);
		// A changed prefix or header case does not make a replay new: the key is the expected signature.
		const prefixed = {
			...headers,
			'x-handover-signature': `sha256=${headers['x-handover-signature'] as string}`,
		};
		expect(await verify(settings, prefixed, BODY, deliveries)).toEqual(refusedWith(403));
	});

	it('remembers only verified calls', async () => {
		const deliveries = deliveryMemory();
		await verify(settings, signed(NOW_SECONDS, BODY, 'other-secret'), BODY, deliveries);
		await verify(settings, signed(String(NOW / 1000 - 3600)), BODY, deliveries);
		expect(deliveries.claimOnce).not.toHaveBeenCalled();
	});

	it('answers 403 when the body was changed after signing', async () => {
		const headers = signed(NOW_SECONDS);
		const tampered = Buffer.from(BODY.toString().replace('hello', 'hellO'));
		expect(await verify(settings, headers, tampered)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 when the timestamp was changed after signing', async () => {
		const headers = signed(NOW_SECONDS);
		headers['x-handover-timestamp'] = String(NOW / 1000 - 1);
		expect(await verify(settings, headers)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 for a signature made with another secret', async () => {
		expect(await verify(settings, signed(NOW_SECONDS, BODY, 'other-secret'))).toEqual(
			refusedWith(403),
		);
	});

	it('answers 401 for a missing signature or timestamp header', async () => {
		const { 'x-handover-timestamp': timestamp, 'x-handover-signature': signature } =
			signed(NOW_SECONDS);
		expect(await verify(settings, { 'x-handover-timestamp': timestamp })).toEqual(
			refusedWith(401, 'x-handover-signature'),
		);
		expect(await verify(settings, { 'x-handover-signature': signature })).toEqual(
			refusedWith(401, 'x-handover-timestamp'),
		);
	});

	it('reads the signature from a custom header', async () => {
		const custom = { ...settings, headerName: 'X-Sig' };
		const { 'x-handover-signature': signature, ...rest } = signed(NOW_SECONDS);
		expect(await verify(custom, { ...rest, 'x-sig': signature })).toEqual(ok);
		expect(await verify(custom, signed(NOW_SECONDS))).toEqual(refusedWith(401, 'X-Sig'));
	});

	it('answers 403 when the credential has no secret, before looking at the headers', async () => {
		expect(await verify({ authentication: 'hmacSha256' }, signed(NOW_SECONDS))).toEqual(
			refusedWith(403, 'secret is not set'),
		);
		expect(await verify({ authentication: 'hmacSha256' }, {})).toEqual(refusedWith(403));
	});
});

describe('verifyWebhook: chatwootSignature', () => {
	const settings: WebhookAuthSettings = { authentication: 'chatwootSignature', secret: SECRET };
	const chatwootHeaders = (
		timestamp: string,
		body: Buffer = BODY,
		prefix = 'sha256=',
	): Headers => ({
		'x-chatwoot-signature': `${prefix}${signBody(SECRET, timestamp, body)}`,
		'x-chatwoot-timestamp': timestamp,
	});

	it('accepts the sha256= prefixed signature Chatwoot sends', async () => {
		expect(await verify(settings, chatwootHeaders(NOW_SECONDS))).toEqual(ok);
	});

	it('also accepts the bare hex signature', async () => {
		expect(await verify(settings, chatwootHeaders(NOW_SECONDS, BODY, ''))).toEqual(ok);
	});

	it('ignores the x-handover-* headers', async () => {
		const headers = {
			'x-handover-signature': signBody(SECRET, NOW_SECONDS, BODY),
			'x-handover-timestamp': NOW_SECONDS,
		};
		expect(await verify(settings, headers)).toEqual(refusedWith(401, 'X-Chatwoot-Signature'));
	});

	it('answers 401 without the timestamp header', async () => {
		const { 'x-chatwoot-signature': signature } = chatwootHeaders(NOW_SECONDS);
		expect(await verify(settings, { 'x-chatwoot-signature': signature })).toEqual(
			refusedWith(401, 'X-Chatwoot-Timestamp'),
		);
	});

	it('answers 403 for a tampered body or a stale timestamp', async () => {
		expect(await verify(settings, chatwootHeaders(NOW_SECONDS), Buffer.from('{}'))).toEqual(
			refusedWith(403, 'does not match'),
		);
		const stale = String(NOW / 1000 - 3600);
		expect(await verify(settings, chatwootHeaders(stale))).toEqual(refusedWith(403, 'older than'));
	});

	it('refuses a replayed delivery and a timestamp from the future', async () => {
		const deliveries = deliveryMemory();
		const headers = chatwootHeaders(NOW_SECONDS);
		expect(await verify(settings, headers, BODY, deliveries)).toEqual(ok);
		expect(await verify(settings, headers, BODY, deliveries)).toEqual(
			refusedWith(403, 'already received'),
		);
		expect(await verify(settings, chatwootHeaders(String(NOW / 1000 + 120)))).toEqual(
			refusedWith(403, 'in the future'),
		);
	});

	it('answers 403 when the webhook secret is missing', async () => {
		expect(
			await verify({ authentication: 'chatwootSignature' }, chatwootHeaders(NOW_SECONDS)),
		).toEqual(refusedWith(403, 'secret is not set'));
	});
});

describe('verifyWebhook: highlevelSignature', () => {
	const keyPair = () =>
		generateKeyPairSync('rsa', {
			modulusLength: 2048,
			publicKeyEncoding: { type: 'spki', format: 'pem' },
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		});
	const { publicKey, privateKey } = keyPair();
	const settings: WebhookAuthSettings = {
		authentication: 'highlevelSignature',
		highlevelPublicKey: publicKey,
	};
	const rsaSign = (body: Buffer, key = privateKey) =>
		createSign('SHA256').update(body).sign(key, 'base64');
	/** A webhook as HighLevel sends it: its timestamp and webhookId inside the signed body. */
	const payload = (fields: Record<string, unknown> = {}) =>
		Buffer.from(
			JSON.stringify({
				type: 'InboundMessage',
				locationId: 'loc-1',
				conversationId: 'conv-1',
				body: 'hello',
				timestamp: new Date(NOW - 1000).toISOString(),
				webhookId: 'wh-1',
				...fields,
			}),
		);
	const signedHeaders = (body: Buffer): Headers => ({ 'x-wh-signature': rsaSign(body) });

	it('accepts a body signed with the configured public key', async () => {
		const body = payload();
		expect(await verify(settings, signedHeaders(body), body)).toEqual(ok);
	});

	it.each([
		['ISO 8601', new Date(NOW - 60_000).toISOString()],
		['milliseconds', NOW - 60_000],
		['seconds', NOW / 1000 - 60],
	])('accepts a fresh body timestamp in %s', async (_, timestamp) => {
		const body = payload({ timestamp });
		expect(await verify(settings, signedHeaders(body), body)).toEqual(ok);
	});

	it('answers 401 without x-wh-signature', async () => {
		expect(await verify(settings, {}, payload())).toEqual(refusedWith(401, 'x-wh-signature'));
	});

	it('answers 403 when the body was changed after signing', async () => {
		const headers = signedHeaders(payload());
		expect(await verify(settings, headers, payload({ body: 'hellO' }))).toEqual(
			refusedWith(403, 'does not match'),
		);
	});

	it('answers 403 for a signature made with another key', async () => {
		const body = payload();
		const other = keyPair();
		const headers = { 'x-wh-signature': rsaSign(body, other.privateKey) };
		expect(await verify(settings, headers, body)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 for a correctly signed body whose timestamp is stale', async () => {
		const stale = new Date(NOW - (DEFAULT_TOLERANCE_SECONDS + 60) * 1000).toISOString();
		const body = payload({ timestamp: stale });
		expect(await verify(settings, signedHeaders(body), body)).toEqual(
			refusedWith(403, 'older than'),
		);
		const staleNumeric = payload({ timestamp: NOW - 3_600_000 });
		expect(await verify(settings, signedHeaders(staleNumeric), staleNumeric)).toEqual(
			refusedWith(403),
		);
	});

	it('answers 403 when the configured public key is not a valid PEM key', async () => {
		const body = payload();
		const broken = { ...settings, highlevelPublicKey: 'not a key' };
		expect(await verify(broken, signedHeaders(body), body)).toEqual(refusedWith(403, 'valid PEM'));
	});

	it("checks against HighLevel's published key when none is configured", async () => {
		const body = payload();
		const headers = signedHeaders(body);
		expect(await verify({ authentication: 'highlevelSignature' }, headers, body)).toEqual(
			refusedWith(403, 'does not match'),
		);
		expect(await verify({ ...settings, highlevelPublicKey: '' }, headers, body)).toEqual(
			refusedWith(403, 'does not match'),
		);
	});

	it('answers 401 for a signed body without a timestamp, or not JSON at all', async () => {
		for (const body of [
			payload({ timestamp: undefined }),
			payload({ timestamp: null }),
			payload({ timestamp: { at: NOW } }),
			Buffer.from('not json'),
			Buffer.from('[1, 2]'),
		]) {
			expect(await verify(settings, signedHeaders(body), body)).toEqual(
				refusedWith(401, '"timestamp" in the signed HighLevel body'),
			);
		}
	});

	it('answers 403 for an unreadable timestamp or one from the future', async () => {
		const unreadable = payload({ timestamp: 'soon' });
		expect(await verify(settings, signedHeaders(unreadable), unreadable)).toEqual(
			refusedWith(403, 'not a Unix time'),
		);
		const ahead = payload({ timestamp: new Date(NOW + 120_000).toISOString() });
		expect(await verify(settings, signedHeaders(ahead), ahead)).toEqual(
			refusedWith(403, 'Webhook timestamp is more than 60 seconds in the future'),
		);
	});

	it('refuses a webhookId already received within the window, whatever else the body says', async () => {
		const deliveries = deliveryMemory();
		const first = payload({ webhookId: 'wh-replay' });
		expect(await verify(settings, signedHeaders(first), first, deliveries)).toEqual(ok);
		expect(await verify(settings, signedHeaders(first), first, deliveries)).toEqual(
			refusedWith(403, 'already received'),
		);
		const sameId = payload({ webhookId: 'wh-replay', body: 'another text' });
		expect(await verify(settings, signedHeaders(sameId), sameId, deliveries)).toEqual(
			refusedWith(403, 'already received'),
		);
		const next = payload({ webhookId: 'wh-next' });
		expect(await verify(settings, signedHeaders(next), next, deliveries)).toEqual(ok);
	});

	it('recognises a replayed body without webhookId by its bytes', async () => {
		const deliveries = deliveryMemory();
		const body = payload({ webhookId: undefined });
		expect(await verify(settings, signedHeaders(body), body, deliveries)).toEqual(ok);
		expect(await verify(settings, signedHeaders(body), body, deliveries)).toEqual(
			refusedWith(403, 'already received'),
		);
	});
});
