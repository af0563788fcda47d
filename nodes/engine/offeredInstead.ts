import { getLexicon, Tag, type WordEntry } from './lexicon';
import type { NormalisedText } from './normalise';
import { asksSomething, onlyGreets } from './question';
import { contentWordCount, shareOfReply } from './reask';

/**
 * Menu and keyword bots that do not understand a question send back their welcome, their menu or
 * "sorry, I didn't get that". Read alone such a reply is no sign of anything (it is the right reply
 * to "hi"); sent back to a question that it takes up less than half of, it answered nothing. The
 * offer must open a short reply (an answer that ends with "how else can I help?" has answered), or
 * the reply must be a menu and nothing else ("1️⃣ Bills 2️⃣ Plans 3️⃣ Faults").
 * Measured on ten groups of training writers: counting any message of three content words as a
 * question ended 11 conversations at their opening ("Hola, tengo la fibra de 600 megas" → "¿En
 * qué te puedo ayudar?"); a question mark, or a clause that opens like a question ("habt ihr noch
 * einen Tisch frei"), and not about the bot, changed none.
 * A bot that asks for what it needs to answer ("I can help with that. What is your postcode?",
 * "scrivi il numero della pratica", "quelle est votre adresse ?") asks a question back, which lacks
 * nothing: the tables' offers leave out "with that" and "the number of …".
 */
const OFFER_OPENS_WITHIN = 20;
const OFFER_REPLY_MAX_WORDS = 45;
/** The most content words of a question about the bot ("is this a real person or a bot?"). */
const BOT_QUESTION_MAX_CONTENT_WORDS = 8;

/** A menu is read in a reply's first characters: a long text is no menu. */
const MENU_SCAN = 2000;

/**
 * Before each of a menu's options: "1️⃣", "1.", "2)", "3 -" before a word, a number opening a line
 * ("1 Book\n2 Prices"), bullets, buttons written in brackets ("[Book] [Prices] [Find us]").
 */
const OPTION_MARKER =
	/[1-9]\uFE0F?\u20E3|(?:^|[\s(])[1-9](?:[.)]|\s?[-–:])\s*(?=\p{L})|(?:^|\n)[ \t]*[1-9][ \t]+(?=\p{L})|[•▪►]|\[(?=[^\]\n]{1,40}\])/gu;
/** Between a menu's options: "Menu | Hours | Find us", "Tasse · Esami · Erasmus". */
const OPTION_SEPARATOR = /\s[|·]\s/g;

const atLeast = (pattern: RegExp, text: string, enough: number): boolean => {
	pattern.lastIndex = 0;
	let found = 0;
	while (pattern.exec(text) !== null) if (++found >= enough) return true;
	return false;
};

/** Whether a text lists options to choose from, as menu bots do: three of them or more. */
export function listsOptions(text: string): boolean {
	return listsOptionsIn(text.length > MENU_SCAN ? text.slice(0, MENU_SCAN) : text);
}

function listsOptionsIn(raw: string): boolean {
	return atLeast(OPTION_MARKER, raw, 3) || atLeast(OPTION_SEPARATOR, raw, 2);
}

/**
 * A menu with no figure besides its options' numbers: "1️⃣ Bills 2️⃣ Plans 3️⃣ Faults" offers topics,
 * while "Mo: closed, Tue–Fri 5–11pm · 1 Book | 2 Menu" or "free at 7:45 · 8:30 · 9:15" answer.
 */
export function onlyOffersOptions(text: string): boolean {
	const raw = text.length > MENU_SCAN ? text.slice(0, MENU_SCAN) : text;
	return listsOptionsIn(raw) && !/\d/.test(raw.replace(OPTION_MARKER, ' '));
}

/** A word for the bot, or for a person as written ("broken" is no typo of "broker" here). */
function asksAboutTheBot(entry: WordEntry | undefined, token: string): boolean {
	if (entry === undefined) return false;
	return (entry.tags & Tag.bot) !== 0 || ((entry.tags & Tag.person) !== 0 && entry.text === token);
}

/**
 * How a welcome or a menu reads beside the contact's message: `instead` of an answer to a question,
 * a `welcome` that is the right reply (nothing asked yet, a greeting, "are you a bot?"), or
 * undefined when the reply is no welcome or menu, or the message is a statement.
 */
export type OfferReading = 'instead' | 'welcome' | undefined;

export function readOffer(
	reply: NormalisedText,
	rawReply: string,
	message: NormalisedText | undefined,
	rawMessage: string | undefined,
): OfferReading {
	if (reply.tokens.length > OFFER_REPLY_MAX_WORDS) return undefined;
	// The reply first: most replies offer nothing, and then the message need not be read.
	const { words, offersInsteadOfAnswering } = getLexicon();
	const opening = ` ${reply.tokens.slice(0, OFFER_OPENS_WITHIN).join(' ')} `;
	if (!offersInsteadOfAnswering.test(opening) && !onlyOffersOptions(rawReply)) return undefined;
	if (message === undefined || rawMessage === undefined) return 'welcome';
	const contentWords = contentWordCount(message.tokens);
	if (contentWords === 0 || onlyGreets(message.tokens)) return 'welcome';
	// "Are you a bot?" (or a person?) is answered by the bot introducing itself, then offering its help.
	// Such a question is short: in a longer message a bot or person word is part of the matter ("we
	// are on the Team plan", French "j'ai" read as "AI").
	if (
		contentWords <= BOT_QUESTION_MAX_CONTENT_WORDS &&
		message.tokens.some((token) => asksAboutTheBot(words.get(token), token))
	)
		return 'welcome';
	// "hi, I'm the tenant of flat 5" asks nothing a reply must take up.
	if (!asksSomething(message, rawMessage)) return undefined;
	return shareOfReply(message.tokens, rawReply) < 0.5 ? 'instead' : undefined;
}

export function offeredInsteadOfAnswering(
	reply: NormalisedText,
	rawReply: string,
	message: NormalisedText | undefined,
	rawMessage: string | undefined,
): boolean {
	return readOffer(reply, rawReply, message, rawMessage) === 'instead';
}
