import { CLAUSE, editsOf } from './normalise';
import type { LanguagePhrases } from './languages/LanguagePhrases';
import { english } from './languages/en';
import { spanish } from './languages/es';
import { french } from './languages/fr';
import { german } from './languages/de';
import { portuguese } from './languages/pt';
import { italian } from './languages/it';
import { dutch } from './languages/nl';

export const LANGUAGES: Record<string, LanguagePhrases> = {
	en: english,
	es: spanish,
	fr: french,
	de: german,
	pt: portuguese,
	it: italian,
	nl: dutch,
};

/** Word classes of the contact-request grammar, as bits so that a phrase can be in several. */
export const Tag = {
	person: 1 << 0,
	someone: 1 << 1,
	nobody: 1 << 2,
	reach: 1 << 3,
	want: 1 << 4,
	act: 1 << 5,
	callback: 1 << 6,
	negation: 1 << 7,
	questionNegation: 1 << 8,
	possessive: 1 << 9,
	self: 1 << 10,
	notPerson: 1 << 11,
	bot: 1 << 12,
	refuse: 1 << 13,
	filler: 1 << 14,
	clause: 1 << 15,
	role: 1 << 16,
	who: 1 << 17,
	phone: 1 << 18,
	money: 1 << 19,
	past: 1 << 20,
	booking: 1 << 21,
	presence: 1 << 22,
	count: 1 << 23,
	name: 1 << 24,
	inability: 1 << 25,
	negationAfter: 1 << 26,
	/** A negation in one language that is an ordinary word in another (see AMBIGUOUS_NEGATIONS). */
	ambiguous: 1 << 27,
	deferral: 1 << 28,
	variesBy: 1 << 29,
	adviceTopic: 1 << 30,
	/** The last bit: negative as a number, which the tests of `&` do not mind. */
	whoAddress: 1 << 31,
} as const;

/**
 * Negation words of one language that are ordinary words of another, and the tables are shared by
 * all seven: French and Italian "ne" and French "n" (n') are German and Dutch articles ("mit ne
 * Person", "n Techniker", Dutch "'n medewerker"), Portuguese "nem" is German "einem" ("mit nem
 * Menschen reden"), Italian "mai" is May in French and German, French "plus" is English and German
 * "plus", French "pas" is Dutch "card" and "not until" ("bel me pas na vijven"). The grammar still
 * reads them as negation, but a request negated by one of them alone is left to the weights (see
 * ContactReading.firmlyNegated); two of them together ("ne … pas") negate firmly.
 */
const AMBIGUOUS_NEGATIONS = ['ne', 'n', 'nem', 'mai', 'plus', 'pas'];

const TAGGED_LISTS: Array<[keyof LanguagePhrases, number]> = [
	['person', Tag.person],
	['someone', Tag.someone],
	['nobody', Tag.nobody],
	['reach', Tag.reach],
	['want', Tag.want],
	['act', Tag.act],
	['callback', Tag.callback],
	['negation', Tag.negation],
	['needless', Tag.negation],
	['aboutTo', Tag.negation],
	['questionNegation', Tag.questionNegation],
	['possessive', Tag.possessive],
	['self', Tag.self],
	['notPerson', Tag.notPerson],
	['bot', Tag.bot],
	['refuse', Tag.refuse],
	['filler', Tag.filler],
	['clauseBreak', Tag.clause],
	['role', Tag.role],
	['who', Tag.who],
	['whoWith', Tag.who],
	['phone', Tag.phone],
	['money', Tag.money],
	['past', Tag.past],
	['booking', Tag.booking],
	['presence', Tag.presence],
	['count', Tag.count],
	['inability', Tag.inability],
	['negationAfter', Tag.negationAfter],
	['deferral', Tag.deferral],
	['variesBy', Tag.variesBy],
	['adviceTopics', Tag.adviceTopic],
	// Said of the business's people, it asks to reach them as a call-back does.
	['unanswered', Tag.callback],
	['whoHandles', Tag.callback],
	['whoAddress', Tag.whoAddress],
];

/** Words whose one-letter typos are mapped back to them ("humna", "reprsentative"). */
const TYPO_TOLERANT = Tag.person | Tag.reach;
const TYPO_MIN_LENGTH = 5;
/**
 * Real words that are one edit from a key word and must keep their own meaning: in English and, as
 * messages mix languages, in the other six ("able" is no "hable", "perdona" no "persona").
 */
const NOT_TYPOS = [
	// en
	'stuff',
	'stiff',
	'humane',
	'humor',
	'parson',
	'persons',
	'speck',
	'spear',
	'chart',
	'react',
	'able',
	'avoid',
	'broke',
	'broken',
	'contract',
	'corridor',
	'employed',
	'employer',
	'gene',
	'gentle',
	'genre',
	'grant',
	'liter',
	'manage',
	'managed',
	'manages',
	'taking',
	// es
	'consultar',
	'contratar',
	'faltar',
	'pardo',
	'paro',
	'pasaje',
	'pasate',
	'perdon',
	'perdona',
	'redes',
	'sentir',
	'vender',
	// fr
	'chateau',
	'consulter',
	'courrier',
	'escalade',
	'garant',
	'parmi',
	'perso',
	// de
	'gerat',
	'gerate',
	'halbe',
	'leiden',
	'maler',
	'paar',
	'sprache',
	'verkaufe',
	'verkaufen',
	// pt
	'correto',
	'falhar',
	'parei',
	'prata',
	// it
	'azienda',
	'parco',
	'parti',
	'parto',
	// nl
	'broer',
	'contant',
	'raden',
	'standaard',
	'verkopen',
];

/** Letters next to each other on the QWERTY, AZERTY and QWERTZ keyboards. */
const KEY_ROWS = [
	['qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
	['azertyuiop', 'qsdfghjklm', 'wxcvbn'],
	['qwertzuiop', 'asdfghjkl', 'yxcvbnm'],
];
const NEIGHBOUR_KEYS = new Map<string, Set<string>>();
for (const rows of KEY_ROWS) {
	rows.forEach((row, r) => {
		[...row].forEach((key, i) => {
			const near = NEIGHBOUR_KEYS.get(key) ?? new Set<string>();
			for (const [dr, di] of [
				[0, -1],
				[0, 1],
				[-1, 0],
				[-1, 1],
				[1, 0],
				[1, -1],
			]) {
				const other = rows[r + dr]?.[i + di];
				if (other !== undefined) near.add(other);
			}
			NEIGHBOUR_KEYS.set(key, near);
		});
	});
}
const VOWELS = new Set('aeiouy');
const nearKeys = (a: string, b: string | undefined) =>
	b !== undefined && (a === b || NEIGHBOUR_KEYS.get(a)?.has(b) === true);

/**
 * Whether a one-edit spelling of a key word is a typo of it rather than another word. People seldom
 * mistype a word's first letter, and most edits there make another word ("weiter" for "leiter",
 * "table" for "hable"): kept are only the first two letters swapped and a silent h dropped
 * ("ablar"). Inside the word, a changed or added letter must sit next to the intended one (or to a
 * neighbour) on the keyboard, or be a vowel for a vowel: "opeeator", "represwntative" and
 * "representitive" are typos, while "pagar" for "pasar", "letter" for "leiter" and "paolo" for
 * "parlo" are words. In the last two letters any edit counts, as endings make the other forms of a
 * word ("passez", "operatori", "humanos"), and so does a dropped letter ("persn").
 */
function isTypoOf(word: string, typo: string): boolean {
	if (typo[0] !== word[0]) {
		if (typo[0] === word[1] && typo[1] === word[0] && typo.slice(2) === word.slice(2)) return true;
		return word[0] === 'h' && typo === word.slice(1);
	}
	let at = 0;
	while (at < word.length && word[at] === typo[at]) at++;
	if (at >= Math.min(word.length, typo.length) - 2) return true;
	if (typo.length === word.length) {
		// Two letters swapped, or one changed.
		if (typo[at + 1] === word[at] && typo[at] === word[at + 1]) return true;
		// A vowel for another is a spelling slip more than a key's ("representitive", "reprasentative").
		return nearKeys(word[at], typo[at]) || (VOWELS.has(word[at]) && VOWELS.has(typo[at]));
	}
	if (typo.length === word.length + 1) {
		const added = typo[at];
		return nearKeys(added, typo[at - 1]) || nearKeys(added, typo[at + 1]);
	}
	return true;
}

/**
 * The tables the tagger reads. The phrase and typo maps they are built from are not kept: the typo
 * map alone (over 100,000 one-edit spellings) held as much memory again as the tables.
 */
export interface Lexicon {
	/**
	 * Single words that end a clause ("but": ENDS_CLAUSE) and words without which a clause cannot
	 * ask for a person (MAY_REQUEST: the rest of the grammar is skipped), in one table so that the
	 * request reader looks each word up once.
	 */
	clauseReading: Map<string, number>;
	/**
	 * How the tagger reads a word: every word that is a phrase, a typo of one, or starts a phrase
	 * of several words. Phrases of several words are a tree of the words that follow, so merging
	 * them reads each word once instead of joining and looking up every candidate phrase.
	 */
	words: Map<string, WordEntry>;
	noAnswer: RegExp;
	noAnswerExceptions: RegExp;
	notYetKnown: RegExp;
	offersInsteadOfAnswering: RegExp;
	questionOpeners: RegExp;
	greetings: Set<string>;
	/** LanguagePhrases.stepOutcome and moreOffered, matched on a question's words joined by spaces. */
	stepOutcome: RegExp;
	moreOffered: RegExp;
	asksForFigure: RegExp;
	freeOfCharge: RegExp;
	/** LanguagePhrases.figureWords as a tree of their words, read as `habituals` is. */
	figureWords: WordTree;
	negations: Set<string>;
	/** Phrases that negate the rest of their clause (LanguagePhrases.needless and aboutTo). */
	needless: Set<string>;
	/** Their last two words: only a clause ending in one of them can run on over a comma. */
	needlessEnds: Set<string>;
	/** LanguagePhrases.cancel and cancelAfter: verbs that turn a call-back down before or after it. */
	cancels: Set<string>;
	cancelsAfter: Set<string>;
	/** LanguagePhrases.whoWith: a question word for a person that verbs of sending do not reach. */
	whoWith: Set<string>;
	/**
	 * LanguagePhrases.habitual as a tree of their words: a text is read word by word, where
	 * joining the words after each first word ("a", "no", "de" open some) cost more than reading.
	 */
	habituals: WordTree;
	/** LanguagePhrases.splitCallback by verb: its subjects and their particles. */
	splitCallbacks: Map<string, Array<[subject: string, particle: string]>>;
	/**
	 * A verb of writing to the contact and a private channel a few words apart, either way round
	 * (LanguagePhrases.writeToMe and privateChannel), matched on a clause's words joined by spaces
	 * with a space before and after.
	 */
	privateWrite: RegExp;
	/** The last word of each private channel: a clause without one cannot match privateWrite. */
	privateChannelWords: Set<string>;
	/** Person and role words that head compounds, with their entries (see compoundHeadsExcept). */
	compoundHeads: Map<string, WordEntry>;
	/** The last five letters of each of them. */
	compoundEndings: Set<string>;
}

/** Bits of Lexicon.clauseReading. */
export const ENDS_CLAUSE = 1;
export const MAY_REQUEST = 2;

/** Phrases by their words: a phrase ends where `end` is true. */
export interface WordTree {
	end: boolean;
	next: Map<string, WordTree>;
}

function wordTreeOf(phrases: string[][]): WordTree {
	const root: WordTree = { end: false, next: new Map() };
	for (const words of phrases) {
		let node = root;
		for (const word of words) {
			let child = node.next.get(word);
			if (child === undefined) {
				child = { end: false, next: new Map() };
				node.next.set(word, child);
			}
			node = child;
		}
		node.end = true;
	}
	return root;
}

/** A phrase of several words, reached word by word from its first word. */
export interface PhraseNode {
	/** The phrase so far and its tag bits, when it is a phrase itself. */
	phrase?: string;
	tags?: number;
	next?: Map<string, PhraseNode>;
}

export interface WordEntry {
	/** The word the typed word stands for (itself unless it is a typo) and its tag bits. */
	text: string;
	tags: number;
	/** Phrases of several words that start with the typed word. */
	next?: Map<string, PhraseNode>;
}

function buildWordEntries(phrases: Map<string, number>, typos: Map<string, string>) {
	const words = new Map<string, WordEntry>();
	const entryOf = (word: string): WordEntry => {
		let entry = words.get(word);
		if (entry === undefined) {
			const text = phrases.has(word) ? word : (typos.get(word) ?? word);
			entry = { text, tags: phrases.get(text) ?? 0 };
			words.set(word, entry);
		}
		return entry;
	};
	for (const word of phrases.keys()) if (!word.includes(' ')) entryOf(word);
	for (const [phrase, tags] of phrases) {
		const parts = phrase.split(' ');
		if (parts.length < 2) continue;
		let node: PhraseNode = entryOf(parts[0]);
		for (const part of parts.slice(1)) {
			node.next ??= new Map();
			let child = node.next.get(part);
			if (child === undefined) {
				child = {};
				node.next.set(part, child);
			}
			node = child;
		}
		node.phrase = phrase;
		node.tags = tags;
	}
	// A typo reads as its word, but never starts a phrase of several words: it shares the word's
	// entry unless that entry has phrases to follow (one object per word instead of per typo).
	for (const [typo, word] of typos) {
		if (words.has(typo)) continue;
		const own = words.get(word);
		words.set(
			typo,
			own !== undefined && own.next === undefined
				? own
				: { text: word, tags: phrases.get(word) ?? 0 },
		);
	}
	return words;
}

function wholeWords(sources: string[]): RegExp {
	return new RegExp(` (?:${sources.join('|')}) `);
}

/** The longest word of a phrase, its first if several are as long: the rarest, as a rule. */
function longestWord(phrase: string): string {
	return phrase
		.split(' ')
		.reduce((longest, word) => (word.length > longest.length ? word : longest));
}

/** Words that may stand between a verb of writing and its channel, and between a channel and its verb. */
const PRIVATE_WRITE_GAP = { verbFirst: 4, channelFirst: 2 };

/**
 * A verb of writing to the contact, then up to four words and a private channel ("send me the
 * price in DM"), or a channel, up to two words and the verb ("por privado me escribes"). A channel
 * after a number is a time ("send me the times after 5 pm").
 */
function privateWriteOf(verbs: string[], channels: string[]): RegExp {
	const verb = `(?:${verbs.join('|')})`;
	const channel = `(?<! \\d+ )(?:${channels.join('|')})`;
	const gap = (most: number) => `(?:\\S+ ){0,${most}}`;
	return new RegExp(
		` (?:${verb} ${gap(PRIVATE_WRITE_GAP.verbFirst)}${channel}|${channel} ${gap(PRIVATE_WRITE_GAP.channelFirst)}${verb}) `,
	);
}

function buildLexicon(): Lexicon {
	const phrases = new Map<string, number>();
	const languages = Object.values(LANGUAGES);
	for (const language of languages) {
		for (const [list, tag] of TAGGED_LISTS) {
			for (const phrase of language[list] as string[]) {
				phrases.set(phrase, (phrases.get(phrase) ?? 0) | tag);
			}
		}
	}
	// "which department", "quel service", "welche Abteilung": asking whom to turn to (whichWords).
	// The desk stays a person or role word, so "no sé con qué departamento hablar" is still read
	// as reaching one, where "no sé" is not a negation.
	for (const language of languages) {
		for (const which of language.whichWords) {
			for (const desk of language.desks) {
				const phrase = `${which} ${desk}`;
				const people = (phrases.get(desk) ?? 0) & (Tag.person | Tag.role);
				phrases.set(phrase, (phrases.get(phrase) ?? 0) | Tag.callback | people);
			}
		}
	}
	phrases.set(CLAUSE, Tag.clause);
	for (const word of AMBIGUOUS_NEGATIONS) {
		const tags = phrases.get(word);
		if (tags !== undefined && tags & Tag.negation) phrases.set(word, tags | Tag.ambiguous);
	}

	// A merged phrase that holds a negation word ("no need", "im not a") still negates,
	// unless it is a question ("why can't I").
	for (const [phrase, tags] of phrases) {
		if (!phrase.includes(' ') || tags & Tag.questionNegation) continue;
		if (phrase.split(' ').some((word) => (phrases.get(word) ?? 0) & Tag.negation)) {
			phrases.set(phrase, tags | Tag.negation);
		}
	}

	const collect = (list: keyof LanguagePhrases) => languages.flatMap((l) => l[list] as string[]);

	const typos = new Map<string, string>();
	const blocked = new Set(NOT_TYPOS);
	for (const [phrase, tags] of phrases) {
		if (!(tags & TYPO_TOLERANT) || phrase.includes(' ') || phrase.length < TYPO_MIN_LENGTH)
			continue;
		for (const typo of editsOf(phrase)) {
			if (phrases.has(typo) || blocked.has(typo) || !isTypoOf(phrase, typo)) continue;
			typos.set(typo, phrase);
		}
	}

	const clauseReading = new Map<string, number>([[CLAUSE, ENDS_CLAUSE]]);
	for (const [phrase, tags] of phrases)
		if (tags & Tag.clause && !phrase.includes(' ')) clauseReading.set(phrase, ENDS_CLAUSE);

	// A clause can only ask for a person if it holds one of these: a single-word person, nobody,
	// call-back or bot word, or the longest (rarest) word of such a phrase.
	const requestWords = new Set<string>();
	for (const [phrase, tags] of phrases) {
		if (
			!(
				tags &
				(Tag.person | Tag.someone | Tag.nobody | Tag.role | Tag.who | Tag.callback | Tag.bot)
			)
		)
			continue;
		requestWords.add(longestWord(phrase));
	}
	for (const [typo, word] of typos) if (requestWords.has(word)) requestWords.add(typo);
	const splitCallbacks = new Map<string, Array<[string, string]>>();
	for (const language of languages) {
		for (const [verb, subject, particle] of language.splitCallback ?? []) {
			splitCallbacks.set(verb, [...(splitCallbacks.get(verb) ?? []), [subject, particle]]);
			requestWords.add(verb);
		}
	}
	// A channel's last word is its noun ("al privado", "en MP", "private message").
	const privateChannelWords = new Set(
		collect('privateChannel').map((channel) => channel.slice(channel.lastIndexOf(' ') + 1)),
	);
	for (const word of privateChannelWords) requestWords.add(word);
	for (const word of requestWords)
		clauseReading.set(word, (clauseReading.get(word) ?? 0) | MAY_REQUEST);

	const needlessPhrases = [...collect('needless'), ...collect('aboutTo')];
	const habitual = collect('habitual').map((phrase) => phrase.split(' '));
	const compoundHeads = compoundHeadsOf(languages, phrases);
	return {
		clauseReading,
		words: buildWordEntries(phrases, typos),
		noAnswer: wholeWords(collect('noAnswerPatterns')),
		noAnswerExceptions: wholeWords(collect('noAnswerExceptions')),
		notYetKnown: wholeWords(collect('notYetKnown')),
		offersInsteadOfAnswering: wholeWords(collect('offersInsteadOfAnswering')),
		questionOpeners: new RegExp(`^ (?:${collect('questionOpeners').join('|')}) `),
		greetings: new Set(collect('greetings')),
		stepOutcome: wholeWords(collect('stepOutcome')),
		moreOffered: wholeWords(collect('moreOffered')),
		asksForFigure: wholeWords(collect('askFigure')),
		freeOfCharge: wholeWords(collect('freeOfCharge')),
		figureWords: wordTreeOf(collect('figureWords').map((phrase) => phrase.split(' '))),
		negations: new Set(collect('negation').filter((n) => !n.includes(' '))),
		needless: new Set(needlessPhrases),
		needlessEnds: new Set(needlessPhrases.flatMap((phrase) => phrase.split(' ').slice(-2))),
		cancels: new Set(collect('cancel')),
		cancelsAfter: new Set(collect('cancelAfter')),
		whoWith: new Set(collect('whoWith')),
		habituals: wordTreeOf(habitual),
		splitCallbacks,
		privateWrite: privateWriteOf(collect('writeToMe'), collect('privateChannel')),
		privateChannelWords,
		compoundHeads,
		compoundEndings: new Set(
			[...compoundHeads.keys()].map((head) => head.slice(-COMPOUND_HEAD_MIN)),
		),
	};
}

/** The shortest person or role word read as the last part of a compound. */
const COMPOUND_HEAD_MIN = 5;
/** The shortest first part: shorter ones are prefixes ("Ober", "ex"), not words of their own. */
const COMPOUND_MODIFIER_MIN = 3;

function compoundHeadsOf(
	languages: LanguagePhrases[],
	phrases: Map<string, number>,
): Map<string, WordEntry> {
	const heads = new Map<string, WordEntry>();
	for (const language of languages) {
		if (language.compoundHeadsExcept === undefined) continue;
		const except = new Set(language.compoundHeadsExcept);
		for (const word of [...language.person, ...language.role]) {
			if (word.includes(' ') || word.length < COMPOUND_HEAD_MIN || except.has(word)) continue;
			heads.set(word, { text: word, tags: (phrases.get(word) ?? 0) & (Tag.person | Tag.role) });
		}
	}
	return heads;
}

/**
 * A word's entry in the tables, or, for a word they do not hold, the entry of the person or role
 * word it ends in as a compound (the longest such ending).
 */
export function lookUpWord(word: string): WordEntry | undefined {
	return getLexicon().words.get(word) ?? compoundHead(word);
}

function compoundHead(word: string): WordEntry | undefined {
	if (word.length < COMPOUND_HEAD_MIN + COMPOUND_MODIFIER_MIN) return undefined;
	const { compoundHeads, compoundEndings } = getLexicon();
	// Most words end in no head's last five letters: one look-up instead of one per split.
	if (!compoundEndings.has(word.slice(-COMPOUND_HEAD_MIN))) return undefined;
	for (let start = COMPOUND_MODIFIER_MIN; start <= word.length - COMPOUND_HEAD_MIN; start++) {
		const head = compoundHeads.get(word.slice(start));
		if (head !== undefined) return head;
	}
	return undefined;
}

/** How a clause reads a word (Lexicon.clauseReading), a compound as its person or role word. */
export function clauseReadingOf(word: string): number {
	const { clauseReading, words } = getLexicon();
	const reading = clauseReading.get(word);
	if (reading !== undefined || words.has(word)) return reading ?? 0;
	return compoundHead(word) === undefined ? 0 : MAY_REQUEST;
}

let lexicon: Lexicon | undefined;

/** Built once, on first use: the tables of all seven languages. */
export function getLexicon(): Lexicon {
	lexicon ??= buildLexicon();
	return lexicon;
}
