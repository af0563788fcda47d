import { analyseContactRequest, tagTokensOnce, type WordReadings } from '../contactRequest';
import { CLAUSE, fold, type NormalisedText } from '../normalise';
import {
	clauseReadingOf,
	getLexicon,
	lookUpWord,
	Tag,
	type WordEntry,
	type WordTree,
} from '../lexicon';
import { fnv, mix } from './hashing';
import { WHOLE_UP_TO } from './segments';

/**
 * What the learned scorer sees of a text: hashed word 1-3-grams, character 3-5-grams inside
 * words (robust to typos and inflection), and the grammar's own readings — word classes of the
 * phrase tables in order, and whether a request was found, negated, or aimed at someone's own
 * person. The grammar stays the explainable part; the weights decide how far to trust it.
 */

export type TextKind = 'user' | 'bot';

const FAMILY = {
	word: fnv('w'),
	bigram: fnv('b'),
	trigram: fnv('t'),
	chars: fnv('c'),
	tag: fnv('g'),
	tagPair: fnv('p'),
	signal: fnv('s'),
	bias: fnv('bias'),
};

/** Character 4-grams inside words: measured by leaving writers out, 3–5-grams overfit and 4-grams alone beat none. */
const CHAR_MIN = 4;
const CHAR_MAX = 4;
/** Longer words are rare and give nothing the first letters do not. */
const CHAR_WORD_LIMIT = 24;

/** Word classes in the order one is picked to stand for a phrase that has several. */
const TAG_NAMES: Array<[number, string]> = [
	[Tag.inability, 'inability'],
	[Tag.negation, 'neg'],
	[Tag.nobody, 'nobody'],
	[Tag.callback, 'callback'],
	[Tag.person, 'person'],
	[Tag.someone, 'someone'],
	[Tag.role, 'role'],
	[Tag.who, 'who'],
	[Tag.phone, 'phone'],
	[Tag.money, 'money'],
	[Tag.past, 'past'],
	[Tag.booking, 'booking'],
	[Tag.presence, 'presence'],
	[Tag.count, 'count'],
	[Tag.name, 'name'],
	[Tag.reach, 'reach'],
	[Tag.want, 'want'],
	[Tag.act, 'act'],
	[Tag.bot, 'bot'],
	[Tag.refuse, 'refuse'],
	[Tag.possessive, 'poss'],
	[Tag.self, 'self'],
	[Tag.notPerson, 'notperson'],
	[Tag.questionNegation, 'qneg'],
	[Tag.deferral, 'deferral'],
	[Tag.variesBy, 'varies'],
	[Tag.adviceTopic, 'advice'],
];

function primaryTag(tags: number): string | undefined {
	for (const [bit, name] of TAG_NAMES) if (tags & bit) return name;
	return undefined;
}

/**
 * Collects hashed feature slots; repeated features count once per occurrence. The slots live in a
 * buffer that one sink reuses from text to text: scoring reads them at once and keeps none.
 */
export class FeatureSink {
	private buffer = new Int32Array(256);
	/** How many slots of the buffer hold this text's features. */
	count = 0;
	/**
	 * With `weights` (a model's slot-major weights, `labels` per slot), a sink that scores: each
	 * word's own and character n-gram weights are added up once per distinct word and kept, and
	 * land here label by label instead of as slots. A long message's words are mostly known, and
	 * their n-grams were most of the slots predict() read. Float32 weights add up exactly in a
	 * float64, so the sums do not depend on the order: the probabilities are the same.
	 */
	readonly wordSums: Float64Array;
	/**
	 * Each known word's sums by its index (KnownWord.index), in one table per sink: an array per
	 * word took about 600 bytes each, 12 MB when the word cache is full; this takes 8 bytes per
	 * label and word, allocated in full when the sink first scores.
	 */
	knownSums?: { sums: Float64Array; filled: Uint8Array; generation: number };
	constructor(
		readonly mask: number,
		readonly weights?: Float32Array,
		readonly labels = 0,
	) {
		this.wordSums = new Float64Array(weights === undefined ? 0 : labels);
	}
	reset(): void {
		this.count = 0;
		this.wordSums.fill(0);
	}
	add(hash: number): void {
		if (this.count === this.buffer.length) {
			const grown = new Int32Array(this.buffer.length * 2);
			grown.set(this.buffer);
			this.buffer = grown;
		}
		this.buffer[this.count++] = hash & this.mask;
	}
	signal(name: string): void {
		this.add(signalHash(name));
	}
	/** The collected slots, in a buffer valid until the next reset. */
	get slots(): Int32Array {
		return this.buffer.subarray(0, this.count);
	}
}

/** Signal names are few and fixed: each is hashed once. */
const SIGNAL_HASHES = new Map<string, number>();

function signalHash(name: string): number {
	let hash = SIGNAL_HASHES.get(name);
	if (hash === undefined) {
		hash = fnv(name, FAMILY.signal);
		if (SIGNAL_HASHES.size < 1000) SIGNAL_HASHES.set(name, hash);
	}
	return hash;
}

const CLAUSE_HASH = fnv(CLAUSE);

/**
 * A word's own hash, its character n-gram hashes and its entry in the grammar's tables, kept per
 * distinct word: most words of a message were seen before, and hashing each one's n-grams again
 * was the costliest step of reading a long message; the word classes then need no second lookup.
 * Bounded: emptied when full, so odd input cannot grow it.
 */
interface KnownWord {
	hashes: Int32Array;
	entry: WordEntry | undefined;
	/** How the request grammar reads it (clauseReadingOf): looked up once, not once per segment. */
	clauseReading: number;
	/** The order in which the word joined the cache: its row in each scoring sink's sums. */
	index: number;
}
const KNOWN_WORDS = new Map<string, KnownWord>();
const KNOWN_WORDS_LIMIT = 20_000;
/** Counts the times the cache was emptied: the sinks' sums of an earlier count are stale. */
let knownGeneration = 0;

function knownWord(token: string): KnownWord {
	let known = KNOWN_WORDS.get(token);
	if (known === undefined) {
		const chars: number[] = [];
		if (token !== CLAUSE) addCharacters(token, chars);
		if (KNOWN_WORDS.size >= KNOWN_WORDS_LIMIT) {
			KNOWN_WORDS.clear();
			knownGeneration++;
		}
		known = {
			hashes: Int32Array.from([fnv(token), ...chars]),
			entry: lookUpWord(token),
			clauseReading: clauseReadingOf(token),
			index: KNOWN_WORDS.size,
		};
		KNOWN_WORDS.set(token, known);
	}
	return known;
}

/** What the tables say of the words addWords read last, by position (buffers reused text to text). */
const entries: Array<WordEntry | undefined> = [];
const clauseReadings: number[] = [];
const lastWords: WordReadings = { entries, clauseReadings };
const readLastWords = () => lastWords;

/** wordReadingsOf's buffers, reused: the grammar reads them at once and keeps none. */
const wholeEntries: Array<WordEntry | undefined> = [];
const wholeClauseReadings: number[] = [];
const wholeWords: WordReadings = { entries: wholeEntries, clauseReadings: wholeClauseReadings };

/**
 * What the tables say of each word of `tokens`, for the grammar's reading of a whole message: its
 * words were mostly just read by the scorer, so they are found in the cache. Valid until the next
 * call.
 */
export function wordReadingsOf(tokens: string[]): WordReadings {
	wholeEntries.length = tokens.length;
	wholeClauseReadings.length = tokens.length;
	for (let i = 0; i < tokens.length; i++) {
		const known = knownWord(tokens[i]);
		wholeEntries[i] = known.entry;
		wholeClauseReadings[i] = known.clauseReading;
	}
	return wholeWords;
}

/**
 * Adds a word's own and character n-gram weights, label by label, into a scoring sink's wordSums;
 * the sums are worked out on the word's first reading by this sink and kept in its table.
 */
function addWordSums(known: KnownWord, sink: FeatureSink): void {
	const labels = sink.labels;
	let table = sink.knownSums;
	if (table === undefined) {
		table = {
			sums: new Float64Array(KNOWN_WORDS_LIMIT * labels),
			filled: new Uint8Array(KNOWN_WORDS_LIMIT),
			generation: knownGeneration,
		};
		sink.knownSums = table;
	} else if (table.generation !== knownGeneration) {
		table.filled.fill(0);
		table.generation = knownGeneration;
	}
	const row = known.index * labels;
	if (table.filled[known.index] === 0) {
		const weights = sink.weights as Float32Array;
		const hashes = known.hashes;
		// The row may hold a word of an earlier generation.
		table.sums.fill(0, row, row + labels);
		for (let k = 0; k < hashes.length; k++) {
			// The word itself is hashed into its family; its n-gram hashes are slots as they are.
			const slot = (k === 0 ? mix(hashes[0] >>> 0, FAMILY.word) : hashes[k]) & sink.mask;
			for (let l = 0; l < labels; l++) table.sums[row + l] += weights[slot * labels + l];
		}
		table.filled[known.index] = 1;
	}
	for (let l = 0; l < labels; l++) sink.wordSums[l] += table.sums[row + l];
}

/** Words, pairs and triples of words: each word is hashed once, n-grams combine the hashes. */
function addWords(tokens: string[], sink: FeatureSink): void {
	let previous = CLAUSE_HASH;
	let beforePrevious = CLAUSE_HASH;
	entries.length = tokens.length;
	clauseReadings.length = tokens.length;
	const scoring = sink.weights !== undefined;
	for (let i = 0; i < tokens.length; i++) {
		const known = knownWord(tokens[i]);
		entries[i] = known.entry;
		clauseReadings[i] = known.clauseReading;
		const hashes = known.hashes;
		const word = hashes[0] >>> 0;
		if (scoring) addWordSums(known, sink);
		else {
			sink.add(mix(word, FAMILY.word));
			for (let k = 1; k < hashes.length; k++) sink.add(hashes[k]);
		}
		const pair = mix(previous, word);
		sink.add(mix(pair, FAMILY.bigram));
		sink.add(mix(mix(beforePrevious, pair), FAMILY.trigram));
		beforePrevious = previous;
		previous = word;
	}
	sink.add(mix(mix(previous, CLAUSE_HASH), FAMILY.bigram));
}

function addCharacters(token: string, into: number[]): void {
	const padded = `<${token.length > CHAR_WORD_LIMIT ? token.slice(0, CHAR_WORD_LIMIT) : token}>`;
	for (let n = CHAR_MIN; n <= CHAR_MAX; n++) {
		for (let start = 0; start + n <= padded.length; start++) {
			into.push(fnv(padded, FAMILY.chars ^ n, start, start + n));
		}
	}
}

/**
 * Words written with a capital inside a sentence: names of people ("is Marta in today?"). German
 * capitalises every noun, so this is a hint for the weights, not a rule.
 */
function namesIn(raw: string): Set<string> {
	const names = new Set<string>();
	const words = /[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+/g;
	for (let match = words.exec(raw); match !== null; match = words.exec(raw)) {
		if (startsSentence(raw, match.index)) continue;
		names.add(fold(match[0]));
		if (names.size >= 8) break;
	}
	return names;
}

const SPACE = /\s/;

/**
 * A word at the start of the text or of a sentence: after . ! ? or a line break, spaces between.
 * Read backwards over the spaces before the word only, so that each space is read once: the
 * regular expression this replaces tried every line break again up to the next capital, which is
 * quadratic in a text of blank lines.
 */
function startsSentence(raw: string, at: number): boolean {
	if (at === 0) return true;
	let k = at - 1;
	for (; k >= 0 && SPACE.test(raw[k]); k--) if (raw[k] === '\n') return true;
	return k >= 0 && (raw[k] === '.' || raw[k] === '!' || raw[k] === '?');
}

/** Word classes in order, per clause: each class of a word, and pairs of neighbouring classes. */
const TAG_HASHES: Array<[number, number]> = TAG_NAMES.map(([bit, name]) => [
	bit,
	fnv(name, FAMILY.tag),
]);
const TAG_PAIR_SEED: Record<string, number> = Object.fromEntries(
	[...TAG_NAMES.map(([, name]) => name), 'start'].map((name) => [name, fnv(name)]),
);
const END_HASH = fnv('end');

/** What a word's classes add, by class bits: computed once per distinct set of bits. */
interface TagFeatures {
	hashes: number[];
	/** Seed of the class that stands for the word in pairs of neighbouring classes. */
	primarySeed: number;
}
const TAG_FEATURES = new Map<number, TagFeatures | null>();

function tagFeatures(tags: number): TagFeatures | null {
	let found = TAG_FEATURES.get(tags);
	if (found === undefined) {
		const primary = primaryTag(tags);
		found =
			primary === undefined
				? null
				: {
						primarySeed: TAG_PAIR_SEED[primary],
						hashes: TAG_HASHES.filter(([bit]) => tags & bit).map(([, hash]) => hash),
					};
		TAG_FEATURES.set(tags, found);
	}
	return found;
}

/** `known`: the tokens' table entries by position, as addWords just read them. */
function addTags(
	tokens: string[],
	known: ArrayLike<WordEntry | undefined>,
	names: Set<string>,
	sink: FeatureSink,
): boolean {
	const start = TAG_PAIR_SEED.start;
	let previous = start;
	let varies = false;
	for (const item of tagTokensOnce(tokens, known)) {
		if (item.tags & Tag.clause) {
			previous = start;
			continue;
		}
		const tags = names.size > 0 && names.has(item.text) ? item.tags | Tag.name : item.tags;
		if (tags === 0) continue;
		if (tags & Tag.variesBy) varies = true;
		const features = tagFeatures(tags);
		if (features === null) continue;
		for (const hash of features.hashes) sink.add(hash);
		sink.add(mix(mix(previous, features.primarySeed), FAMILY.tagPair));
		previous = features.primarySeed;
	}
	if (previous !== start) sink.add(mix(mix(previous, END_HASH), FAMILY.tagPair));
	return varies;
}

function lengthBucket(tokens: number): string {
	if (tokens <= 1) return 'len:1';
	if (tokens <= 3) return 'len:3';
	if (tokens <= 8) return 'len:8';
	if (tokens <= 20) return 'len:20';
	return 'len:long';
}

/**
 * "Call me Dani", "llámame Pepe", "nennen Sie mich Frau Krüger": a call phrase followed by a name
 * or a title is how the contact wants to be addressed, not a call-back.
 */
const CALL_ME = new RegExp(
	'(?:^|[^\\p{L}])(?:' +
		[
			'call me',
			'you can call me',
			'll[aá]m[ae]me',
			'll[aá]menme',
			'puedes? llamarme',
			'me puedes? llamar',
			'll[aá]madme',
			'me pod[eé]is llamar',
			'appelle[- ]moi',
			'appelez[- ]moi',
			"m['’]appeler",
			'nennen sie mich',
			'nennt mich',
			'nenn mich',
			'sagen sie (?:einfach |ruhig )?',
			'chamar(?:-me)? de',
			'me chama de',
			'me chame de',
			'trat[ae]r?-me por',
			'chiamami',
			'chiamatemi',
			'chiamarmi',
			'mi chiami',
			'noem me',
			'noem mij',
			'zeg maar',
		].join('|') +
		')(?: (?:just|simply|solo|sólo|simplemente|juste|simplement|tout simplement|einfach|ruhig|gern|só|apenas|pure|semplicemente|gewoon|maar))? (\\p{L}+)',
	'giu',
);
/** Long e-mails: the name is given near the start; the regular expression stays linear anyway. */
const MAX_CALL_ME_SCAN = 2000;
const TITLES = new Set(
	'mr mrs ms miss dr doc sir madam don doña dona señor señora sr sra monsieur madame mademoiselle mme frau herr dom seu senhor senhora signora signor signore dottor dottoressa meneer mevrouw'.split(
		' ',
	),
);

/** A stem of every call phrase above, same flags: a text without one needs no full scan. */
const CALL_STEMS = /call|ll[aá]m|appel|nenn|sagen|cham|trat|chiam|noem|zeg/iu;

export function callsMeByName(raw: string): boolean {
	CALL_ME.lastIndex = 0;
	if (raw.length > MAX_CALL_ME_SCAN) raw = raw.slice(0, MAX_CALL_ME_SCAN);
	if (!CALL_STEMS.test(raw)) return false;
	for (let match = CALL_ME.exec(raw); match !== null; match = CALL_ME.exec(raw)) {
		const word = match[1];
		if (TITLES.has(word.toLowerCase()) || (word[0] !== word[0].toLowerCase() && word.length > 1))
			return true;
	}
	return false;
}

/** An amount of money: "$300", "250 €", "40 quid", "R$ 50". */
const AMOUNT =
	/(?:[$€£]|r\$)\s?\d|\d\s?(?:[$€£]|k\b|eur\b|euros?\b|dollars?\b|usd\b|reais\b|quid\b|pounds?\b|bucks\b|pesos\b)/i;

/**
 * A word of calling or ringing in any of the languages, in any person or tense ("calls", "llaman",
 * "appelez", "ruft", "anrufen", "ligam", "chiamano", "belt"): the tables hold only the forms that ask.
 */
const CALL_WORD =
	/^(?:call|ring|phon|llam|appel|telefon|chiam|bell|gebeld)|^(?:an|ange|zuruck|ruck)?ruf|^lig(?:a|am|ou|ar|ando|acao|acoes|ue|uem)$|^bel(?:t|de|den)$/;

/** Whether the tokens hold, as a run of words, any phrase of `phrases`. */
function holdsPhraseOf(phrases: WordTree, tokens: string[]): boolean {
	for (let i = 0; i < tokens.length; i++) {
		let node = phrases.next.get(tokens[i]);
		for (let n = 1; node !== undefined; n++) {
			if (node.end) return true;
			node = i + n < tokens.length ? node.next.get(tokens[i + n]) : undefined;
		}
	}
	return false;
}

/** Whether the tokens hold a phrase of how often something keeps happening (LanguagePhrases.habitual). */
export function saysHowOften(tokens: string[]): boolean {
	return holdsPhraseOf(getLexicon().habituals, tokens);
}

/** A phrase of how often with a word of calling: "they keep calling me", "ruft ständig an". */
function callsHabitually(tokens: string[]): boolean {
	return saysHowOften(tokens) && tokens.some((token) => CALL_WORD.test(token));
}

/** Grammar readings of a contact's message (its words just read by addWords). */
function addUserSignals(tokens: string[], raw: RawReading, sink: FeatureSink): void {
	const reading = analyseContactRequest(tokens, readLastWords);
	if (reading.request !== undefined) sink.signal('request');
	if (reading.negated) sink.signal('request-negated');
	if (reading.owned) sink.signal('person-owned');
	// "Someone from your company keeps calling me", "Mich ruft ständig jemand an": a call that keeps
	// coming is one the contact gets. The weights learn how far that outweighs a call asked for.
	if (raw.mayCallHabitually && callsHabitually(tokens)) {
		sink.signal('call-habitual');
	}
	// The phrase tables of complaints and thanks are not read here: the weights learn those words
	// themselves (measured: no loss without them, and two regular expressions less per segment).
}

/** Up to this many words, a reply that says it cannot answer says nothing else. */
const SHORT_REPLY = 8;

function addBotSignals(text: string, words: number, sink: FeatureSink): void {
	const { noAnswer, noAnswerExceptions } = getLexicon();
	const cannot = noAnswer.test(text);
	if (cannot) sink.signal('no-answer');
	// "I'm not sure." alone, not "I'm not sure, but I think it opens at 9": the hedge is all there is.
	if (cannot && words <= SHORT_REPLY) sink.signal('no-answer-only');
	if (cannot && noAnswerExceptions.test(text)) sink.signal('no-answer-exception');
}

/**
 * What the original text shows that normalisation drops: capitalised names, question marks,
 * emoji, amounts. Read once per text, shared by all its segments.
 */
export interface RawReading {
	names: Set<string>;
	signals: string[];
	/** Hashes of the first few emoji and symbols. */
	symbols: number[];
	/**
	 * False when the whole text says of no call that it keeps coming: none of its segments can
	 * then, as a segment's words are a run of the text's (read once per text, not per segment).
	 */
	mayCallHabitually: boolean;
}

const MAX_RAW_SCAN = 4000;
// Bounded repetitions: linear on any text.
const PHONE_NUMBER = /(?:\+|\b)\d{2,4}[ ./-]?\(?\d{2,4}\)?[ ./-]?\d{2,4}(?:[ ./-]?\d{2,4})?\b/;
const EMAIL_ADDRESS = /[\w.+-]{1,64}@[\w-]{1,63}\.[a-z]{2,}/i;
/** A web address: a scheme, "www." or a known domain ending after a letter or digit. */
const WEB_SCHEME = /https?:\/\/|\bwww\./;
/** Searched from the dot: a pattern opening with a literal is found faster than one opening with \w. */
const DOMAIN_ENDING = /\.(?:com|net|org|io|es|fr|de|it|nl|pt|br|mx|be|ch|at|co\.uk)\b/g;
const WORD_CHARACTER = /\w/;

function hasWebAddress(raw: string): boolean {
	if ((raw.includes('://') || raw.includes('www.')) && WEB_SCHEME.test(raw)) return true;
	DOMAIN_ENDING.lastIndex = 0;
	for (let match = DOMAIN_ENDING.exec(raw); match !== null; match = DOMAIN_ENDING.exec(raw)) {
		if (match.index > 0 && WORD_CHARACTER.test(raw[match.index - 1])) return true;
	}
	return false;
}
/**
 * A line that opens with a short label and a colon, as forms and e-mail templates write fields:
 * "Role: Manager", "Contact number: 0161 …", "Recapito telefonico: 06 …". A role or a phone
 * number written there is an answer to the form, not a request. Not "https://" or "10:30".
 */
const FORM_FIELD = /(?:^|\n)[ \t]*\p{L}[\p{L}\p{M} .'’/-]{0,30}:[ \t]*[^\s/]/gu;

/** How many lines of `raw` are form fields, counted up to two. */
function formFieldsIn(raw: string): number {
	if (!raw.includes(':')) return 0;
	FORM_FIELD.lastIndex = 0;
	let count = 0;
	while (count < 2 && FORM_FIELD.exec(raw) !== null) count++;
	return count;
}

const DIGIT = /\d/;
/** A bot reply without a digit or a figure in words: no figure, time or date in it. */
const NO_FIGURE = 'no-figure';
const MAX_SYMBOLS = 8;
const ONLY_PUNCTUATION = /^[?!. ]*$/;
/** Emoji and symbols start at U+2000; one search finds the first (a loop in JavaScript cost more). */
const SYMBOL = /[\u2000-\uffff]/;

export function readRaw(kind: TextKind, text: string): RawReading {
	const raw = text.length > MAX_RAW_SCAN ? text.slice(0, MAX_RAW_SCAN) : text;
	const signals: string[] = [];
	if (raw.includes('?')) signals.push('question-mark');
	if (raw.includes('??')) signals.push('double-question');
	// Digits, phone numbers and amounts all need a digit: most texts have none.
	const digits = DIGIT.test(raw);
	if (digits && /\d{3}/.test(raw)) signals.push('digits');
	// Contact details: a reply that sends the contact to a line or an address instead of answering.
	if (digits && PHONE_NUMBER.test(raw)) signals.push('phone-number');
	// Cheap tests first: most texts have no "@" and no dot followed by a letter.
	if (raw.includes('@') && EMAIL_ADDRESS.test(raw)) signals.push('email-address');
	if (hasWebAddress(raw)) signals.push('web-address');
	if (ONLY_PUNCTUATION.test(raw.trim())) signals.push('only-punctuation');
	if (kind === 'user') {
		if (callsMeByName(raw)) signals.push('call-me-name');
		if (digits && AMOUNT.test(raw)) signals.push('amount');
		const fields = formFieldsIn(raw);
		if (fields > 0) signals.push(fields > 1 ? 'form-fields' : 'form-field');
	}
	const symbols: number[] = [];
	// By code unit: most texts have no symbol, and a string per character cost more than the rest.
	const first = raw.search(SYMBOL);
	for (let i = first < 0 ? raw.length : first; i < raw.length; i++) {
		if (raw.charCodeAt(i) < 0x2000) continue;
		const point = raw.codePointAt(i) ?? 0;
		symbols.push(fnv(String.fromCodePoint(point), FAMILY.signal));
		if (symbols.length >= MAX_SYMBOLS) break;
		if (point > 0xffff) i++;
	}
	return {
		names: /[A-ZÀ-Þ]/.test(raw) ? namesIn(raw) : new Set(),
		signals,
		symbols,
		mayCallHabitually: kind === 'user',
	};
}

/**
 * Whether a text gives a figure, a time or a date: a digit, or words (LanguagePhrases.figureWords)
 * as people write "in two days", "a las cinco", "am Montag". Without the words, a reply that
 * spells its figure out read as one that gives none.
 */
function givesFigure(raw: string, tokens: string[]): boolean {
	return DIGIT.test(raw) || holdsPhraseOf(getLexicon().figureWords, tokens);
}

/**
 * A reply read against the contact's question it answers: asked for a figure, a time or a date
 * ("how much is the deposit?"), a reply without a figure or a word of "free" gave none ("the
 * deposit depends on the property"). Added to the reply's raw signals; the weights decide how much
 * it counts (most hedges and deferrals answer such questions, few answers do without a figure).
 */
function answerSignals(question: NormalisedText, reply: NormalisedText, figure: boolean): string[] {
	const { asksForFigure, freeOfCharge } = getLexicon();
	if (!asksForFigure.test(question.text)) return [];
	const given = figure || freeOfCharge.test(reply.text);
	return [given ? 'figure-asked-given' : 'figure-asked-none'];
}

/** Beyond this many words a long text is also very long (about six of its segments). */
const VERY_LONG_TEXT = 80;

/**
 * A text's raw reading, a bot reply's read against the contact's message it answers when that is
 * known: the engine and the training both read through here, so the two cannot drift apart.
 */
export function readRawAnswering(
	kind: TextKind,
	raw: string,
	text: NormalisedText,
	question?: NormalisedText,
): RawReading {
	const reading = readRaw(kind, raw);
	// Every segment of a long text knows it is one: a disclaimer that opens a long answer ("I can't
	// give medical advice. That said, yes: fast for 12 hours") weighs less than the same words alone.
	if (text.tokens.length > WHOLE_UP_TO) reading.signals.push('long-text');
	if (text.tokens.length > VERY_LONG_TEXT) reading.signals.push('very-long-text');
	if (reading.mayCallHabitually) reading.mayCallHabitually = callsHabitually(text.tokens);
	if (kind === 'bot') {
		const figure = givesFigure(raw, text.tokens);
		if (!figure) reading.signals.push(NO_FIGURE);
		// "The date hasn't been confirmed yet": not known, where "we don't do roofs" answers.
		if (getLexicon().notYetKnown.test(text.text)) reading.signals.push('not-yet-known');
		if (question !== undefined) reading.signals.push(...answerSignals(question, text, figure));
	}
	return reading;
}

/** Hashed features of one normalised text (a whole message or one segment of a long one). */
export function extractFeatures(
	kind: TextKind,
	tokens: string[],
	raw: RawReading,
	mask: number,
): number[] {
	const sink = new FeatureSink(mask);
	addFeatures(kind, tokens, raw, sink);
	return Array.from(sink.slots);
}

/**
 * extractFeatures into a sink the caller reuses (emptied first). `replyMayDecline` false says the
 * whole reply holds no phrase of declining (mayDecline), so no segment of it can: the test is skipped.
 */
export function addFeatures(
	kind: TextKind,
	tokens: string[],
	raw: RawReading,
	sink: FeatureSink,
	replyMayDecline = true,
): void {
	sink.reset();
	sink.add(FAMILY.bias);
	sink.signal(kind === 'user' ? 'user' : 'bot');
	addWords(tokens, sink);
	const varies = addTags(tokens, entries, raw.names, sink);
	// "It depends on your plan", "Die Lieferzeit variiert" with no figure anywhere in the reply: the
	// hedge is all the answer there is. With a figure ("usually 3 days; yours left yesterday") the
	// same words answer. A linear model cannot join the two by itself.
	if (varies && kind === 'bot' && raw.signals.includes(NO_FIGURE)) sink.signal('varies-no-figure');
	sink.signal(lengthBucket(tokens.length));
	for (const signal of raw.signals) sink.signal(signal);
	for (const symbol of raw.symbols) sink.add(symbol);
	if (kind === 'user') addUserSignals(tokens, raw, sink);
	else if (replyMayDecline) addBotSignals(` ${tokens.join(' ')} `, tokens.length, sink);
}

/**
 * Whether a bot reply holds a phrase of declining anywhere: a segment's words are a run of the
 * whole text's, so a reply without one needs no test per segment.
 */
export function mayDecline(text: string): boolean {
	return getLexicon().noAnswer.test(text);
}
