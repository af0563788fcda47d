import { CLAUSE } from '../normalise';
import { onlyGreets } from '../question';
import type { TextKind } from './features';

/**
 * A long message is scored clause group by clause group and the strongest group decides, so that
 * one request in a 600-character e-mail is not drowned by the rest. Short messages stay whole.
 * A run without punctuation (voice-to-text) is cut into overlapping windows.
 */
export const WHOLE_UP_TO = 30;
const SEGMENT_WORDS = 14;
const WINDOW = 16;
const WINDOW_STEP = 10;

function clausesOf(tokens: string[]): string[][] {
	const clauses: string[][] = [];
	let current: string[] = [];
	for (const token of tokens) {
		if (token === CLAUSE) {
			if (current.length > 0) clauses.push(current);
			current = [];
		} else current.push(token);
	}
	if (current.length > 0) clauses.push(current);
	return clauses;
}

function windowsOf(clause: string[]): string[][] {
	if (clause.length <= WINDOW + WINDOW_STEP) return [clause];
	const windows: string[][] = [];
	for (let start = 0; start < clause.length; start += WINDOW_STEP) {
		windows.push(clause.slice(start, start + WINDOW));
		if (start + WINDOW >= clause.length) break;
	}
	return windows;
}

/**
 * The clauses of a message read whole (30 words or fewer) that has more than one: each is also read
 * alone for a request (scorer.ts, readText). Empty for a message of one clause or a long one.
 * A clause of greetings alone asks nothing: read alone, a greeting the weights barely know
 * ("Servus", close to "service") could lend the message a request it does not make.
 */
export function clausesOfShortMessage(tokens: string[]): string[][] {
	if (tokens.length > WHOLE_UP_TO) return [];
	const clauses = clausesOf(tokens);
	return clauses.length > 1 ? clauses.filter((clause) => !onlyGreets(clause)) : [];
}

/**
 * The clauses of a bot reply of more than one, at any length: each is also read alone for a lack of
 * information (scorer.ts, readText). "Sadly I can't tell you if we ship there" between a
 * welcome and an offer is outvoted by them when the reply is read whole, or in groups of clauses.
 */
export function clausesOfReply(tokens: string[]): string[][] {
	const clauses = clausesOf(tokens);
	return clauses.length > 1 ? clauses : [];
}

/** The clauses of a text read alone, by kind: the engine and the training both take them from here. */
export function clausesReadAlone(kind: TextKind, tokens: string[]): string[][] {
	return kind === 'user' ? clausesOfShortMessage(tokens) : clausesOfReply(tokens);
}

export function segmentsOf(tokens: string[]): string[][] {
	if (tokens.length <= WHOLE_UP_TO) return [tokens];
	const segments: string[][] = [];
	let current: string[] = [];
	for (const clause of clausesOf(tokens)) {
		for (const piece of windowsOf(clause)) {
			if (piece.length > WINDOW) {
				if (current.length > 0) segments.push(current);
				segments.push(piece);
				current = [];
				continue;
			}
			if (current.length > 0) current.push(CLAUSE);
			current.push(...piece);
			if (current.length >= SEGMENT_WORDS) {
				segments.push(current);
				current = [];
			}
		}
	}
	if (current.length > 0) {
		// A short tail belongs to the group before it.
		const last = segments[segments.length - 1];
		if (current.length < SEGMENT_WORDS / 2 && last !== undefined && last.length <= WINDOW) {
			last.push(CLAUSE, ...current);
		} else segments.push(current);
	}
	return segments;
}
