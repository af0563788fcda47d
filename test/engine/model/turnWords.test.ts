import { createModel, interleave, type LinearModel } from '../../../nodes/engine/model/linearModel';
import {
	messageLogOdds,
	messageWordSlots,
	replyLogOdds,
	replyWordSlots,
	responseLogOdds,
	responseWordSlots,
	TURN_WORDS_BITS,
	TURN_WORDS_LABELS,
} from '../../../nodes/engine/model/turnWords';

describe('messageWordSlots', () => {
	it('gives a bias, each word and each neighbouring pair, within the model size', () => {
		const slots = messageWordSlots(['still', 'not', 'working']);
		expect(slots).toHaveLength(1 + 3 + 2);
		expect(slots.every((s) => s >= 0 && s < 1 << TURN_WORDS_BITS)).toBe(true);
		expect(messageWordSlots([])).toHaveLength(1);
	});

	it('reads word order through the pairs', () => {
		const a = messageWordSlots(['not', 'working']);
		const b = messageWordSlots(['working', 'not']);
		expect(new Set(a)).not.toEqual(new Set(b));
		expect(a.slice(0, 1)).toEqual(b.slice(0, 1));
	});

	it("reads a message's first 48 words and a reply's first 24", () => {
		const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
		expect(messageWordSlots(words)).toEqual(messageWordSlots(words.slice(0, 48)));
		expect(messageWordSlots(words)).toHaveLength(1 + 48 + 47);
		expect(replyWordSlots(words)).toEqual(replyWordSlots(words.slice(0, 24)));
		expect(replyWordSlots(words)).toHaveLength(24);
	});

	it('reads every number as one word', () => {
		expect(messageWordSlots(['ok', '13'])).toEqual(messageWordSlots(['ok', '7']));
		expect(replyWordSlots(['4.2', 'now'])).toEqual(replyWordSlots(['2026', 'now']));
		expect(messageWordSlots(['ok', '13'])).not.toEqual(messageWordSlots(['ok', 'thirteen']));
	});

	it("keeps the message's and the reply's words apart", () => {
		expect(replyWordSlots(['working'])).not.toEqual(messageWordSlots(['working']).slice(1, 2));
		expect(replyWordSlots(['a', 'b'])).toHaveLength(2);
	});
});

describe('replyLogOdds', () => {
	it('adds up the failed row against the other, once per word read', () => {
		const model = createModel([...TURN_WORDS_LABELS], TURN_WORDS_BITS);
		const [a] = replyWordSlots(['a']);
		const [b] = replyWordSlots(['b']);
		model.rows[0][a] = 0.5;
		model.rows[1][a] = 2;
		model.rows[1][b] = -1;
		expect(replyLogOdds(interleave(model), ['a', 'b', 'a'])).toBeCloseTo(2 * 1.5 - 1);
		expect(replyLogOdds(interleave(model), [])).toBe(0);
	});
});

/** The training side's reading: the slots' failed weights against the other label's, by rows. */
const byRows = (model: LinearModel, slots: number[]) =>
	slots.reduce((sum, slot) => sum + model.rows[1][slot] - model.rows[0][slot], 0);

describe('messageLogOdds and replyLogOdds', () => {
	it('add up the same slots as the lists used in training', () => {
		const model = createModel([...TURN_WORDS_LABELS], TURN_WORDS_BITS);
		// Weights that differ slot by slot, so that a wrong slot would show.
		for (let i = 0; i < 1 << TURN_WORDS_BITS; i++) {
			model.rows[0][i] = Math.sin(i);
			model.rows[1][i] = Math.cos(i * 3);
		}
		const loaded = interleave(model);
		const words = 'ok but the light is still red after the reset'.split(' ');
		expect(messageLogOdds(loaded, words)).toBeCloseTo(byRows(model, messageWordSlots(words)), 9);
		expect(replyLogOdds(loaded, words)).toBeCloseTo(byRows(model, replyWordSlots(words)), 9);
		expect(responseLogOdds(loaded, words)).toBeCloseTo(byRows(model, responseWordSlots(words)), 9);
		const echoed = (token: string) => token === 'light' || token === 'reset';
		expect(messageLogOdds(loaded, words, echoed)).toBeCloseTo(
			byRows(model, messageWordSlots(words, TURN_WORDS_BITS, echoed)),
			9,
		);
		expect(messageLogOdds(loaded, words, echoed, true)).toBeCloseTo(
			byRows(model, messageWordSlots(words, TURN_WORDS_BITS, echoed, true)),
			9,
		);
	});
});

describe('words after a question of the bot', () => {
	it('add a bias and a second reading of each word to the plain ones', () => {
		const plain = messageWordSlots(['16:30', 'works']);
		const asked = messageWordSlots(['16:30', 'works'], TURN_WORDS_BITS, undefined, true);
		expect(plain.every((slot) => asked.includes(slot))).toBe(true);
		expect(asked).toHaveLength(plain.length + 1 + 2);
	});

	it('read a word apart from the same word after a statement', () => {
		const afterStatement = new Set(messageWordSlots(['he', 'is', '11']));
		const extra = messageWordSlots(['he', 'is', '11'], TURN_WORDS_BITS, undefined, true).filter(
			(slot) => !afterStatement.has(slot),
		);
		expect(extra).toHaveLength(1 + 3);
	});
});

describe('words the reply used', () => {
	const reply = new Set(['freeze', 'cache']);
	const echoed = (token: string) => reply.has(token);

	it('add the reply-word slot and its pairs to the plain ones', () => {
		const plain = messageWordSlots(['freeze', 'is', 'off']);
		const read = messageWordSlots(['freeze', 'is', 'off'], TURN_WORDS_BITS, echoed);
		expect(plain.every((slot) => read.includes(slot))).toBe(true);
		// The word itself, and its pair with the next word: "<reply word> is".
		expect(read).toHaveLength(plain.length + 2);
	});

	it('read the same pattern around different reply words alike', () => {
		const freeze = messageWordSlots(['freeze', 'is', 'off'], TURN_WORDS_BITS, echoed);
		const cache = messageWordSlots(['cache', 'is', 'off'], TURN_WORDS_BITS, echoed);
		const shared = freeze.filter((slot) => cache.includes(slot));
		// Bias, "is", "off", "is off", and the echo word and "<reply word> is".
		expect(shared).toHaveLength(6);
	});

	it("add nothing when no word is the reply's", () => {
		const words = ['still', 'red'];
		expect(messageWordSlots(words, TURN_WORDS_BITS, () => false)).toEqual(messageWordSlots(words));
	});
});

describe("words of the bot's reply to the message", () => {
	it('are read apart from the same words in the last reply and in the message', () => {
		const words = ['sorry', 'for', 'the', 'confusion'];
		const response = responseWordSlots(words);
		expect(response).toHaveLength(4);
		expect(response.filter((slot) => replyWordSlots(words).includes(slot))).toEqual([]);
		expect(response.filter((slot) => messageWordSlots(words).includes(slot))).toEqual([]);
	});

	it("read a reply's first 24 words, every number as one word", () => {
		const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
		expect(responseWordSlots(words)).toEqual(responseWordSlots(words.slice(0, 24)));
		expect(responseWordSlots(['ok', '13'])).toEqual(responseWordSlots(['ok', '7']));
	});
});
