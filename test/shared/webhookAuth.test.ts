import { createSign, generateKeyPairSync } from 'node:crypto';

import {
	DEFAULT_TOLERANCE_SECONDS,
	signBody,
	verifyWebhook,
	type AuthOutcome,
	type WebhookAuthSettings,
} from '../../nodes/shared/webhookAuth';

const NOW = Date.parse('2025-07-10T15:36:22.000Z');
const NOW_SECONDS = String(NOW / 1000);
const SECRET = 's3cr3t-value';
const BODY = Buffer.from(JSON.stringify({ conversationId: 'c-1', userMessage: 'hello' }));

type Headers = Record<string, string | string[] | undefined>;

const verify = (settings: WebhookAuthSettings, headers: Headers, body: Buffer = BODY) =>
	verifyWebhook(settings, headers, body, NOW);

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
	it('accepts any call, even without headers or body', () => {
		expect(verify({ authentication: 'none' }, {}, Buffer.alloc(0))).toEqual(ok);
	});
});

describe('verifyWebhook: headerToken', () => {
	const settings: WebhookAuthSettings = { authentication: 'headerToken', secret: SECRET };

	it('accepts the right token in x-handover-token', () => {
		expect(verify(settings, { 'x-handover-token': SECRET })).toEqual(ok);
	});

	it('answers 401 when the token header is missing or empty', () => {
		expect(verify(settings, {})).toEqual(refusedWith(401, 'x-handover-token'));
		expect(verify(settings, { 'x-handover-token': '' })).toEqual(refusedWith(401));
	});

	it('answers 403 for a wrong token, also of the same length', () => {
		expect(verify(settings, { 'x-handover-token': 'wrong' })).toEqual(
			refusedWith(403, 'Wrong token'),
		);
		const sameLength = SECRET.replace(/.$/, 'X');
		expect(verify(settings, { 'x-handover-token': sameLength })).toEqual(refusedWith(403));
	});

	it('reads a custom header name, matched case-insensitively against the lower-cased headers', () => {
		const custom = { ...settings, headerName: 'X-Bot-Key' };
		expect(verify(custom, { 'x-bot-key': SECRET })).toEqual(ok);
		// The default header no longer counts once a custom one is configured.
		expect(verify(custom, { 'x-handover-token': SECRET })).toEqual(refusedWith(401, 'X-Bot-Key'));
	});

	it('takes the first value of a repeated header', () => {
		expect(verify(settings, { 'x-handover-token': [SECRET, 'other'] })).toEqual(ok);
		expect(verify(settings, { 'x-handover-token': ['other', SECRET] })).toEqual(refusedWith(403));
	});

	it('refuses every call when the credential has no secret', () => {
		const noSecret = { authentication: 'headerToken' as const };
		expect(verify(noSecret, { 'x-handover-token': '' })).toEqual(refusedWith(403, 'not set'));
		expect(verify({ ...noSecret, secret: '' }, { 'x-handover-token': 'anything' })).toEqual(
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
	])('accepts a fresh signature with a timestamp in %s', (_, timestamp) => {
		expect(verify(settings, signed(timestamp))).toEqual(ok);
	});

	it.each([
		['seconds', String(NOW / 1000 - DEFAULT_TOLERANCE_SECONDS - 1)],
		['milliseconds', String(NOW - (DEFAULT_TOLERANCE_SECONDS + 1) * 1000)],
		['ISO 8601', new Date(NOW - (DEFAULT_TOLERANCE_SECONDS + 1) * 1000).toISOString()],
		['seconds, in the future', String(NOW / 1000 + DEFAULT_TOLERANCE_SECONDS + 1)],
	])('answers 403 for a stale timestamp in %s, even correctly signed', (_, timestamp) => {
		expect(verify(settings, signed(timestamp))).toEqual(refusedWith(403, 'older than 300'));
	});

	it('accepts a timestamp just inside the tolerance', () => {
		const edge = String(NOW / 1000 - DEFAULT_TOLERANCE_SECONDS);
		expect(verify(settings, signed(edge))).toEqual(ok);
	});

	it('honours a configured tolerance', () => {
		const old = String(NOW / 1000 - 1000);
		expect(verify({ ...settings, timestampToleranceSeconds: 2000 }, signed(old))).toEqual(ok);
		expect(
			verify({ ...settings, timestampToleranceSeconds: 10 }, signed(String(NOW / 1000 - 11))),
		).toEqual(refusedWith(403, 'older than 10'));
	});

	it('answers 403 for an unreadable timestamp', () => {
		expect(verify(settings, signed('yesterday'))).toEqual(refusedWith(403));
	});

	it('answers 403 when the body was changed after signing', () => {
		const headers = signed(NOW_SECONDS);
		const tampered = Buffer.from(BODY.toString().replace('hello', 'hellO'));
		expect(verify(settings, headers, tampered)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 when the timestamp was changed after signing', () => {
		const headers = signed(NOW_SECONDS);
		headers['x-handover-timestamp'] = String(NOW / 1000 - 1);
		expect(verify(settings, headers)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 for a signature made with another secret', () => {
		expect(verify(settings, signed(NOW_SECONDS, BODY, 'other-secret'))).toEqual(refusedWith(403));
	});

	it('answers 401 for a missing signature or timestamp header', () => {
		const { 'x-handover-timestamp': timestamp, 'x-handover-signature': signature } =
			signed(NOW_SECONDS);
		expect(verify(settings, { 'x-handover-timestamp': timestamp })).toEqual(
			refusedWith(401, 'x-handover-signature'),
		);
		expect(verify(settings, { 'x-handover-signature': signature })).toEqual(
			refusedWith(401, 'x-handover-timestamp'),
		);
	});

	it('reads the signature from a custom header', () => {
		const custom = { ...settings, headerName: 'X-Sig' };
		const { 'x-handover-signature': signature, ...rest } = signed(NOW_SECONDS);
		expect(verify(custom, { ...rest, 'x-sig': signature })).toEqual(ok);
		expect(verify(custom, signed(NOW_SECONDS))).toEqual(refusedWith(401, 'X-Sig'));
	});

	it('answers 403 when the credential has no secret, before looking at the headers', () => {
		expect(verify({ authentication: 'hmacSha256' }, signed(NOW_SECONDS))).toEqual(
			refusedWith(403, 'secret is not set'),
		);
		expect(verify({ authentication: 'hmacSha256' }, {})).toEqual(refusedWith(403));
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

	it('accepts the sha256= prefixed signature Chatwoot sends', () => {
		expect(verify(settings, chatwootHeaders(NOW_SECONDS))).toEqual(ok);
	});

	it('also accepts the bare hex signature', () => {
		expect(verify(settings, chatwootHeaders(NOW_SECONDS, BODY, ''))).toEqual(ok);
	});

	it('ignores the x-handover-* headers', () => {
		const headers = {
			'x-handover-signature': signBody(SECRET, NOW_SECONDS, BODY),
			'x-handover-timestamp': NOW_SECONDS,
		};
		expect(verify(settings, headers)).toEqual(refusedWith(401, 'X-Chatwoot-Signature'));
	});

	it('answers 401 without the timestamp header', () => {
		const { 'x-chatwoot-signature': signature } = chatwootHeaders(NOW_SECONDS);
		expect(verify(settings, { 'x-chatwoot-signature': signature })).toEqual(
			refusedWith(401, 'X-Chatwoot-Timestamp'),
		);
	});

	it('answers 403 for a tampered body or a stale timestamp', () => {
		expect(verify(settings, chatwootHeaders(NOW_SECONDS), Buffer.from('{}'))).toEqual(
			refusedWith(403, 'does not match'),
		);
		const stale = String(NOW / 1000 - 3600);
		expect(verify(settings, chatwootHeaders(stale))).toEqual(refusedWith(403, 'older than'));
	});

	it('answers 403 when the webhook secret is missing', () => {
		expect(verify({ authentication: 'chatwootSignature' }, chatwootHeaders(NOW_SECONDS))).toEqual(
			refusedWith(403, 'secret is not set'),
		);
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
	const payload = (fields: Record<string, unknown> = {}) =>
		Buffer.from(
			JSON.stringify({
				type: 'InboundMessage',
				locationId: 'loc-1',
				conversationId: 'conv-1',
				body: 'hello',
				...fields,
			}),
		);
	const signedHeaders = (body: Buffer): Headers => ({ 'x-wh-signature': rsaSign(body) });

	it('accepts a body signed with the configured public key', () => {
		const body = payload();
		expect(verify(settings, signedHeaders(body), body)).toEqual(ok);
	});

	it.each([
		['ISO 8601', new Date(NOW - 60_000).toISOString()],
		['milliseconds', NOW - 60_000],
		['seconds', NOW / 1000 - 60],
	])('accepts a fresh body timestamp in %s', (_, timestamp) => {
		const body = payload({ timestamp });
		expect(verify(settings, signedHeaders(body), body)).toEqual(ok);
	});

	it('answers 401 without x-wh-signature', () => {
		expect(verify(settings, {}, payload())).toEqual(refusedWith(401, 'x-wh-signature'));
	});

	it('answers 403 when the body was changed after signing', () => {
		const headers = signedHeaders(payload());
		expect(verify(settings, headers, payload({ body: 'hellO' }))).toEqual(
			refusedWith(403, 'does not match'),
		);
	});

	it('answers 403 for a signature made with another key', () => {
		const body = payload();
		const other = keyPair();
		const headers = { 'x-wh-signature': rsaSign(body, other.privateKey) };
		expect(verify(settings, headers, body)).toEqual(refusedWith(403, 'does not match'));
	});

	it('answers 403 for a correctly signed body whose timestamp is stale', () => {
		const stale = new Date(NOW - (DEFAULT_TOLERANCE_SECONDS + 60) * 1000).toISOString();
		const body = payload({ timestamp: stale });
		expect(verify(settings, signedHeaders(body), body)).toEqual(refusedWith(403, 'older than'));
		const staleNumeric = payload({ timestamp: NOW - 3_600_000 });
		expect(verify(settings, signedHeaders(staleNumeric), staleNumeric)).toEqual(refusedWith(403));
	});

	it('answers 403 when the configured public key is not a valid PEM key', () => {
		const body = payload();
		const broken = { ...settings, highlevelPublicKey: 'not a key' };
		expect(verify(broken, signedHeaders(body), body)).toEqual(refusedWith(403, 'valid PEM'));
	});

	it("checks against HighLevel's published key when none is configured", () => {
		const body = payload();
		const headers = signedHeaders(body);
		expect(verify({ authentication: 'highlevelSignature' }, headers, body)).toEqual(
			refusedWith(403, 'does not match'),
		);
		expect(verify({ ...settings, highlevelPublicKey: '' }, headers, body)).toEqual(
			refusedWith(403, 'does not match'),
		);
	});

	it('leaves a signed body that is not JSON to the payload parser', () => {
		const body = Buffer.from('not json');
		expect(verify(settings, signedHeaders(body), body)).toEqual(ok);
	});
});
