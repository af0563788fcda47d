/**
 * Text normalisation shared by every phrase family: lower case, no accents, contractions joined,
 * elisions split, punctuation reduced to clause breaks, stretched letters shortened and common
 * chat spellings mapped to their words. Phrase tables are written in this normalised form.
 */

/** Clause break token: sentences and commas split negation scope and phrase windows. */
export const CLAUSE = '.';

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[^\x00-\x7f]/;
// English contractions stay one word ("don't" → "dont", "I'm" → "im"); other apostrophes are
// elisions (French "l'agent", Italian "un'altra") and split into two words.
const CONTRACTION_ENDINGS = new Set(['t', 's', 'm', 're', 've', 'll', 'd']);
/** Sentence and clause punctuation: . , ; : ! ? ¿ ¡ ( ) [ ] … and line breaks. */
const CLAUSE_CODES = new Set([46, 44, 59, 58, 33, 63, 0xbf, 0xa1, 40, 41, 91, 93, 0x2026, 10, 13]);
/** ' ’ ‘ ʼ ` ´ */
const APOSTROPHE_CODES = new Set([39, 0x2019, 0x2018, 0x2bc, 96, 0xb4]);
/** Letters stretched this many times or more are one letter ("heeelp"). */
const STRETCH = 3;

/** Chat spellings and slang, mapped to the words the phrase tables use. */
const SPELLING_LIST: Record<string, string> = {
	u: 'you',
	r: 'are',
	ur: 'your',
	pls: 'please',
	plz: 'please',
	plse: 'please',
	pleas: 'please',
	thx: 'thanks',
	thnx: 'thanks',
	thanx: 'thanks',
	ty: 'thanks',
	tks: 'thanks',
	wanna: 'want to',
	wana: 'want to',
	gotta: 'have to',
	gimme: 'give me',
	lemme: 'let me',
	some1: 'someone',
	sum1: 'someone',
	somone: 'someone',
	sombody: 'somebody',
	any1: 'anyone',
	ppl: 'people',
	tlk: 'talk',
	spk: 'speak',
	hooman: 'human',
	hoomans: 'humans',
	humn: 'human',
	dosent: 'doesnt',
	doesent: 'doesnt',
	doent: 'doesnt',
	didint: 'didnt',
	cannot: 'cant',
	dunno: 'dont know',
	idk: 'i dont know',
	q: 'que',
	xq: 'porque',
	pq: 'porque',
	vc: 'voce',
	vcs: 'voces',
	tb: 'tambien',
	naum: 'nao',
	stp: 's il te plait',
	svp: 's il vous plait',
	jvx: 'je veux',
	chui: 'je suis',
	jsuis: 'je suis',
	dnk: 'danke',
	nen: 'einen',
};

const SPELLINGS = new Map(
	Object.entries(SPELLING_LIST).map(([typed, words]) => [typed, words.split(' ')]),
);

const LONGEST_SPELLING = Math.max(...Object.keys(SPELLING_LIST).map((typed) => typed.length));

export interface NormalisedText {
	/** Words and clause breaks, in order. */
	tokens: string[];
	/** The tokens joined by single spaces, with a space at each end, for phrase search. */
	readonly text: string;
}

/** What each character of folded text is to splitWords, by code: one table read per character. */
const OTHER = 0;
const WORD = 1;
const APOSTROPHE = 2;
const BREAK = 3;
const CODE_CLASS = new Uint8Array(0x10000);
for (let code = 97; code <= 122; code++) CODE_CLASS[code] = WORD;
for (let code = 48; code <= 57; code++) CODE_CLASS[code] = WORD;
for (const code of APOSTROPHE_CODES) CODE_CLASS[code] = APOSTROPHE;
for (const code of CLAUSE_CODES) CODE_CLASS[code] = BREAK;

/**
 * Chat spellings by first and last letter, one bit per length: most words cannot be one, and a
 * fresh word is not looked up (a lookup hashes the word).
 */
const SPELLING_SHAPES = new Uint32Array(128 * 128);
for (const typed of Object.keys(SPELLING_LIST)) {
	SPELLING_SHAPES[typed.charCodeAt(0) * 128 + typed.charCodeAt(typed.length - 1)] |=
		1 << typed.length;
}

function spellingOf(word: string): string[] | undefined {
	const first = word.charCodeAt(0);
	const last = word.charCodeAt(word.length - 1);
	if (word.length > LONGEST_SPELLING || first >= 128 || last >= 128) return undefined;
	return SPELLING_SHAPES[first * 128 + last] & (1 << word.length) ? SPELLINGS.get(word) : undefined;
}

/** Folds case and accents: "Ça" → "ca", "weiß" → "weiss". */
export function fold(raw: string): string {
	const lower = raw.toLowerCase();
	if (!NON_ASCII.test(lower)) return lower;
	return lower
		.replace(/\u00df/g, 'ss')
		.normalize('NFD')
		.replace(COMBINING_MARKS, '');
}

const STRETCHED = /([a-z])\1{2,}/g;

/**
 * One pass over the folded text: words of a-z and 0-9, clause breaks, contractions joined,
 * stretched letters shortened, chat spellings replaced, no clause break at the end. Words are sliced, not built a letter at a time, because this runs
 * on every message and long messages dominate its cost.
 */
function splitWords(text: string): string[] {
	const words: string[] = [];
	let start = -1;
	let run = 0;
	let previous = -1;
	let stretched = false;
	let joined = '';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const kind = CODE_CLASS[code];
		if (kind === WORD) {
			if (start < 0) {
				start = i;
				run = 1;
			} else if (code !== previous) run = 1;
			else if (++run === STRETCH) stretched = true;
			previous = code;
			continue;
		}
		previous = -1;
		if (start < 0 && kind === OTHER) continue;
		if (start >= 0 && kind === APOSTROPHE) {
			let end = i + 1;
			while (end < text.length && CODE_CLASS[text.charCodeAt(end)] === WORD) end++;
			if (CONTRACTION_ENDINGS.has(text.slice(i + 1, end))) {
				joined += text.slice(start, i);
				start = i + 1;
				i = end - 1;
				continue;
			}
		}
		if (start >= 0) {
			const word = joined + text.slice(start, i);
			pushWord(words, stretched ? word.replace(STRETCHED, '$1') : word);
			start = -1;
			joined = '';
			stretched = false;
		}
		if (kind === BREAK && words.length > 0 && words[words.length - 1] !== CLAUSE) {
			words.push(CLAUSE);
		}
	}
	if (start >= 0) {
		const word = joined + text.slice(start);
		pushWord(words, stretched ? word.replace(STRETCHED, '$1') : word);
	}
	while (words.length > 0 && words[words.length - 1] === CLAUSE) words.pop();
	return words;
}

/** A word, or the words a chat spelling stands for ("u" → "you"). */
function pushWord(words: string[], word: string): void {
	const spelled = spellingOf(word);
	if (spelled === undefined) words.push(word);
	else for (const part of spelled) words.push(part);
}

export function normaliseText(raw: string): NormalisedText {
	return new Normalised(splitWords(fold(raw)));
}

/** The joined text is built on first read: a bot reply's is rarely needed, and joining cost more than splitting. */
class Normalised implements NormalisedText {
	private joined: string | undefined;
	constructor(readonly tokens: string[]) {}
	get text(): string {
		this.joined ??= ` ${this.tokens.join(' ')} `;
		return this.joined;
	}
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Every spelling one edit away from `word` (a letter dropped, added, changed, or two swapped).
 * Used once at load to map typos of the key words ("reprsentative", "humna") to the word itself.
 */
export function editsOf(word: string): string[] {
	const edits: string[] = [];
	for (let i = 0; i <= word.length; i++) {
		const head = word.slice(0, i);
		const tail = word.slice(i);
		if (tail.length > 0) edits.push(head + tail.slice(1));
		if (tail.length > 1) edits.push(head + tail[1] + tail[0] + tail.slice(2));
		for (const letter of ALPHABET) {
			if (tail.length > 0 && letter !== tail[0]) edits.push(head + letter + tail.slice(1));
			edits.push(head + letter + tail);
		}
	}
	return edits;
}
