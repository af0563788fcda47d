import {
	JUDGE_INPUTS,
	judgeInputs,
	judgeTurn,
	loadTurnModel,
	storeTurnModel,
	TURN_FEATURES,
	turnFeatures,
	withReplyToMessage,
	type TurnReading,
} from '../../nodes/engine/turnJudge';

const quiet: TurnReading = {
	complaint: 0.5,
	success: 0.5,
	contactRequest: 0.5,
	reask: undefined,
	reaskRule: false,
	opensWithContrast: false,
	question: false,
	replyNoInformation: 0,
	echoesReply: 0,
	turnWords: 0,
	replyAsked: false,
	otherFigure: false,
	wordCount: 8,
	opensWithNo: false,
	replyRepeats: 0,
	replyToMessage: false,
	complaintClause: 0.5,
	afterSuccess: false,
	opensWithAnd: false,
	replyAskedStep: false,
};
const feature = (reading: Partial<TurnReading>, name: (typeof TURN_FEATURES)[number]) =>
	turnFeatures({ ...quiet, ...reading })[TURN_FEATURES.indexOf(name)];

describe('turnFeatures', () => {
	it('gives one value per named feature, all zero for an even, contextless reading', () => {
		const x = turnFeatures(quiet);
		expect(x).toHaveLength(TURN_FEATURES.length);
		expect([...x]).toEqual(new Array(TURN_FEATURES.length).fill(0));
	});

	it('reads probabilities as bounded log-odds', () => {
		expect(feature({ complaint: 0.9 }, 'complaint')).toBeGreaterThan(0);
		expect(feature({ complaint: 0.1 }, 'complaint')).toBeCloseTo(
			-feature({ complaint: 0.9 }, 'complaint'),
		);
		expect(feature({ complaint: 1 }, 'complaint')).toBe(
			feature({ complaint: 0.99999 }, 'complaint'),
		);
		// The turn-words reading comes as log-odds: the same scale and bound.
		expect(feature({ turnWords: Math.log(9) }, 'turnWords')).toBeCloseTo(
			feature({ complaint: 0.9 }, 'complaint'),
		);
		expect(feature({ turnWords: 50 }, 'turnWords')).toBe(
			feature({ complaint: 0.99999 }, 'complaint'),
		);
		expect(Number.isFinite(feature({ success: 0 }, 'success'))).toBe(true);
	});

	it('counts a re-ask by the share of its words that no reply took up', () => {
		const reask = { share: 0.8, answered: 0.25, words: 'parki', takesTheAnswer: false };
		expect(feature({ reask }, 'reaskUnanswered')).toBeCloseTo(0.6);
		expect(feature({ reask: { ...reask, answered: 1 } }, 'reaskUnanswered')).toBe(0);
		expect(feature({ reask: { ...reask, takesTheAnswer: true } }, 'takesTheAnswer')).toBe(1);
	});

	it('passes on the share of the message the last reply used', () => {
		expect(feature({ echoesReply: 0.5 }, 'echoesReply')).toBe(0.5);
	});

	it('marks a message that follows a question from the bot', () => {
		expect(feature({}, 'replyAsked')).toBe(0);
		expect(feature({ replyAsked: true }, 'replyAsked')).toBe(1);
		expect(feature({}, 'otherFigure')).toBe(0);
		expect(feature({ otherFigure: true }, 'otherFigure')).toBe(1);
	});

	it('marks a message of three words or fewer', () => {
		expect(feature({ wordCount: 3 }, 'shortMessage')).toBe(1);
		expect(feature({ wordCount: 0 }, 'shortMessage')).toBe(1);
		expect(feature({ wordCount: 4 }, 'shortMessage')).toBe(0);
	});

	it('marks a message that follows a success', () => {
		expect(feature({ afterSuccess: true }, 'afterSuccess')).toBe(1);
		expect(feature({}, 'afterSuccess')).toBe(0);
	});

	it('marks a message that goes on with "and"', () => {
		expect(feature({ opensWithAnd: true }, 'opensWithAnd')).toBe(1);
		expect(feature({}, 'opensWithAnd')).toBe(0);
	});

	it("marks a message that answers the bot's question about a step", () => {
		expect(feature({ replyAsked: true, replyAskedStep: true }, 'replyAskedStep')).toBe(1);
		expect(feature({ replyAsked: true }, 'replyAskedStep')).toBe(0);
	});

	it('marks a message that opens with a plain no', () => {
		expect(feature({ opensWithNo: true }, 'opensWithNo')).toBe(1);
		expect(feature({}, 'opensWithNo')).toBe(0);
	});

	it('passes on how closely the last reply repeats an earlier one', () => {
		expect(feature({ replyRepeats: 0.25 }, 'replyRepeats')).toBe(0.25);
		// Beyond what the training conversations show, it stays at the cap.
		expect(feature({ replyRepeats: 1 }, 'replyRepeats')).toBe(0.5);
	});

	it("marks a turn read with the bot's reply to the message", () => {
		expect(feature({ replyToMessage: true }, 'replyToMessage')).toBe(1);
		expect(feature({}, 'replyToMessage')).toBe(0);
	});

	it("marks the reply to the message read when it comes later, with its words' reading", () => {
		const alone = turnFeatures({ ...quiet, turnWords: -1 });
		const later = withReplyToMessage(alone, 2);
		expect(later[TURN_FEATURES.indexOf('replyToMessage')]).toBe(1);
		expect([...later]).toEqual([...turnFeatures({ ...quiet, turnWords: 2, replyToMessage: true })]);
		expect(alone[TURN_FEATURES.indexOf('replyToMessage')]).toBe(0);
	});

	it('counts a contradicting opening only in a question', () => {
		expect(feature({ opensWithContrast: true }, 'contrastQuestion')).toBe(0);
		expect(feature({ opensWithContrast: true, question: true }, 'contrastQuestion')).toBe(1);
	});
});

describe('judgeInputs', () => {
	it('gives the features, then the product of each pair of them', () => {
		const x = turnFeatures({ ...quiet, replyNoInformation: 0.5, question: true });
		const inputs = judgeInputs(x);
		expect(inputs).toHaveLength(JUDGE_INPUTS);
		expect(JUDGE_INPUTS).toBe(
			TURN_FEATURES.length + (TURN_FEATURES.length * (TURN_FEATURES.length + 1)) / 2,
		);
		expect([...inputs.slice(0, x.length)]).toEqual([...x]);
		const products = [...inputs.slice(x.length)].filter((v) => v !== 0).sort();
		// 0.5², 0.5 × 1, 1²: the only pairs of the two non-zero features.
		expect(products).toEqual([0.25, 0.5, 1]);
	});
});

describe('judgeTurn', () => {
	const weights = new Float64Array(JUDGE_INPUTS);
	weights[TURN_FEATURES.indexOf('replyNoInformation')] = 2;

	it('is a logistic model over the features', () => {
		const model = { weights, bias: -1 };
		expect(judgeTurn(model, turnFeatures(quiet))).toBeCloseTo(1 / (1 + Math.exp(1)));
		expect(judgeTurn(model, turnFeatures({ ...quiet, replyNoInformation: 1 }))).toBeCloseTo(
			1 / (1 + Math.exp(-1)),
		);
	});

	it('weighs a pair of features together', () => {
		const paired = new Float64Array(JUDGE_INPUTS);
		// The first pair after the features' own weights: complaint × complaint.
		paired[TURN_FEATURES.length] = 4;
		const model = { weights: paired, bias: 0 };
		const x = turnFeatures({ ...quiet, complaint: 0.9 });
		expect(judgeTurn(model, x)).toBeCloseTo(1 / (1 + Math.exp(-4 * x[0] * x[0])));
	});

	it('sums the same products as judgeInputs lists, for every weight', () => {
		const every = Float64Array.from({ length: JUDGE_INPUTS }, (_, i) => Math.sin(i + 1));
		const x = turnFeatures({ ...quiet, complaint: 0.7, turnWords: -1.2, replyToMessage: true });
		const z = judgeInputs(x).reduce((sum, input, i) => sum + every[i] * input, 0.3);
		expect(judgeTurn({ weights: every, bias: 0.3 }, x)).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
	});

	it('loads what it stored, and refuses weights trained on other features', () => {
		const stored = storeTurnModel({ weights, bias: -1 });
		expect(loadTurnModel(stored)).toEqual({ weights, bias: -1 });
		expect(() => loadTurnModel({ ...stored, features: ['complaint'] })).toThrow(/npm run train/);
		expect(() => loadTurnModel({ ...stored, weights: stored.weights.slice(0, 10) })).toThrow(
			/npm run train/,
		);
	});
});
