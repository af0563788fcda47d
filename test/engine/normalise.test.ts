import { normaliseText } from '../../nodes/engine';
import { editsOf } from '../../nodes/engine/normalise';

describe('normaliseText', () => {
	it('lowers case, strips accents and joins English contractions', () => {
		expect(normaliseText("I DON'T want Ça À éé").tokens).toEqual([
			'i',
			'dont',
			'want',
			'ca',
			'a',
			'ee',
		]);
	});

	it('splits elisions and keeps clause breaks as one token', () => {
		expect(normaliseText("J'aimerais parler à quelqu'un... vite!!").tokens).toEqual([
			'j',
			'aimerais',
			'parler',
			'a',
			'quelqu',
			'un',
			'.',
			'vite',
		]);
	});

	it('shortens stretched letters and maps chat spellings', () => {
		expect(normaliseText('heeelp pls, can u get me a hooman').tokens).toEqual([
			'help',
			'please',
			'.',
			'can',
			'you',
			'get',
			'me',
			'a',
			'human',
		]);
	});

	it('turns typographic apostrophes and ß into their plain forms', () => {
		expect(normaliseText('don’t weiß').tokens).toEqual(['dont', 'weiss']);
	});

	it('gives text padded with spaces for whole-word search', () => {
		expect(normaliseText('Hi, there').text).toBe(' hi . there ');
		expect(normaliseText('   ').tokens).toEqual([]);
	});

	it('lists one-edit typos of a word', () => {
		const edits = editsOf('human');
		expect(edits).toEqual(expect.arrayContaining(['huamn', 'humn', 'humen', 'humaan']));
		expect(edits).not.toContain('human');
	});
});

describe('normaliseText on adversarial input (one pass)', () => {
	const million = (unit: string) => unit.repeat(Math.ceil(1_000_000 / unit.length));

	it('shortens a million of one letter to one word', () => {
		expect(normaliseText(million('a')).tokens).toEqual(['a']);
	});

	it('reads a million characters of apostrophes, clauses and accents', () => {
		expect(normaliseText(million("don't ")).tokens.slice(0, 2)).toEqual(['dont', 'dont']);
		expect(normaliseText(million("l'a")).tokens.slice(0, 3)).toEqual(['l', 'al', 'al']);
		expect(new Set(normaliseText(million('x.')).tokens)).toEqual(new Set(['x', '.']));
		expect(normaliseText(million('é')).tokens).toEqual(['e']);
	});
});
