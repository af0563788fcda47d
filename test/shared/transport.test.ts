import { mockDeep } from 'jest-mock-extended';
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import {
	backoffMs,
	createApiCall,
	retryDelayMs,
	type RetryPolicy,
} from '../../nodes/shared/transport';

const POLICY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };
const NOW = Date.parse('2025-07-10T15:36:22.000Z');

describe('backoffMs: equal jitter', () => {
	it('waits half the exponential step at the bottom of the range and all of it at the top', () => {
		expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, POLICY, () => 0))).toEqual([
			250, 500, 1000, 2000,
		]);
		expect([0, 1, 2, 3].map((attempt) => backoffMs(attempt, POLICY, () => 1))).toEqual([
			500, 1000, 2000, 4000,
		]);
		expect(backoffMs(2, POLICY, () => 0.5)).toBe(1500);
	});

	it('stays within [half, all] of the step and under maxDelayMs for any random value', () => {
		// A fixed sequence standing in for Math.random, covering the range.
		const values = Array.from({ length: 200 }, (_, i) => (i * 0.618_033_988_75) % 1);
		for (let attempt = 0; attempt < 12; attempt++) {
			const step = Math.min(POLICY.baseDelayMs * 2 ** attempt, POLICY.maxDelayMs);
			for (const value of values) {
				const wait = backoffMs(attempt, POLICY, () => value);
				expect(wait).toBeGreaterThanOrEqual(step / 2);
				expect(wait).toBeLessThanOrEqual(step);
				expect(wait).toBeLessThanOrEqual(POLICY.maxDelayMs);
			}
		}
	});

	it('spreads the retries of calls that failed together', () => {
		const waits = new Set([0.1, 0.4, 0.7, 0.95].map((value) => backoffMs(3, POLICY, () => value)));
		expect(waits.size).toBe(4);
	});

	it('keeps a random source that strays out of [0, 1) inside the range', () => {
		expect(backoffMs(1, POLICY, () => -3)).toBe(500);
		expect(backoffMs(1, POLICY, () => 7)).toBe(1000);
		expect(backoffMs(1, POLICY, () => Number.NaN)).toBeGreaterThanOrEqual(500);
	});
});

describe('retryDelayMs', () => {
	const headers = (values: Record<string, string>) => ({ headers: values });

	it('jitters the back-off when the platform says nothing', () => {
		expect(retryDelayMs(undefined, 2, POLICY, NOW, () => 0)).toBe(1000);
		expect(retryDelayMs(headers({}), 2, POLICY, NOW, () => 1)).toBe(2000);
	});

	it('waits exactly what Retry-After or the rate-limit interval asks: no jitter', () => {
		expect(retryDelayMs(headers({ 'retry-after': '3' }), 0, POLICY, NOW, () => 0)).toBe(3000);
		expect(
			retryDelayMs(
				headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '10000' }),
				0,
				POLICY,
				NOW,
				() => 0,
			),
		).toBe(10_000);
	});
});

describe('createApiCall: retries', () => {
	it('sleeps the jittered back-off the injected random source gives', async () => {
		const context = mockDeep<IExecuteFunctions>();
		context.getNode.mockReturnValue({ name: 'Notify' } as INode);
		context.helpers.httpRequest
			.mockResolvedValueOnce({ statusCode: 503, headers: {}, body: {} })
			.mockResolvedValueOnce({ statusCode: 503, headers: {}, body: {} })
			.mockResolvedValueOnce({ statusCode: 200, headers: {}, body: { ok: true } });
		const sleeps: number[] = [];
		const call = createApiCall(context, {
			platformName: 'Slack',
			baseUrl: 'https://hooks.example.com/x',
			credentialHint: 'the webhook address',
			retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 },
			sleep: async (ms) => {
				sleeps.push(ms);
				await Promise.resolve();
			},
			random: () => 0.5,
		});

		expect(await call({ method: 'POST', path: '' })).toEqual({ status: 200, body: { ok: true } });
		expect(sleeps).toEqual([75, 150]);
	});
});
