import { judgeTurn, TURN_FEATURES } from '../../nodes/engine/turnJudge';
import type { ConversationLine } from './corpus';
import {
	messageWordSlots,
	replyWordSlots,
	responseWordSlots,
} from '../../nodes/engine/model/turnWords';
import { normaliseText } from '../../nodes/engine/normalise';
import { fitTurnModel, turnExamples, turnWordExamples, type TurnExample } from './turnTraining';

const NO_INFORMATION = TURN_FEATURES.indexOf('replyNoInformation');
const QUESTION = TURN_FEATURES.indexOf('question');

function example(noInformation: number, question: number, y: number): TurnExample {
	const x = new Float64Array(TURN_FEATURES.length);
	x[NO_INFORMATION] = noInformation;
	x[QUESTION] = question;
	return { writer: 'w', x, y };
}

describe('fitTurnModel', () => {
	// Failed mostly after a reply without information, questions carry nothing: 3 of 4 failed after one, 1 of 4 not.
	const examples = [
		...[0, 1].flatMap((q) => [
			example(1, q, 1),
			example(1, q, 1),
			example(1, q, 1),
			example(1, q, 0),
		]),
		...[0, 1].flatMap((q) => [
			example(0, q, 0),
			example(0, q, 0),
			example(0, q, 0),
			example(0, q, 1),
		]),
	];

	it('learns the rates of the data (logistic regression, lightly regularised)', () => {
		const model = fitTurnModel(examples);
		expect(judgeTurn(model, example(1, 0, 0).x)).toBeCloseTo(0.75, 1);
		expect(judgeTurn(model, example(0, 1, 0).x)).toBeCloseTo(0.25, 1);
		expect(Math.abs(model.weights[QUESTION])).toBeLessThan(0.05);
	});

	it('is deterministic', () => {
		expect(fitTurnModel(examples)).toEqual(fitTurnModel([...examples]));
	});
});

describe('turnExamples', () => {
	const conversation: ConversationLine = {
		id: 'x-en-c01',
		writer: 'wx',
		lang: 'en',
		industry: 'test',
		channel: 'webchat',
		turns: [
			{ userMessage: 'is parking included?', botReply: 'The flat has a south-facing balcony.' },
			{ userMessage: 'parking??', botReply: 'The flat is on the second floor.' },
			{ userMessage: 'that is not what I asked', botReply: 'Sorry!' },
		],
		fireAt: 2,
		reason: 'failed_to_resolve',
		attempts: ['none', 'failed', 'failed'],
	};

	it('gives two examples per labelled turn after the opening, with and without its reply', () => {
		const examples = turnExamples([conversation]);
		expect(examples.map((e) => e.y)).toEqual([1, 1, 1, 1]);
		expect(examples.every((e) => e.writer === 'wx')).toBe(true);
		const read = TURN_FEATURES.indexOf('replyToMessage');
		expect(examples.map((e) => e.x[read])).toEqual([1, 0, 1, 0]);
	});

	it('skips conversations without labelled turns', () => {
		expect(turnExamples([{ ...conversation, attempts: undefined }])).toEqual([]);
	});
});

describe('turnWordExamples', () => {
	const conversation: ConversationLine = {
		id: 'x-en-c02',
		writer: 'wx',
		lang: 'en',
		industry: 'test',
		channel: 'webchat',
		turns: [
			{ userMessage: 'is the pool heated?', botReply: 'The pool opens at 7am.' },
			{ userMessage: 'heated??', botReply: 'Yes, to 28 degrees.' },
			{ userMessage: 'great thanks', botReply: 'You are welcome!' },
			{ userMessage: 'not labelled', botReply: 'Bye!' },
		],
		fireAt: null,
		reason: null,
		attempts: ['none', 'failed', 'success'],
	};
	const words = (text: string) => normaliseText(text).tokens;

	it("gives each labelled turn after the opening its words, the last reply's and the reply to it, failed or not", () => {
		const examples = turnWordExamples([conversation]);
		expect(examples.map((e) => e.label)).toEqual([1, 0]);
		expect(examples[0].segments).toEqual([
			[
				...messageWordSlots(words('heated??')),
				...replyWordSlots(words('The pool opens at 7am.')),
				...responseWordSlots(words('Yes, to 28 degrees.')),
			],
		]);
		expect(examples[1].segments[0]).toEqual([
			...messageWordSlots(words('great thanks')),
			...replyWordSlots(words('Yes, to 28 degrees.')),
			...responseWordSlots(words('You are welcome!')),
		]);
	});

	it('skips conversations without labelled turns', () => {
		expect(turnWordExamples([{ ...conversation, attempts: undefined }])).toEqual([]);
	});
});
