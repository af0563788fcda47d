import { NodeApiError } from 'n8n-workflow';

import { oncePerHandover, surelyNotDone } from '../../nodes/shared/oncePerHandover';
import { tempStore } from '../helpers/actionNodes';

const store = tempStore();
afterAll(async () => await store.close());

const apiError = (httpCode: string) =>
	new NodeApiError(
		{ id: 'n', name: 'n', type: 't', typeVersion: 1, position: [0, 0], parameters: {} },
		{},
		{ httpCode },
	);

describe('once per handover', () => {
	it('runs the work once and gives later runs its result, also when they come together', async () => {
		const open = await store.open();
		let runs = 0;
		const work = async () => {
			runs++;
			await new Promise((resolve) => setTimeout(resolve, 50));
			return { id: runs };
		};
		const results = await Promise.all(
			[1, 2, 3].map(async () => await oncePerHandover(open, 'k1', work)),
		);
		expect(runs).toBe(1);
		expect(results).toEqual([{ id: 1 }, { id: 1 }, { id: 1 }]);
	});

	it('frees the key after a failure that surely did nothing, and holds it otherwise', async () => {
		const open = await store.open();
		await expect(
			oncePerHandover(open, 'k2', async () => Promise.reject(apiError('429'))),
		).rejects.toThrow();
		await expect(oncePerHandover(open, 'k2', async () => 'second')).resolves.toBe('second');

		await expect(
			oncePerHandover(open, 'k3', async () => Promise.reject(apiError('502'))),
		).rejects.toThrow();
		expect(await open.claimOnce('k3', 1000)).toBe(false);
	});

	it('reads a platform failure as done or not done by its status', () => {
		expect(surelyNotDone(new Error('bad parameter'))).toBe(true);
		expect(surelyNotDone(apiError('404'))).toBe(true);
		expect(surelyNotDone(apiError('503'))).toBe(true);
		expect(surelyNotDone(apiError('500'))).toBe(false);
		expect(surelyNotDone(apiError('0'))).toBe(false);
	});
});
