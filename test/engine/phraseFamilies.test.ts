import { detectHandover, type ConversationMemory, type Turn } from '../../nodes/engine';
import {
	botAnswers,
	botCannotAnswer,
	dissatisfied,
	neutral,
	satisfied,
} from './fixtures/phraseFamilies';

const turn = (fields: Partial<Turn>): Turn => ({
	conversationId: 'c1',
	platform: 'generic',
	...fields,
});

/** A conversation that has begun: a complaint needs something before it to complain about. */
function opened(): ConversationMemory {
	return detectHandover(
		turn({ userMessage: 'Is the flat available?', botReply: 'Yes, from June.' }),
		undefined,
	).memory;
}

/** Memory with one failed attempt, so one more dissatisfied message reaches the default threshold. */
function oneFailure(): ConversationMemory {
	return detectHandover(turn({ userMessage: 'that does not help' }), opened()).memory;
}

describe('bot replies that cannot answer', () => {
	it.each(botCannotAnswer)('[%s] "%s" is lack of information', (_lang, botReply) => {
		expect(detectHandover(turn({ botReply }), undefined).reason).toBe('lack_of_information');
	});

	it.each(botAnswers)('[%s] "%s" is an answer', (_lang, botReply) => {
		expect(detectHandover(turn({ botReply }), undefined).handover).toBe(false);
	});
});

describe('user messages about the previous answer', () => {
	it.each(dissatisfied)('[%s] "%s" counts as an unsuccessful attempt', (_lang, userMessage) => {
		const first = detectHandover(turn({ userMessage }), opened());
		expect(first.memory.failedAttempts).toBe(1);
		expect(detectHandover(turn({ userMessage }), oneFailure()).reason).toBe('failed_to_resolve');
	});

	it.each(satisfied)('[%s] "%s" resets the count', (_lang, userMessage) => {
		expect(detectHandover(turn({ userMessage }), oneFailure()).memory.failedAttempts).toBe(0);
	});

	it.each(neutral)('[%s] "%s" leaves the count as it is', (_lang, userMessage) => {
		const result = detectHandover(turn({ userMessage }), oneFailure());
		expect(result.memory.failedAttempts).toBe(1);
		expect(result.handover).toBe(false);
	});
});
