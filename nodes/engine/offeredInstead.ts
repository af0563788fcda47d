import { getLexicon, Tag, type WordEntry } from './lexicon';
import { onlyOffersOptions } from './model/features';
import type { NormalisedText } from './normalise';
import { asksSomething } from './question';
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
 */
const OFFER_OPENS_WITHIN = 20;
const OFFER_REPLY_MAX_WORDS = 45;

/** A word for the bot, or for a person as written ("broken" is no typo of "broker" here). */
function asksAboutTheBot(entry: WordEntry | undefined, token: string): boolean {
	if (entry === undefined) return false;
	return (entry.tags & Tag.bot) !== 0 || ((entry.tags & Tag.person) !== 0 && entry.text === token);
}

export function offeredInsteadOfAnswering(
	reply: NormalisedText,
	rawReply: string,
	message: NormalisedText | undefined,
	rawMessage: string | undefined,
): boolean {
	if (message === undefined || rawMessage === undefined) return false;
	if (reply.tokens.length > OFFER_REPLY_MAX_WORDS) return false;
	// Only a question: "hi, I'm the tenant of flat 5" or "thanks!" ask nothing a reply must take up.
	if (contentWordCount(message.tokens) === 0 || !asksSomething(message, rawMessage)) return false;
	// "Are you a bot?" (or a person?) is answered by the bot introducing itself, then offering its help.
	const { words, offersInsteadOfAnswering } = getLexicon();
	if (message.tokens.some((token) => asksAboutTheBot(words.get(token), token))) return false;
	const opening = ` ${reply.tokens.slice(0, OFFER_OPENS_WITHIN).join(' ')} `;
	if (!offersInsteadOfAnswering.test(opening) && !onlyOffersOptions(rawReply)) return false;
	return shareOfReply(message.tokens, rawReply) < 0.5;
}
