import {
	ENDS_CLAUSE,
	clauseReadingOf,
	getLexicon,
	lookUpWord,
	MAY_REQUEST,
	Tag,
	type PhraseNode,
	type WordEntry,
} from './lexicon';
import { CLAUSE } from './normalise';

/** A word or merged phrase of a message with its word classes. */
interface Item {
	text: string;
	tags: number;
}

let lastTagged: string[] | undefined;
let lastItems: Item[] = [];

/**
 * tagTokens for a list read more than once: the features and the grammar both tag a short message,
 * or a segment of one clause, as a whole. The last list is kept by identity (items are not changed
 * by their readers). `entries`: the words' table entries by position, when the caller has them.
 */
export function tagTokensOnce(
	tokens: string[],
	entries?: ArrayLike<WordEntry | undefined>,
	/** Where the tokens start in `entries`, when it holds a longer text's. */
	offset = 0,
): Item[] {
	if (tokens !== lastTagged) {
		lastItems = tagTokens(tokens, entries, offset);
		lastTagged = tokens;
	}
	return lastItems;
}

/**
 * Merges known phrases (longest first) and tags every word; typos of key words count as the word.
 * `entries` are the words' entries in the tables by position, already looked up (the features
 * keep them per word); without them each word is looked up here.
 */
export function tagTokens(
	tokens: string[],
	entries?: ArrayLike<WordEntry | undefined>,
	offset = 0,
): Item[] {
	const items: Item[] = [];
	let i = 0;
	while (i < tokens.length) {
		const token = tokens[i];
		const entry = entries !== undefined ? entries[offset + i] : lookUpWord(token);
		if (entry === undefined) {
			items.push({ text: token, tags: 0 });
			i++;
			continue;
		}
		let length = 1;
		let text = entry.text;
		let tags = entry.tags;
		let node: PhraseNode | undefined = entry;
		for (let n = 2; i + n <= tokens.length && node.next !== undefined; n++) {
			node = node.next.get(tokens[i + n - 1]);
			if (node === undefined) break;
			if (node.phrase !== undefined) {
				length = n;
				text = node.phrase;
				tags = node.tags ?? 0;
			}
		}
		items.push({ text, tags });
		i += length;
	}
	return items;
}

const WINDOW = {
	/** From the subject of a split call-back to its particle ("ruft ihr auch mal zurück"). */
	splitParticle: 4,
	reachBefore: 6,
	reachAfter: 4,
	wantBefore: 4,
	actAfter: 3,
	negationBefore: 4,
	negationAfter: 3,
	ownerBefore: 3,
	/** Short words between a verb that calls off and its call-back ("olvida lo de que me llame"). */
	cancelGap: 3,
	/** From a question word for a person to a verb of turning to someone ("who do I send it to"). */
	addressAfter: 8,
	/** The same before a question word that ends its clause ("je dois envoyer les photos à qui"). */
	addressBefore: 4,
};

/**
 * Question words for a person that are often something else, read with verbs of sending only
 * after a preposition ("bij wie", "à qui"): Dutch "wie" is German "how" ("wie schicke ich das
 * zurück"), French "qui" is also "who" of a relative clause ("une dame qui m'a dit d'envoyer") and
 * Italian "here" ("scrivetemi qui o per email").
 */
const AMBIGUOUS_WHO = new Set(['wie', 'qui']);

/**
 * The verb of turning to someone that a question word for a person at `p` goes with, asking whom
 * to contact: "who do I send the photos to?", "a quién llamo por lo del contador", "wem schicke ich
 * die Fotos?", "je dois envoyer les photos à qui ?". The verb follows the question word, or comes
 * before it when the question word ends the clause.
 */
function addressedVerb(clause: Item[], p: number): number | undefined {
	const who = clause[p].text;
	if (AMBIGUOUS_WHO.has(who) || getLexicon().whoWith.has(who)) return undefined;
	for (let k = p + 1; k <= Math.min(clause.length - 1, p + WINDOW.addressAfter); k++) {
		if (clause[k].tags & Tag.whoAddress) return k;
	}
	if (p !== clause.length - 1) return undefined;
	for (let k = p - 1; k >= Math.max(0, p - WINDOW.addressBefore); k--) {
		if (clause[k].tags & Tag.whoAddress) return k;
	}
	return undefined;
}

/** Whether an item from `from` to `to` has `tag` (and none of `unless`). */
function has(items: Item[], from: number, to: number, tag: number, unless = 0): boolean {
	for (let k = Math.max(0, from); k <= Math.min(items.length - 1, to); k++) {
		if (items[k].tags & tag && !(items[k].tags & unless)) return true;
	}
	return false;
}

/** Someone else's person ("my agent") or the contact describing themself ("I'm an agent"). */
function isOwnedOrSelf(clause: Item[], p: number): boolean {
	for (let k = p - 1; k >= Math.max(0, p - WINDOW.ownerBefore); k--) {
		const tags = clause[k].tags;
		if (tags & (Tag.possessive | Tag.self)) return true;
		if (tags & (Tag.reach | Tag.want)) return false;
	}
	return p + 1 < clause.length && (clause[p + 1].tags & Tag.self) !== 0;
}

/** A negation word before or inside `from`..`to`. */
function isNegated(clause: Item[], from: number, to: number): boolean {
	return has(clause, from - WINDOW.negationBefore, to, Tag.negation);
}

/** As isNegated from `start`, but "can't" and "don't know" before a verb of reaching say it failed, not no. */
function isReachNegated(clause: Item[], start: number, to: number): boolean {
	return has(clause, start, to, Tag.negation, Tag.inability);
}

/** Words this long that the tables do not know are words of content ("help", "answer", "vroeg"). */
const CONTENT_WORD_MIN = 4;
/** Adverbs, which sit inside a negated verb's phrase ("don't really want to talk to a human"). */
const ADVERB_ENDING = /(?:ly|mente|ment)$/;

/** The contact as the object of an imperative: "connect me", "passez-moi", "verbinden Sie mich". */
const ME = new Set(['me', 'moi', 'mich', 'mi', 'mij', 'm']);
/** Spanish and Italian imperatives carry their "me": "pásame", "comunícame", "passami", "mettimi". */
const ENCLITIC_ME = /(?:ame|eme|ami|emi|imi)$/;

/** The object of an order that stands before its verb: "mich anrufen", Brazilian "me passa". */
const BEFORE_THE_VERB = 'before';
/** Spanish and Italian imperatives carry their object in the verb: "pásame", "passami". */
const IN_THE_VERB = 'in';
/** The "me" that German and Dutch orders put after the verb. */
const VERB_FIRST_ME = new Set(['mich', 'mij']);

/**
 * A verb of reaching said as an order to put the contact through: with "me" after it (or inside
 * the phrase, "get me", "verbind mij door"), merged into it, or before it ("mich anrufen",
 * Brazilian Portuguese "me passa"). Returns that "me" after the verb, or where else it stands;
 * undefined for no order: an infinitive ("envie de parler à quelqu'un", "no me interesa hablar
 * con") is none.
 */
function orderObject(clause: Item[], verb: number): string | undefined {
	const { text } = clause[verb];
	const words = text.split(' ');
	const inPhrase = words.findIndex((word) => ME.has(word));
	if (inPhrase > 0) return words[inPhrase];
	if (inPhrase === 0) return BEFORE_THE_VERB;
	if (ENCLITIC_ME.test(text)) return IN_THE_VERB;
	const next = clause[verb + 1]?.text;
	if (next !== undefined && ME.has(next)) return next;
	if (next === 'sie' && clause[verb + 2]?.text === 'mich') return 'mich';
	return clause[verb - 1]?.text === 'me' ? BEFORE_THE_VERB : undefined;
}

/**
 * Where a negation of a person request can stand: from four words before it, unless the request
 * is an order to put the contact through ("get me a human", "passami un operatore") and a word of
 * content stands between the negation and the verb. In run-on chat that negation belongs to a
 * complaint before the order ("not helpful put me through to a manager", "non hai risposto
 * passami un operatore"). Words of the tables and short words do not end it: "don't you connect me".
 * A German or Dutch order is negated only after its verb.
 */
function negationStart(clause: Item[], from: number, verb: number, p: number): number {
	const start = from - WINDOW.negationBefore;
	const object = verb > p ? undefined : orderObject(clause, verb);
	if (object === undefined) return start;
	// German and Dutch put the negation of an order after it ("verbinden Sie mich nicht", "verbind
	// mij niet door"), so a negation before "verbinden Sie mich" or "verbind mij" ends what came before.
	if (VERB_FIRST_ME.has(object)) return verb;
	for (let k = verb - 1; k >= Math.max(0, start); k--) {
		const { tags, text } = clause[k];
		if (tags === 0 && text.length >= CONTENT_WORD_MIN && !ADVERB_ENDING.test(text)) return k + 1;
	}
	return start;
}

/**
 * "pas besoin que quelqu'un de la crèche me rappelle", "non c'è più bisogno che la coordinatrice mi
 * richiami": a phrase saying something is not needed negates all that follows it in its clause.
 * Where the first such phrase stands (Infinity when none); asked once per clause, as a clause of
 * thousands of refused call-backs would otherwise be scanned from its start for each of them.
 */
function firstNeedless(clause: Item[]): number {
	const { needless } = getLexicon();
	const at = clause.findIndex((item) => needless.has(item.text));
	return at === -1 ? Infinity : at;
}

/**
 * "no" before a word the tables do not know: Portuguese "no" is "in the" ("no computador queria
 * falar com um atendente", "no app"), while Spanish, Italian and English "no" negate a verb, a
 * pronoun or a person word the tables know ("no quiero", "no me llames", "no agent"). Read as
 * an ambiguous negation.
 */
function isPlainNo(clause: Item[], k: number): boolean {
	return clause[k].text === 'no' && k + 1 < clause.length && clause[k + 1].tags === 0;
}

/**
 * Whether the negation words tagged `tag` in the ranges negate firmly: one that negates in every
 * language that has it, or two that are each an ordinary word elsewhere (French "ne … pas").
 * Items tagged `unless` do not count.
 */
function firmNegation(
	clause: Item[],
	ranges: Array<[from: number, to: number, tag: number]>,
	unless = 0,
): boolean {
	let ambiguous = 0;
	for (const [from, to, tag] of ranges) {
		for (let k = Math.max(0, from); k <= Math.min(clause.length - 1, to); k++) {
			const tags = clause[k].tags;
			if (!(tags & tag) || tags & unless) continue;
			if (!(tags & Tag.ambiguous) && !isPlainNo(clause, k)) return true;
			ambiguous++;
		}
	}
	return ambiguous >= 2;
}

/** What the grammar read in a message, also when it did not find a request. */
export interface ContactReading {
	/** The clause that asks for a person. */
	request?: string;
	/** A request was found but negated in its clause ("I don't need a human"). */
	negated: boolean;
	/**
	 * One was negated by a word that negates in every language that has it, not only by an
	 * ambiguous one (Portuguese "nem", German "mit nem Menschen").
	 */
	firmlyNegated: boolean;
	/** A person word that is someone's own or the contact themself ("my agent", "I'm an agent"). */
	owned: boolean;
}

/**
 * The grammar found the request only in a firmly negated clause ("I don't want a human. Just tell
 * me the price"): the engine caps its reading, and training fits the clause share with the same cap.
 */
export function readsOnlyNegated(reading: ContactReading): boolean {
	return reading.firmlyNegated && reading.request === undefined;
}

/**
 * Whether every word of the clause is a person word or a filler ("live agent", "human please").
 * Asked once per clause, not once per person word: a clause of thousands of "agent" would
 * otherwise be read thousands of times over.
 */
function onlyPersonsAndFillers(clause: Item[]): boolean {
	return clause.every((item) => item.tags & (Tag.filler | Tag.person));
}

function personRequest(
	clause: Item[],
	p: number,
	reading: ContactReading,
	onlyPersons: () => boolean,
): number | undefined {
	const tags = clause[p].tags;
	const strong = (tags & Tag.person) !== 0;
	if (clause[p + 1] && clause[p + 1].tags & Tag.notPerson) return undefined;
	if (isOwnedOrSelf(clause, p)) {
		reading.owned = true;
		return undefined;
	}

	for (let k = p - 1; k >= Math.max(0, p - WINDOW.reachBefore); k--) {
		if (clause[k].tags & Tag.reach) return k;
		if (strong && p - k <= WINDOW.wantBefore && clause[k].tags & Tag.want) return k;
	}
	for (let k = p + 1; k <= Math.min(clause.length - 1, p + WINDOW.reachAfter); k++) {
		if (clause[k].tags & Tag.reach) return k;
		if (k - p <= WINDOW.actAfter && clause[k].tags & Tag.act) return k;
	}
	// "live agent", "human please": a person word with nothing but fillers around it (the word
	// itself is a person word, being strong).
	if (strong && onlyPersons()) return p;
	// Sending, calling or writing reaches a person only when asking whom.
	return tags & Tag.who ? addressedVerb(clause, p) : undefined;
}

/** A call-back question with the verb and its subject first: "Ruft ihr auch zurück?", "belt u terug?". */
function isSplitCallback(clause: Item[], p: number): boolean {
	const forms = getLexicon().splitCallbacks.get(clause[p].text);
	if (forms === undefined || p + 1 >= clause.length) return false;
	for (const [subject, particle] of forms) {
		if (clause[p + 1].text !== subject) continue;
		for (let k = p + 2; k <= Math.min(clause.length - 1, p + 1 + WINDOW.splitParticle); k++) {
			if (clause[k].text === particle) return true;
		}
	}
	return false;
}

/**
 * Where a clause asks the business to write to the contact privately ("message me privately",
 * "escríbanme al privado", "schreib mir per PN"): the item the verb or the channel, whichever
 * comes first, starts in; -1 if it does not. Read as a call-back there, so that negation and
 * calling off work alike ("no me escribas por privado").
 */
function privateWriteAt(clause: Item[]): number {
	const { privateWrite, privateChannelWords } = getLexicon();
	if (!clause.some((item) => holdsWordOf(item.text, privateChannelWords))) return -1;
	const starts: number[] = [];
	let text = '';
	for (const item of clause) {
		starts.push(text.length + 1);
		text += ` ${item.text}`;
	}
	const match = privateWrite.exec(`${text} `);
	if (match === null) return -1;
	let at = 0;
	while (at + 1 < starts.length && starts[at + 1] <= match.index + 1) at++;
	return at;
}

/** Whether a word, or any word of a merged phrase, is in `words`; a lone word is not split. */
function holdsWordOf(text: string, words: Set<string>): boolean {
	if (!text.includes(' ')) return words.has(text);
	return text.split(' ').some((word) => words.has(word));
}

/**
 * Words that may stand between a verb that calls off and its call-back without breaking the link
 * ("cancel my call back", "olvida lo de que me llame", "n'oubliez pas de me rappeler"): short,
 * and untagged or articles, possessives and negations.
 */
const CANCEL_GAP_MAX_LENGTH = 4;
const CANCEL_GAP_TAGS =
	Tag.filler | Tag.possessive | Tag.negation | Tag.negationAfter | Tag.ambiguous;
/** Short words that start what comes next ("cancel and call me back", "forget it call me"). */
const NOT_A_CANCEL_GAP = new Set([
	'and',
	'then',
	'it',
	'y',
	'et',
	'und',
	'en',
	'e',
	'ed',
	'puis',
	'dann',
	'dan',
]);
/** After a call-back, these make the verb that follows its purpose ("Rückruf zum Stornieren"). */
const PURPOSE = new Set([
	'to',
	'for',
	'para',
	'pra',
	'pour',
	'um',
	'zum',
	'zur',
	'om',
	'per',
	'voor',
	'fur',
]);

/** What a verb that calls off does to a call-back next to it (see callOffOf). */
const enum CallOff {
	None,
	/** "cancel the call back", "den Rückruf stornieren": turned down. */
	Cancelled,
	/** "don't forget to call me", "n'oubliez pas de me rappeler": the negation is the verb's. */
	Kept,
}

/**
 * A call-back called off: "cancel the call back", "annullate la richiamata", "olvida lo de que me
 * llame", "den Rückruf bitte stornieren". When the verb that calls off is negated ("don't forget to
 * call me back", "n'oubliez pas de me rappeler"), the call-back is asked for all the more, and the
 * negation is the verb's, not the call-back's.
 */
function callOffOf(clause: Item[], p: number): CallOff {
	const { cancels, cancelsAfter } = getLexicon();
	for (let k = p - 1; k >= Math.max(0, p - 1 - WINDOW.cancelGap); k--) {
		const { text, tags } = clause[k];
		if (cancels.has(text)) {
			return has(clause, k - 2, p - 1, Tag.negation) ? CallOff.Kept : CallOff.Cancelled;
		}
		const short = text.length <= CANCEL_GAP_MAX_LENGTH && !NOT_A_CANCEL_GAP.has(text);
		if (!short || tags & ~CANCEL_GAP_TAGS) break;
	}
	for (let k = p + 1; k <= Math.min(clause.length - 1, p + 2); k++) {
		const { text } = clause[k];
		if (cancelsAfter.has(text)) {
			return has(clause, p + 1, k - 1, Tag.negation) ? CallOff.Kept : CallOff.Cancelled;
		}
		if (PURPOSE.has(text) || NOT_A_CANCEL_GAP.has(text)) break;
	}
	return CallOff.None;
}

/** A word for nobody reached by a verb the contact wants: "I want to talk to nobody". */
function wantsToReachNobody(clause: Item[], p: number): boolean {
	for (let k = p - 1; k >= Math.max(0, p - WINDOW.reachBefore); k--) {
		if (clause[k].tags & Tag.reach) return has(clause, k - WINDOW.wantBefore, k - 1, Tag.want);
	}
	return false;
}

/**
 * German and Dutch put a comma before "dass", "um" and "om", so "Es ist nicht nötig, dass mich
 * jemand anruft" and "ich war kurz davor, um einen Rückruf zu bitten" split a phrase that says a
 * call is not needed from what it negates. Words that open such a clause.
 */
const COMPLEMENT = new Set(['dass', 'um', 'zu', 'om', 'dat', 'te', 'que', 'di', 'de']);
/** Longest needless phrase read back from a comma, in words. */
const NEEDLESS_MAX_WORDS = 4;

/**
 * Whether the clause of `tokens` ending at the clause mark `end` (a comma, or any mark the
 * normaliser writes alike) ends in a phrase saying something is not
 * needed that the next clause completes: the phrase runs on over the comma ("nicht nötig, dass"),
 * or it is whole and the next clause opens with "dass", "um", "om" ("kurz davor, um").
 */
function needlessOverComma(tokens: string[], start: number, end: number): boolean {
	const next = tokens[end + 1];
	if (tokens[end] !== CLAUSE || next === undefined || end === start) return false;
	const { needless, needlessEnds } = getLexicon();
	if (!needlessEnds.has(tokens[end - 1])) return false;
	let phrase = '';
	for (let k = end - 1; k >= Math.max(start, end - NEEDLESS_MAX_WORDS); k--) {
		phrase = phrase === '' ? tokens[k] : `${tokens[k]} ${phrase}`;
		if (needless.has(`${phrase} ${next}`) || (needless.has(phrase) && COMPLEMENT.has(next))) {
			return true;
		}
	}
	return false;
}

function clauseRequest(
	clause: Item[],
	reading: ContactReading,
	saidNotNeededBefore = false,
): string | undefined {
	let onlyPersons: boolean | undefined;
	const askOnlyPersons = () => (onlyPersons ??= onlyPersonsAndFillers(clause));
	let needlessAt: number | undefined;
	let privateAt: number | undefined;
	const saidNotNeeded = (before: number) =>
		saidNotNeededBefore || (needlessAt ??= firstNeedless(clause)) < before;
	for (let p = 0; p < clause.length; p++) {
		const tags = clause[p].tags;
		// Roles and "who" are people only when reached, like "someone"; so is "nobody" after "I
		// can't" ("no consigo hablar con nadie").
		const people =
			tags & Tag.nobody
				? has(clause, 0, p - 1, Tag.inability)
				: (tags & (Tag.person | Tag.someone | Tag.role | Tag.who)) !== 0;
		if (tags & Tag.nobody && !people && wantsToReachNobody(clause, p)) {
			// "no quiero hablar con nadie", "non voglio parlare con nessuno": wanting to reach no
			// one turns a call or a person down, as firmly as a negated request.
			reading.negated = true;
			reading.firmlyNegated = true;
		}
		if (people) {
			const verb = personRequest(clause, p, reading, askOnlyPersons);
			if (verb !== undefined) {
				const from = Math.min(p, verb);
				const to = Math.max(p, verb);
				const needless = saidNotNeeded(from);
				const start = negationStart(clause, from, verb, p);
				if (!needless && !isReachNegated(clause, start, to)) {
					return clause.map((item) => item.text).join(' ');
				}
				reading.negated = true;
				reading.firmlyNegated ||=
					needless || firmNegation(clause, [[start, to, Tag.negation]], Tag.inability);
			}
		}
		if (
			tags & Tag.callback ||
			isSplitCallback(clause, p) ||
			(p === (privateAt ??= privateWriteAt(clause)) && p >= 0)
		) {
			const callOff = callOffOf(clause, p);
			const after = has(clause, p + 1, p + WINDOW.negationAfter, Tag.negationAfter);
			const needless = saidNotNeeded(p) || callOff === CallOff.Cancelled;
			// A negation of a verb that calls off ("don't forget to call me") is not the call-back's.
			const negated = callOff !== CallOff.Kept && (after || isNegated(clause, p, p - 1));
			if (!needless && !negated) return clause.map((item) => item.text).join(' ');
			reading.negated = true;
			reading.firmlyNegated ||=
				needless ||
				firmNegation(clause, [
					[p - WINDOW.negationBefore, p - 1, Tag.negation],
					[p + 1, p + WINDOW.negationAfter, Tag.negationAfter],
				]);
		}
		// "I don't want a bot", "stop the bot": refusing the bot asks for a person.
		if (tags & Tag.bot && !has(clause, p - 3, p - 1, Tag.self)) {
			const refused =
				has(clause, p - 5, p - 1, Tag.refuse) ||
				(has(clause, p - 7, p - 1, Tag.negation) &&
					has(clause, p - 6, p - 1, Tag.want | Tag.reach));
			if (refused) return clause.map((item) => item.text).join(' ');
		}
	}
	return undefined;
}

/**
 * The contact asks to reach a person: a verb of reaching or wanting aimed at a word for a person,
 * a person asked to act (call me, reply), a call-back request, or a refusal of the bot; not when
 * negated in the same clause, not someone else's agent, not "human resources".
 * Returns the clause that asked, or undefined.
 */
export function findContactRequest(tokens: string[]): string | undefined {
	return analyseContactRequest(tokens).request;
}

let lastTokens: string[] | undefined;
let lastReading: ContactReading | undefined;

/**
 * What the tables say of each word of a text, by position, when the caller already looked its
 * words up (the features keep them per distinct word): the grammar then looks up none again.
 */
export interface WordReadings {
	entries: ReadonlyArray<WordEntry | undefined>;
	/** clauseReadingOf each word. */
	clauseReadings: ReadonlyArray<number>;
}

/**
 * findContactRequest, with what the grammar saw when it found no request. The detector reads a
 * short message twice (as a whole and as its only segment): the last reading is kept.
 */
export function analyseContactRequest(
	tokens: string[],
	/** What the tables say of the tokens, asked only when the last reading is not theirs. */
	wordsOf?: () => WordReadings,
): ContactReading {
	if (tokens === lastTokens && lastReading !== undefined) return { ...lastReading };
	lastReading = readContactRequest(tokens, wordsOf?.());
	lastTokens = tokens;
	return { ...lastReading };
}

function readContactRequest(tokens: string[], words?: WordReadings): ContactReading {
	const reading: ContactReading = { negated: false, firmlyNegated: false, owned: false };
	let start = 0;
	let candidate = false;
	let saidNotNeeded = false;
	for (let i = 0; i <= tokens.length; i++) {
		const word =
			i === tokens.length
				? ENDS_CLAUSE
				: words !== undefined
					? words.clauseReadings[i]
					: clauseReadingOf(tokens[i]);
		if (word & ENDS_CLAUSE) {
			// Only clauses with a word for a person, a call or the bot are parsed: most are not.
			if (candidate) {
				const clause = start === 0 && i === tokens.length ? tokens : tokens.slice(start, i);
				const items = tagTokensOnce(clause, words?.entries, start);
				const found = clauseRequest(items, reading, saidNotNeeded);
				if (found !== undefined) {
					reading.request = found;
					return reading;
				}
			}
			saidNotNeeded = i < tokens.length && needlessOverComma(tokens, start, i);
			start = i + 1;
			candidate = false;
		} else if (word & MAY_REQUEST) {
			candidate = true;
		}
	}
	return reading;
}
