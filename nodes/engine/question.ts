import { getLexicon } from './lexicon';
import { CLAUSE, type NormalisedText } from './normalise';

const QUESTION_MARK = /[?？]/;

/** The bot's reply asks the contact something (a detail, a choice): the next message likely answers it. */
export function replyAsks(reply: string): boolean {
	return QUESTION_MARK.test(reply);
}

/** A question opens one of a message's first clauses, within its first few words. */
const CLAUSES_READ = 3;
const OPENING_WORDS = 5;
const LONGEST_GREETING = 3;

/**
 * Whether a contact's message asks something: a question mark, or a clause that opens like a
 * question once its greetings are passed ("hi, do u take walk ins", "Salve, volevo sapere se…",
 * "habt ihr heute noch einen Tisch frei"). People type questions into chat boxes without the mark;
 * "Hola, tengo la fibra de 600 megas" asks nothing.
 */
export function asksSomething(message: NormalisedText, raw: string): boolean {
	if (raw.includes('?')) return true;
	const { questionOpeners, greetings } = getLexicon();
	const tokens = message.tokens;
	let start = 0;
	for (let clause = 0; clause < CLAUSES_READ && start < tokens.length; clause++) {
		let end = tokens.indexOf(CLAUSE, start);
		if (end < 0) end = tokens.length;
		let open = start;
		for (let skipped = true; skipped && open < end;) {
			skipped = false;
			for (let n = Math.min(LONGEST_GREETING, end - open); n > 0; n--) {
				if (greetings.has(tokens.slice(open, open + n).join(' '))) {
					open += n;
					skipped = true;
					break;
				}
			}
		}
		if (open < end) {
			const opening = ` ${tokens.slice(open, Math.min(end, open + OPENING_WORDS)).join(' ')} `;
			if (questionOpeners.test(opening)) return true;
		}
		start = end + 1;
	}
	return false;
}

/** "salut !", "hola buenas", "moin moin", "Servus": nothing but greetings. */
export function onlyGreets(tokens: string[]): boolean {
	const { greetings } = getLexicon();
	let words = 0;
	for (const token of tokens) {
		if (token === CLAUSE) continue;
		if (!greetings.has(token)) return false;
		words++;
	}
	return words > 0;
}
