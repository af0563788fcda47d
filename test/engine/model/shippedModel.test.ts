import { readFileSync } from 'fs';

import {
	MODEL_FILE,
	parseModels,
	type StoredHandoverModels,
} from '../../../nodes/engine/model/scorer';
import { loadCorpus, testWriters } from '../../corpus/corpus';
import { corpusDigest } from '../../corpus/training';

/**
 * The shipped weights come from the corpus as it is: trained on exactly the train split's lines
 * and labels, without the test writers. (`npm run train -- --check`, run by CI, retrains and
 * compares weight for weight.)
 */
describe('shipped handover model', () => {
	const shipped = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as StoredHandoverModels;
	const trainedOn = shipped.trainedOn as {
		writers: string[];
		heldOutWriters: string[];
		corpusSha256: string;
	};

	it('was trained without the test writers', () => {
		expect(trainedOn.heldOutWriters).toEqual(testWriters());
		for (const writer of testWriters()) expect(trainedOn.writers).not.toContain(writer);
	});

	it('holds both clause shares, each a fraction of the way', () => {
		for (const share of [shipped.contactClauseShare, shipped.replyClauseShare]) {
			expect(share).toBeGreaterThanOrEqual(0);
			expect(share).toBeLessThanOrEqual(1);
		}
	});

	it('is refused, naming the fix, without the reply clause share', () => {
		const older = { ...shipped } as Partial<StoredHandoverModels>;
		delete older.replyClauseShare;
		expect(() => parseModels(older as StoredHandoverModels)).toThrow(
			'the handover model has no reply clause share: run `npm run train`',
		);
	});

	it('was trained on the train split as it is now (retrain with `npm run train` after editing the corpus)', () => {
		expect(trainedOn.corpusSha256).toBe(corpusDigest(loadCorpus('train')));
	});
});
