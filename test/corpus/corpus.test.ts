import { HOUSE_WRITER, LANGUAGES, loadCorpus, testWriters } from './corpus';

/** The corpus is the measure of the detector: these are the sizes it was built to (LABELS.md). */
describe('labelled corpus', () => {
	const all = loadCorpus('all');
	const written = { ...all, user: all.user.filter((line) => line.writer !== HOUSE_WRITER) };

	it('has at least 4,000 contact messages, 40 % of them negatives, 1,000 hard near-misses', () => {
		const negatives = written.user.filter((line) => line.label !== 'contact_request');
		expect(written.user.length).toBeGreaterThanOrEqual(4000);
		expect(negatives.length / written.user.length).toBeGreaterThanOrEqual(0.4);
		expect(negatives.filter((line) => line.hard).length).toBeGreaterThanOrEqual(1000);
	});

	it.each(LANGUAGES)('has at least 350 contact messages in %s', (lang) => {
		expect(written.user.filter((line) => line.lang === lang).length).toBeGreaterThanOrEqual(350);
	});

	it('has at least 1,200 bot replies and 150 scripted conversations', () => {
		expect(all.bot.filter((line) => line.writer !== HOUSE_WRITER).length).toBeGreaterThanOrEqual(
			1200,
		);
		expect(all.conversations.length).toBeGreaterThanOrEqual(150);
	});

	it('comes from at least six writers, at least two of whom form the test split', () => {
		const writers = new Set(written.user.map((line) => line.writer));
		expect(writers.size).toBeGreaterThanOrEqual(6);
		expect(testWriters().length).toBeGreaterThanOrEqual(2);
		expect(testWriters().length).toBeLessThan(writers.size);
		for (const writer of testWriters()) expect(writers.has(writer)).toBe(true);
	});

	it('keeps the test writers out of the train split and only them in the test split', () => {
		const held = new Set(testWriters());
		const train = loadCorpus('train');
		const test = loadCorpus('test');
		expect(train.user.some((line) => held.has(line.writer))).toBe(false);
		expect(train.bot.some((line) => held.has(line.writer))).toBe(false);
		expect(test.user.every((line) => held.has(line.writer))).toBe(true);
		expect(test.conversations.every((line) => held.has(line.writer))).toBe(true);
		expect(test.user.length).toBeGreaterThan(0);
	});

	it('has unique ids', () => {
		const ids = [...all.user, ...all.bot, ...all.conversations].map((line) => line.id);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
