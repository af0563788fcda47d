import {
	HOUSE_WRITER,
	LANGUAGES,
	failedToResolveReachedAt,
	loadCorpus,
	messagesOfConversations,
	testWriters,
	type ConversationLine,
} from './corpus';

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

	it('labels the attempts of every training conversation, in agreement with its script', () => {
		const train = loadCorpus('train').conversations;
		expect(train.every((line) => line.attempts !== undefined)).toBe(true);
		// Counting the labels as the engine counts (two failures fire, a success resets) reaches
		// two exactly at a failed-to-resolve handover, and never before another one.
		const disagreeing = train.filter((line) => {
			const reached = failedToResolveReachedAt(line.attempts ?? []);
			if (line.reason === 'failed_to_resolve') return reached !== line.fireAt;
			return reached !== null && (line.fireAt === null || reached < line.fireAt);
		});
		expect(disagreeing.map((line) => line.id)).toEqual([]);
	});
});

describe('messagesOfConversations', () => {
	const conversation: ConversationLine = {
		id: 'x-en-c01',
		writer: 'wx',
		lang: 'en',
		industry: 'test',
		channel: 'sms',
		turns: [
			{ userMessage: 'is parking included?', botReply: 'The flat has a balcony.' },
			{ userMessage: 'thanks, and the deposit?', botReply: 'One month.' },
			{ userMessage: 'not what I asked, get me a person', botReply: 'Sure.' },
			{ userMessage: 'after the handover', botReply: 'Not read.' },
		],
		fireAt: 2,
		reason: 'contact_request',
	};
	const labels = (line: ConversationLine) =>
		messagesOfConversations([line]).map((message) => [message.label, !!message.notContactOnly]);

	it('learns labelled attempts as complaints, successes or neither, up to the handover', () => {
		expect(labels({ ...conversation, attempts: ['none', 'success', 'failed'] })).toEqual([
			['none', false],
			['success', false],
			['contact_request', false],
		]);
		expect(
			labels({
				...conversation,
				reason: 'failed_to_resolve',
				attempts: ['failed', 'failed', 'failed'],
			}),
		).toEqual([
			['complaint', false],
			['complaint', false],
			['complaint', false],
		]);
	});

	it('knows only "not a request for a person" of unlabelled turns before the handover', () => {
		expect(labels(conversation)).toEqual([
			['none', true],
			['none', true],
			['contact_request', false],
		]);
	});
});
