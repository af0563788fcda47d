import { CLAUSE, normaliseText } from './normalise';
import type { TranscriptEntry } from './types';

/**
 * Asking again what the bot has not answered: "is parking included?" → (the bot talks about the
 * view) → "hello?? parking??". Most of the new message's content words were in one of the
 * contact's recent questions, and none of them came back in any bot reply since that question.
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

const SHARE = 0.6;
const LOOK_BACK = 3;

function contentWords(tokens: string[]): Set<string> {
	const words = new Set<string>();
	for (const token of tokens) {
		if (token === CLAUSE || token.length < 4 || FUNCTION_WORDS.has(token)) continue;
		words.add(stem(token));
	}
	return words;
}

/** The first five letters: enough to match "parking"/"parkings", "precio"/"precios". */
function stem(word: string): string {
	return word.length > 5 ? word.slice(0, 5) : word;
}

/** The content words the contact asks again without an answer, or undefined. */
export function findUnansweredReask(
	message: string[],
	transcript: TranscriptEntry[],
): string | undefined {
	const asked = contentWords(message);
	if (asked.size === 0) return undefined;
	const recent = transcript.slice(-LOOK_BACK * 2);
	let answered = new Set<string>();
	let questions = 0;
	// Newest first: what the bot said after each earlier question counts against it.
	for (let i = recent.length - 1; i >= 0 && questions < LOOK_BACK; i--) {
		const entry = recent[i];
		const words = contentWords(normaliseText(entry.text).tokens);
		if (entry.role !== 'user') {
			answered = new Set([...answered, ...words]);
			continue;
		}
		questions++;
		const shared = [...asked].filter((word) => words.has(word));
		if (shared.length / asked.size >= SHARE && shared.every((word) => !answered.has(word))) {
			return shared.join(' ');
		}
	}
	return undefined;
}
