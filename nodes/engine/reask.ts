import { CLAUSE, normaliseText } from './normalise';
import type { TranscriptEntry } from './types';

/**
 * Asking again what the bot has not answered: "is parking included?" → (the bot talks about the
 * view) → "hello?? parking??". Half or more of the new message's content words were in one of the
 * contact's recent questions, and few of them came back in any bot reply since that question.
 */

/** Frequent words of the seven languages that carry no topic; words under four letters never count. */
const FUNCTION_WORDS = new Set(
	(
		'what that this with have your from they there when where which will would could should about just like been does ' +
		'still also then than them some please thanks thank hello okay yeah here know want need tell said asked again really ' +
		'pero para como esto esta este tiene tienen puedo quiero porque cuando donde cual hola gracias vale todo algo bien ' +
		'tambien sobre pregunta otra favor ahora sigo sigue dime pues nada esos esas ' +
		'pour dans avec mais vous nous cette votre quoi quand comment bonjour merci aussi tout bien encore toujours alors ' +
		'question demande rien svp stp ' +
		'nicht aber eine einen sind haben kann wann warum bitte danke hallo auch noch schon dass oder mein meine euch ihre ' +
		'frage immer jetzt also gibt habt ' +
		'mais esse essa isso voces voce quando onde qual obrigado obrigada tudo tambem pergunta ainda agora entao nada ' +
		'come sono della dello questo questa dove quale grazie ciao anche tutto perche vorrei domanda ancora allora niente ' +
		'maar voor niet zijn hebben kunnen wanneer waar welke bedankt dank deze jullie graag vraag nogsteeds alsnog weer ' +
		'wel geen toch'
	).split(' '),
);

/**
 * Opening words that take the last answer ("ok, and how do I raise it?"): what follows is a
 * follow-up question, not the same question asked again, unless a word of contrast says the answer
 * fell short ("ok but when?").
 */
const ACKNOWLEDGEMENTS = new Set(
	(
		'ok okay okey oki kk alright great cool perfect nice understood sure fine thanks got_it thank_you ' +
		'noted sounds_good ' +
		'vale bueno perfecto genial entendido listo dale claro gracias de_acuerdo entiendo ' +
		'daccord d_accord parfait super entendu merci tres_bien compris bien_recu ' +
		'gut alles_klar prima verstehe danke perfekt verstanden in_ordnung passt ' +
		'beleza certo isso entendi perfeito otimo show blz obrigado obrigada combinado ta_bom ' +
		'va_bene perfetto capito grazie benissimo ottimo d_accordo ' +
		'oke top goed helder duidelijk bedankt dank_je begrepen'
	)
		.split(' ')
		.map((phrase) => phrase.replace(/_/g, ' ')),
);
const CONTRAST = new Set(
	'but yet still however pero todavia aun mais toujours pourtant aber trotzdem noch mas porem ainda ma ancora maar nog'.split(
		' ',
	),
);

/** Letters, spaces and plain punctuation only: no question mark, no emoji ("great 🙄" is not thanks). */
const PLAIN_TEXT = /^[\p{L}\s.,!'’-]+$/u;

/**
 * A message of nothing but acknowledgement words ("ok", "understood", "alles klar, danke", "tá
 * bom"): the contact takes the answer (detectHandover.ts never counts it as an unsuccessful attempt).
 */
export function onlyAcknowledges(tokens: string[], raw: string): boolean {
	if (!PLAIN_TEXT.test(raw)) return false;
	let words = 0;
	for (let i = 0; i < tokens.length; i++) {
		if (tokens[i] === CLAUSE) continue;
		const length = acknowledgementAt(tokens, i);
		if (length === 0) return false;
		i += length - 1;
		words++;
	}
	return words > 0;
}

/** How many tokens the acknowledgement at `i` takes: 2 for a pair ("alles klar"), 1, or 0 for none. */
function acknowledgementAt(tokens: string[], i: number): number {
	if (i + 1 < tokens.length && ACKNOWLEDGEMENTS.has(`${tokens[i]} ${tokens[i + 1]}`)) return 2;
	return ACKNOWLEDGEMENTS.has(tokens[i]) ? 1 : 0;
}

function takesTheAnswer(tokens: string[]): boolean {
	return acknowledgementAt(tokens, 0) > 0 && !tokens.some((token) => CONTRAST.has(token));
}

/** Half the new message's content words were in the earlier question … */
const SHARE = 0.5;
/** … and at most a third of those came back in a bot reply since (measured on the training conversations). */
const ANSWERED = 1 / 3;
const LOOK_BACK = 3;

let lastMessage: string[] | undefined;
let lastMessageWords = new Set<string>();

/**
 * contentWords of the contact's message, which measureReask and shareOfReply both read at each
 * turn: the last list is kept by identity (the sets are only read).
 */
function messageWords(message: string[]): Set<string> {
	if (message !== lastMessage) {
		lastMessageWords = contentWords(message);
		lastMessage = message;
	}
	return lastMessageWords;
}

function contentWords(tokens: string[]): Set<string> {
	const words = new Set<string>();
	for (const token of tokens) {
		const content = contentStem(token);
		if (content !== undefined) words.add(content);
	}
	return words;
}

/** A token's stem when it is a content word (four letters or more, not a function word). */
function contentStem(token: string): string | undefined {
	if (token === CLAUSE || token.length < 4 || FUNCTION_WORDS.has(token)) return undefined;
	return stem(token);
}

/** The first five letters: enough to match "parking"/"parkings", "precio"/"precios". */
function stem(word: string): string {
	return word.length > 5 ? word.slice(0, 5) : word;
}

/** How much of an earlier question the contact asks again, and how much of that is still unanswered. */
export interface Reask {
	/** Share of the new message's content words that were in the earlier question (0–1). */
	share: number;
	/** Share of those shared words that a bot reply since took up (0–1). */
	answered: number;
	/** The shared words, for the evidence. */
	words: string;
	/** The message opens by taking the last answer ("ok, and …") without a word of contrast. */
	takesTheAnswer: boolean;
}

/**
 * The contact's recent question (of the last three) this message shares most content words with,
 * or undefined when it shares none. `questions` are the contact's recent messages, normalised,
 * oldest first (the memory keeps them); `transcript` is the conversation before this message, read
 * for the bot's replies only when a question shares words.
 */
export function measureReask(
	message: string[],
	questions: string[],
	transcript: TranscriptEntry[],
): Reask | undefined {
	const asked = messageWords(message);
	if (asked.size === 0) return undefined;
	let best: Reask | undefined;
	for (let back = 1; back <= Math.min(LOOK_BACK, questions.length); back++) {
		const words = questionWords(questions[questions.length - back]);
		const shared = [...asked].filter((word) => words.has(word));
		const share = shared.length / asked.size;
		if (shared.length === 0 || (best !== undefined && share <= best.share)) continue;
		// What the bot said after that question counts against it.
		const answered = new Set<string>();
		for (const entry of repliesSince(transcript, back)) {
			for (const word of replyWords(entry.text)) answered.add(word);
		}
		best = {
			share,
			answered: shared.filter((word) => answered.has(word)).length / shared.length,
			words: shared.join(' '),
			takesTheAnswer: false,
		};
	}
	if (best !== undefined) best.takesTheAnswer = takesTheAnswer(message);
	return best;
}

/**
 * Asked again and still unanswered, by the fixed rule: half the content words come back and at
 * most a third of those were in a reply since, and the message does not take the last answer.
 */
export function isUnansweredReask(reask: Reask | undefined): boolean {
	return (
		reask !== undefined &&
		!reask.takesTheAnswer &&
		reask.share >= SHARE &&
		reask.answered <= ANSWERED
	);
}

/**
 * Content words of the last bot replies and of the contact's remembered questions: each is read
 * again on the contact's next few messages, so their words are kept (small bounded caches, emptied
 * when full; the sets are only read).
 */
const KEPT_TEXTS = 256;
const REPLY_WORDS = new Map<string, Set<string>>();
const QUESTION_WORDS = new Map<string, Set<string>>();

function keptWords(
	kept: Map<string, Set<string>>,
	text: string,
	tokensOf: (text: string) => string[],
): Set<string> {
	let words = kept.get(text);
	if (words === undefined) {
		words = contentWords(tokensOf(text));
		if (kept.size >= KEPT_TEXTS) kept.clear();
		kept.set(text, words);
	}
	return words;
}

/** A bot reply as the transcript keeps it (raw text). */
const replyWords = (text: string) =>
	keptWords(REPLY_WORDS, text, (reply) => normaliseText(reply).tokens);
/** A remembered question (already normalised, words joined by spaces). */
const questionWords = (question: string) =>
	keptWords(QUESTION_WORDS, question, (normal) => normal.split(' '));

/** The bot's (and staff's) replies after the contact's `back`-th last message. */
function repliesSince(transcript: TranscriptEntry[], back: number): TranscriptEntry[] {
	let seen = 0;
	for (let i = transcript.length - 1; i >= 0; i--) {
		if (transcript[i].role === 'user' && ++seen === back) {
			return transcript.slice(i + 1).filter((entry) => entry.role !== 'user');
		}
	}
	return transcript.filter((entry) => entry.role !== 'user');
}

/**
 * The share of the message's content words that the bot's last reply used: a contact who reports
 * on the reply's own advice ("the batteries are new" after "try new batteries") is answering it,
 * not asking something new.
 */
export function shareOfReply(message: string[], reply: string): number {
	const words = messageWords(message);
	if (words.size === 0) return 0;
	const used = replyWords(reply);
	let shared = 0;
	for (const word of words) if (used.has(word)) shared++;
	return shared / words.size;
}

/**
 * How closely the bot's last reply repeats one of its earlier replies in the transcript (the
 * largest share of content words in common, 0–1): a bot that says the same again has not moved the
 * conversation on, so the contact's next message is more likely another unsuccessful attempt.
 * Measured on ten groups of training writers' conversations, before the real cross-validation.
 */
export function replyRepeatsEarlier(transcript: TranscriptEntry[]): number {
	const last = transcript.length - 1;
	if (last < 0 || transcript[last].role !== 'bot') return 0;
	const words = replyWords(transcript[last].text);
	if (words.size === 0) return 0;
	let most = 0;
	for (let i = 0; i < last; i++) {
		if (transcript[i].role !== 'bot') continue;
		most = Math.max(most, wordSimilarity(words, replyWords(transcript[i].text)));
	}
	return most;
}

/** The share of two sets' words they have in common (0 when both are empty). */
export function wordSimilarity(a: Set<string>, b: Set<string>): number {
	let shared = 0;
	for (const word of a) if (b.has(word)) shared++;
	const union = a.size + b.size - shared;
	return union === 0 ? 0 : shared / union;
}

/** Figures as written: a count, a year, a price, a time ("16:45"); "3,5" and "3.5" read alike. */
const FIGURE = /\d+(?:[.,:]\d+)?/g;

function figuresIn(text: string): string[] {
	return (text.match(FIGURE) ?? []).map((figure) => figure.replace(',', '.'));
}

/**
 * Whether the message states a figure that the bot's last reply, which gave figures, did not: a
 * year, a temperature or a time that differs from the answer's is how contacts say, without a
 * complaint word, that the answer does not fit their case ("mine only goes to 60" after "a 90
 * degree wash"). The turn judge weighs it with the rest: a figure the bot asked for reads otherwise.
 */
export function statesOtherFigure(message: string, reply: string): boolean {
	const stated = figuresIn(message);
	if (stated.length === 0) return false;
	const answered = new Set(figuresIn(reply));
	return answered.size > 0 && stated.some((figure) => !answered.has(figure));
}

/**
 * Whether a message's word is a content word of the bot's reply (the words shareOfReply counts),
 * for the turn-words model. Made once per message from the reply as the transcript keeps it.
 */
export function echoedIn(reply: string): (token: string) => boolean {
	return echoesIn(replyWords(reply));
}

/** The same from a reply's tokens (for training, which reads replies whole). */
export function echoedInTokens(reply: string[]): (token: string) => boolean {
	return echoesIn(contentWords(reply));
}

function echoesIn(words: Set<string>): (token: string) => boolean {
	return (token) => {
		const content = contentStem(token);
		return content !== undefined && words.has(content);
	};
}

/** How many content words a message has: the words shareOfReply weighs. */
export function contentWordCount(message: string[]): number {
	return messageWords(message).size;
}

/** A plain no in each language, as normalised ("não" → "nao", "Noooo" → "no"). */
const NO_WORDS = new Set('no nope nah non nee nein nao niet'.split(' '));

/**
 * A message that opens with a plain no ("no, the other one", "nee, dat heb ik al gedaan", "não, eu
 * já fiz isso"): after an answer, the contact turns it down. The judge weighs it with the rest, as
 * a no that answers the bot's question reads otherwise.
 */
export function opensWithNo(tokens: string[]): boolean {
	return tokens.length > 0 && NO_WORDS.has(tokens[0]);
}

/**
 * "and" in each language. "en" is Dutch; French "en" ("en fait", "en plus") goes on from the answer
 * too. Italian "è" folds to "e": an answer opening "è la posteriore" reads as going on.
 */
const OPENING_AND = new Set('and y e et und en ed'.split(' '));

/**
 * A message that goes on from the last answer with "and" ("and the lids?", "e pelo site?", "und
 * die Vollkasko?", "ok. y por qué…"): the contact mostly takes the answer and asks the next thing.
 * The judge weighs it with the message's length, as a bare "and?" or "und?" is a complaint.
 */
export function opensWithAnd(tokens: string[]): boolean {
	const k = afterAssent(tokens);
	return k < tokens.length && OPENING_AND.has(tokens[k]);
}

/** Words that open a yes-and-but: "yes, but", "ok but", "oui mais", "ja aber", "sim, mas". */
const YES_WORDS = new Set(
	'yes yeah yep ok okay sure right si vale claro oui ouais ja jo sim certo va oke'.split(' '),
);
// Not Italian "ma": it opens plain questions too ("ma quanto costa?"); measured on the training
// writers, it cost Italian complaint precision 0.94 → 0.89 and gained no conversation.
const OPENING_CONTRAST = new Set('but pero mais aber mas maar'.split(' '));

/**
 * A question that opens by contradicting the last answer ("yeah but when does it ship?", "oui mais
 * les dimensions ?", "thanks, but he has his own chair — does it fit?"): the contact says the
 * answer missed, in other words than before.
 */
export function opensWithContrast(tokens: string[]): boolean {
	const k = afterAssent(tokens);
	return k < tokens.length && OPENING_CONTRAST.has(tokens[k]);
}

/** Where a message's words start after at most three opening words of assent ("yes, ok, but …"). */
function afterAssent(tokens: string[]): number {
	let k = 0;
	while (
		k < 3 &&
		k < tokens.length &&
		(tokens[k] === CLAUSE || YES_WORDS.has(tokens[k]) || ACKNOWLEDGEMENTS.has(tokens[k]))
	)
		k++;
	return k;
}
