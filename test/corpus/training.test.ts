import type { BotLine, Corpus } from './corpus';
import { decidedByTheQuestion, forTraining } from './training';

const reply = (question: string, text: string, noInfo: boolean): BotLine => ({
	id: `t-${question}`,
	writer: 'w00',
	lang: 'en',
	industry: 'dental',
	question,
	text,
	noInfo,
	hard: false,
});

describe('the reply model learns only what a reply shows on its own', () => {
	const welcome = 'Hi there 👋 How can I help you today?';
	const sentBack = reply('do you take walk ins for a broken tooth?', welcome, true);
	const afterGreeting = reply('hi!', welcome, false);
	const unsure = reply('do you take walk ins for a broken tooth?', "I'm not sure, sorry.", true);

	it('leaves out a welcome that lacks the information only because of the question before it', () => {
		expect(decidedByTheQuestion(sentBack)).toBe(true);
		expect(decidedByTheQuestion(afterGreeting)).toBe(false);
		expect(decidedByTheQuestion(unsure)).toBe(false);
	});

	it('trains on the rest', () => {
		const corpus: Corpus = { user: [], bot: [sentBack, afterGreeting, unsure], conversations: [] };
		expect(forTraining(corpus).bot).toEqual([afterGreeting, unsure]);
	});
});
