import { normaliseText } from '../../../nodes/engine/normalise';
import {
	clausesOfReply,
	clausesOfShortMessage,
	segmentsOf,
} from '../../../nodes/engine/model/segments';

const tokens = (text: string) => normaliseText(text).tokens;

describe('segmentsOf', () => {
	it('keeps a short message whole', () => {
		expect(segmentsOf(tokens('Hi, can I talk to someone about my deposit?'))).toEqual([
			tokens('Hi, can I talk to someone about my deposit?'),
		]);
	});

	it('splits a long message at clause breaks, never inside a clause', () => {
		const text =
			'Hello, we moved in last week and the heating in the bedroom is not working at all. ' +
			'The radiator stays cold even when the thermostat is on the highest setting for hours. ' +
			'Also the kitchen tap is dripping. Could someone from maintenance call me this afternoon?';
		const segments = segmentsOf(tokens(text));
		expect(segments.length).toBeGreaterThan(1);
		const joined = segments.map((s) => s.join(' '));
		expect(
			joined.some((s) => s.includes('could someone from maintenance call me this afternoon')),
		).toBe(true);
		expect(joined.some((s) => s.includes('the heating in the bedroom is not working at all'))).toBe(
			true,
		);
	});

	it('cuts a long run without punctuation into overlapping windows', () => {
		const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
		const segments = segmentsOf(words);
		expect(segments.length).toBeGreaterThan(3);
		expect(segments.every((s) => s.length <= 16)).toBe(true);
		// Every pair of neighbouring words shares a window, so no two-word phrase is cut in half.
		for (let i = 0; i + 1 < words.length; i++) {
			expect(segments.some((s) => s.includes(words[i]) && s.includes(words[i + 1]))).toBe(true);
		}
	});
});

describe('clausesOfShortMessage', () => {
	it('gives each clause of a short message of several clauses', () => {
		expect(
			clausesOfShortMessage(tokens('I want the boss. My bill is far too high, 90 euros')),
		).toEqual([tokens('I want the boss'), tokens('My bill is far too high'), tokens('90 euros')]);
	});

	it('leaves out a clause of greetings alone', () => {
		expect(clausesOfShortMessage(tokens('Servus, der Router blinkt orange'))).toEqual([
			tokens('der Router blinkt orange'),
		]);
	});

	it('gives nothing for a message of one clause or a long one', () => {
		expect(clausesOfShortMessage(tokens('can someone call me back today'))).toEqual([]);
		const long = Array.from({ length: 20 }, (_, i) => `w${i}, v${i}`).join(' ');
		expect(tokens(long).length).toBeGreaterThan(30);
		expect(clausesOfShortMessage(tokens(long))).toEqual([]);
	});
});

describe('clausesOfReply', () => {
	it('gives each clause of a reply of several, however long', () => {
		const reply =
			'Hello and thanks for shopping with us! Sadly I cannot tell you whether we ship to ' +
			'Switzerland. Do try our new espresso blend, roasted here every Monday morning in small ' +
			'batches by our team of three roasters, with beans from Brazil and Ethiopia!';
		expect(tokens(reply).length).toBeGreaterThan(30);
		const clauses = clausesOfReply(tokens(reply));
		expect(clauses).toContainEqual(
			tokens('Sadly I cannot tell you whether we ship to Switzerland'),
		);
		expect(clauses.flat()).toEqual(tokens(reply).filter((token) => token !== '.'));
	});

	it('gives nothing for a reply of one clause', () => {
		expect(clausesOfReply(tokens('The apartment has two bathrooms'))).toEqual([]);
	});
});
