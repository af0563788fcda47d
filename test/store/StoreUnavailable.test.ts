import {
	STORE_UNAVAILABLE_ANSWER,
	StoreUnavailable,
	isStoreUnavailable,
} from '../../nodes/store/StoreUnavailable';

describe('StoreUnavailable', () => {
	it('carries what the doors answer: 503, Retry-After and a message without the details', () => {
		const cause = new Error('connect ECONNREFUSED 10.0.0.5:6379');
		const error = new StoreUnavailable(
			'The Redis state store at 10.0.0.5:6379 is not reachable (connect ECONNREFUSED 10.0.0.5:6379)',
			{ cause },
		);
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('StoreUnavailable');
		expect(error.cause).toBe(cause);
		expect(error.httpStatus).toBe(503);
		expect(error.retryAfterSeconds).toBeGreaterThan(2);
		expect(error.answer).toEqual({ error: STORE_UNAVAILABLE_ANSWER });
		expect(JSON.stringify(error.answer)).not.toContain('10.0.0.5');
		expect(STORE_UNAVAILABLE_ANSWER).toMatch(/send the turn again/);
	});

	it('is recognised by isStoreUnavailable, also from another copy of the module', () => {
		expect(isStoreUnavailable(new StoreUnavailable('locked'))).toBe(true);
		const fromAnotherCopy = Object.assign(new Error('locked'), {
			name: 'StoreUnavailable',
			httpStatus: 503,
		});
		expect(isStoreUnavailable(fromAnotherCopy)).toBe(true);
		expect(isStoreUnavailable(new Error('database is locked'))).toBe(false);
		expect(isStoreUnavailable(Object.assign(new Error('x'), { name: 'StoreUnavailable' }))).toBe(
			false,
		);
		expect(isStoreUnavailable('StoreUnavailable')).toBe(false);
		expect(isStoreUnavailable(undefined)).toBe(false);
	});
});
