import { getLexicon } from './lexicon';
import { CLAUSE, normaliseText, type NormalisedText } from './normalise';

const QUESTION_MARK = /[?？]/;

/**
 * A bot asking for a detail in the imperative, without a question mark ("Please enter your order
 * number.", "Bitte nennen Sie Ihr Geburtsdatum.", "Geef de meterstanden door:"), over folded words.
 */
const ASKS_FOR_DETAIL = new RegExp(
	'(?:^| )(?:' +
		[
			// en
			'please (?:send|provide|enter|share|confirm|give|tell|type|reply with)',
			'(?:send|tell|give) (?:me|us) (?:your|the)',
			'let (?:me|us) know (?:your|the|which|what|when|where)',
			'(?:i|we) (?:will |ll )?need (?:your|the)',
			// es
			'(?:indicame|indiqueme|indicanos|indiquenos|dime|digame|enviame|envieme|envianos|envienos|facilitame|facilitenos|facilitanos|escribeme|escribame|confirmame|confirmeme)',
			'(?:me|nos) (?:indicas|indica|indique|dices|dice|envias|envia|facilitas|facilita|confirmas|confirma)',
			'necesito (?:tu|su)',
			// fr
			'(?:indiquez|envoyez|precisez|communiquez|donnez|transmettez|confirmez) (?:moi|nous)',
			'merci de (?:m|nous|me) ?(?:indiquer|envoyer|preciser|communiquer|confirmer|transmettre|donner)',
			'(?:j|nous) ?(?:ai|avons) besoin de (?:votre|vos|ton|ta|tes)',
			// de
			'bitte (?:nennen|senden|schicken|geben|teilen|bestatigen|schreiben) sie (?:mir|uns)',
			'(?:nennen|schicken|senden|geben) sie (?:mir|uns)',
			'(?:ich|wir) (?:brauche|brauchen|benotige|benotigen) (?:ihre|ihren|ihr|deine|deinen|dein)',
			// pt
			'(?:informe|indique|envie|diga|passe|confirme) (?:me|nos)',
			'(?:me|nos) (?:informe|indique|envie|diga|passe|confirme|manda|mande)',
			'preciso (?:do|da|dos|das|de) (?:seu|sua|teu|tua)',
			// it
			'(?:indicami|inviami|mandami|dimmi|comunicami|scrivimi|confermami)',
			'mi (?:indichi|invii|mandi|dica|comunichi|scriva|confermi)',
			'rispondi con',
			'ho bisogno (?:del|della|dei|delle|di) (?:tuo|tua|suo|sua)',
			// nl: "geef … door" as an order opens its clause ("ik geef je verzoek door" informs)
			'(?<=^ |[.] )geef (?:\\S+ ){0,8}door',
			'stuur (?:me|ons|mij)',
			'laat (?:me|ons|mij) (?:\\S+ ){0,3}weten (?:welke|wat|wanneer|waar|hoe|je|uw)',
			'(?:ik|we|wij) (?:heb|hebben) (?:je|uw|jouw) (?:\\S+ ){0,3}nodig',
		].join('|') +
		')(?= |$)',
);

/** The bot's reply asks the contact something (a detail, a choice): the next message likely answers it. */
export function replyAsks(reply: string): boolean {
	return QUESTION_MARK.test(reply) || ASKS_FOR_DETAIL.test(normaliseText(reply).text);
}

/** Where a closing question starts: after the end of the sentence before it. */
const SENTENCE_END = /[.!?？\n:]/;
/** How far back from its mark a closing question is read: a longer sentence is read in part. */
const QUESTION_SCAN = 300;

/**
 * The bot's reply closes by asking what a step it gave did ("Does the light turn green now?",
 * "¿Sigue saliendo E21?", "Klappt es jetzt?"), not by offering more ("Anything else?"). Its
 * last question, from the sentence break before its last question mark, holds a word of
 * LanguagePhrases.stepOutcome and none of moreOffered.
 */
export function asksAboutStep(reply: string): boolean {
	const mark = Math.max(reply.lastIndexOf('?'), reply.lastIndexOf('？'));
	if (mark < 0) return false;
	let start = mark - 1;
	const stop = Math.max(0, mark - QUESTION_SCAN);
	while (start >= stop && !SENTENCE_END.test(reply[start])) start--;
	const question = normaliseText(reply.slice(start + 1, mark)).text;
	const { stepOutcome, moreOffered } = getLexicon();
	return stepOutcome.test(question) && !moreOffered.test(question);
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
