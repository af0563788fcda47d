import {
	createModel,
	loadStoredModel,
	predict,
	storeModel,
} from '../../../nodes/engine/model/linearModel';

describe('linear model', () => {
	const model = createModel(['none', 'yes'], 8);
	model.rows[1][3] = 2.5;
	model.rows[1][7] = -1.25;
	model.rows[0][3] = -0.5;

	it('gives probabilities that sum to one, from the rows of the features it sees', () => {
		const p = predict(model, [3]);
		expect(p[0] + p[1]).toBeCloseTo(1, 12);
		expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 12);
		expect(predict(model, [])[1]).toBeCloseTo(0.5, 12);
	});

	it('counts a repeated feature once per occurrence', () => {
		expect(predict(model, [7, 7])[1]).toBeCloseTo(1 / (1 + Math.exp(2.5)), 12);
	});

	it('keeps its predictions through storing and loading (16-bit weights)', () => {
		const loaded = loadStoredModel(JSON.parse(JSON.stringify(storeModel(model))));
		expect(loaded.labels).toEqual(['none', 'yes']);
		for (const slots of [[3], [7], [3, 7], [1, 2]]) {
			expect(predict(loaded, slots)[1]).toBeCloseTo(predict(model, slots)[1], 4);
		}
	});

	it('refuses weights of the wrong size', () => {
		const stored = storeModel(model);
		expect(() => loadStoredModel({ ...stored, bits: 9 })).toThrow(/expected/);
	});
});
