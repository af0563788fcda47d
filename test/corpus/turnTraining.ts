import { detectHandover, turnFeaturesAt } from '../../nodes/engine/detectHandover';
import type { LinearModel } from '../../nodes/engine/model/linearModel';
import {
	messageWordSlots,
	responseWordSlots,
	replyWordSlots,
	TURN_WORDS_BITS,
	TURN_WORDS_LABELS,
} from '../../nodes/engine/model/turnWords';
import { normaliseText } from '../../nodes/engine/normalise';
import { replyAsks } from '../../nodes/engine/question';
import { echoedInTokens } from '../../nodes/engine/reask';
import { JUDGE_INPUTS, judgeInputs, type TurnModel } from '../../nodes/engine/turnJudge';
import type { ConversationMemory } from '../../nodes/engine/types';
import type { ConversationLine } from './corpus';
import { DEFAULT_TRAIN, train, type Example } from './learn';

/**
 * Training of the turn judge: logistic regression by Newton's method over the few features of
 * nodes/engine/turnJudge.ts, on the labelled turns of the scripted conversations. Deterministic.
 */
export interface TurnExample {
	writer: string;
	x: Float64Array;
	/** 1 when the turn is labelled an unsuccessful attempt. */
	y: number;
}

/** A judge that never calls a turn failed: used while collecting features, which it does not touch. */
export const NEUTRAL_TURN_MODEL: TurnModel = {
	weights: new Float64Array(JUDGE_INPUTS),
	bias: -10,
};

const NO_TRIGGERS = {
	triggers: { contactRequest: false, lackOfInformation: false, failedToResolve: false },
};

/**
 * The judge's features at every labelled contact turn after the first, read with the models in use
 * (the caller sets weights that did not see these conversations' writers). Memory is played through
 * the engine with every trigger off.
 */
export function turnExamples(conversations: ConversationLine[]): TurnExample[] {
	const examples: TurnExample[] = [];
	const start = Date.parse('2026-01-01T10:00:00Z');
	for (const conversation of conversations) {
		const attempts = conversation.attempts;
		if (attempts === undefined) continue;
		let memory: ConversationMemory | undefined;
		attempts.forEach((label, i) => {
			const turn = conversation.turns[i];
			if (memory !== undefined && turn.userMessage) {
				// Read with the bot's reply to the message and without it: the engine judges a message
				// alone when the reply comes as an event of its own, or not at all.
				const y = label === 'failed' ? 1 : 0;
				for (const response of turn.botReply ? [turn.botReply, undefined] : [undefined]) {
					const x = turnFeaturesAt(turn.userMessage, memory, response);
					if (x !== undefined) examples.push({ writer: conversation.writer, x, y });
				}
			}
			memory = detectHandover(
				{ conversationId: conversation.id, platform: 'generic', ...turn },
				memory,
				NO_TRIGGERS,
				new Date(start + i * 60_000),
			).memory;
		});
	}
	return examples;
}

/**
 * The turn-words model's examples: every labelled contact turn after the opening, its words with
 * those of the latest bot reply before it (as the engine keeps them) and of the bot's reply to it,
 * failed or not. A turn that
 * hands over as a request for a person is left out: the request decides it whatever the count,
 * and readers label the same words failed or not by what came before ("this is useless, get me a
 * person"), which taught the model that asking for a person is failing (10 groups of writers: turns
 * misjudged 555 → 545 without them).
 */
export function turnWordExamples(conversations: ConversationLine[]): Example[] {
	const examples: Example[] = [];
	for (const conversation of conversations) {
		const attempts = conversation.attempts;
		if (attempts === undefined) continue;
		let reply: string[] = [];
		let replyAsked = false;
		attempts.forEach((label, i) => {
			const turn = conversation.turns[i];
			const asks = i === conversation.fireAt && conversation.reason === 'contact_request';
			// The bot's reply to this message: read with it, then the reply before the next one.
			const response = turn.botReply ? normaliseText(turn.botReply).tokens : undefined;
			if (i > 0 && turn.userMessage && !asks) {
				const slots = [
					...messageWordSlots(
						normaliseText(turn.userMessage).tokens,
						TURN_WORDS_BITS,
						echoedInTokens(reply),
						replyAsked,
					),
					...replyWordSlots(reply),
				];
				examples.push({
					segments: [[...slots, ...(response ? responseWordSlots(response) : [])]],
					label: label === 'failed' ? 1 : 0,
				});
			}
			if (response !== undefined && turn.botReply) {
				reply = response;
				replyAsked = replyAsks(turn.botReply);
			}
		});
	}
	return examples;
}

/** The turn-words model (model/turnWords.ts), trained like the message models on its own slots. */
export function fitTurnWords(conversations: ConversationLine[]): LinearModel {
	return train(TURN_WORDS_LABELS, turnWordExamples(conversations), {
		...DEFAULT_TRAIN,
		bits: TURN_WORDS_BITS,
	});
}

/**
 * Weight penalty per example. With the pairs of features it also keeps the many weights from
 * learning the training writers' quirks: measured on ten groups of writers, 1e-4 to 3e-3 played
 * the same conversations within three, 1e-3 best.
 */
const L2_PER_EXAMPLE = 1e-3;
const ITERATIONS = 25;

/** Solves A x = b for a small symmetric positive definite A (Gaussian elimination with pivoting). */
function solve(a: number[][], b: number[]): number[] {
	const n = b.length;
	const m = a.map((row, i) => [...row, b[i]]);
	for (let col = 0; col < n; col++) {
		let pivot = col;
		for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
		[m[col], m[pivot]] = [m[pivot], m[col]];
		for (let r = 0; r < n; r++) {
			if (r === col) continue;
			const f = m[r][col] / m[col][col];
			for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
		}
	}
	return m.map((row, i) => row[n] / row[i]);
}

/** L2-regularised logistic regression (the bias not regularised), fitted by Newton's method. */
export function fitTurnModel(examples: TurnExample[]): TurnModel {
	const d = JUDGE_INPUTS + 1;
	const w = new Array<number>(d).fill(0);
	const rows = examples.map((example) => [...judgeInputs(example.x), 1]);
	for (let iteration = 0; iteration < ITERATIONS; iteration++) {
		const gradient = new Array<number>(d).fill(0);
		const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
		for (const [e, example] of examples.entries()) {
			const v = rows[e];
			let z = 0;
			for (let i = 0; i < d; i++) z += w[i] * v[i];
			const p = 1 / (1 + Math.exp(-z));
			const s = p * (1 - p);
			for (let i = 0; i < d; i++) {
				gradient[i] += (p - example.y) * v[i];
				for (let j = i; j < d; j++) hessian[i][j] += s * v[i] * v[j];
			}
		}
		for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) hessian[i][j] = hessian[j][i];
		const penalty = L2_PER_EXAMPLE * examples.length;
		for (let i = 0; i < d - 1; i++) {
			gradient[i] += penalty * w[i];
			hessian[i][i] += penalty;
		}
		const step = solve(hessian, gradient);
		let moved = 0;
		for (let i = 0; i < d; i++) {
			w[i] -= step[i];
			moved = Math.max(moved, Math.abs(step[i]));
		}
		if (moved < 1e-9) break;
	}
	return { weights: Float64Array.from(w.slice(0, d - 1)), bias: w[d - 1] };
}
