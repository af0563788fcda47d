import { normaliseText } from '../../nodes/engine/normalise';
import {
	extractFeatures,
	readRawAnswering,
	type TextKind,
} from '../../nodes/engine/model/features';
import { createModel, predict, type LinearModel } from '../../nodes/engine/model/linearModel';
import { clausesReadAlone, segmentsOf } from '../../nodes/engine/model/segments';

/**
 * Training of the linear models: multinomial logistic regression by AdaGrad over hashed features,
 * deterministic (seeded order, no randomness elsewhere). A long text is a bag of segments of which
 * one carries its label (multiple-instance learning): each round the segment the model rates
 * highest for the label is the one trained on; every segment of a text labelled with the first
 * label (nothing to detect) is trained on as that label.
 */
export interface Example {
	/** Hashed features of each segment. */
	segments: number[][];
	/**
	 * The label's index, or NOT_LABEL - i for "anything but label i" (a partial label: a contact
	 * turn of a scripted conversation known not to ask for a person, complaint or not).
	 */
	label: number;
}

/** Partial labels are written NOT_LABEL - i: "not label i". */
export const NOT_LABEL = -1;
const excludedOf = (label: number) => NOT_LABEL - label;

export interface TrainOptions {
	bits: number;
	epochs: number;
	rounds: number;
	learningRate: number;
	l2: number;
	seed: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
	bits: 18,
	epochs: 10,
	rounds: 3,
	learningRate: 0.05,
	l2: 1e-4,
	seed: 20261201,
};

export function toExample(
	kind: TextKind,
	text: string,
	label: number,
	bits: number,
	question?: string,
): Example {
	const normal = normaliseText(text);
	const mask = (1 << bits) - 1;
	// A reply is read against the contact's message it answers, as the engine reads it.
	const reading = readRawAnswering(
		kind,
		text,
		normal,
		question ? normaliseText(question) : undefined,
	);
	return {
		segments: segmentsOf(normal.tokens).map((segment) =>
			extractFeatures(kind, segment, reading, mask),
		),
		label,
	};
}

/**
 * The features of each clause of a text that the engine's readText reads alone (a short contact
 * message of several clauses, a bot reply of several), with the whole text's raw signals and, for
 * a reply, the message it answers; empty otherwise.
 */
export function clauseFeatures(
	kind: TextKind,
	text: string,
	bits: number,
	question?: string,
): number[][] {
	const normal = normaliseText(text);
	const reading = readRawAnswering(
		kind,
		text,
		normal,
		question ? normaliseText(question) : undefined,
	);
	const mask = (1 << bits) - 1;
	return clausesReadAlone(kind, normal.tokens).map((clause) =>
		extractFeatures(kind, clause, reading, mask),
	);
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Instance {
	slots: number[];
	label: number;
}

function instancesOf(model: LinearModel, examples: Example[], round: number): Instance[] {
	const out: Instance[] = [];
	const probabilities = new Float64Array(model.labels.length);
	for (const example of examples) {
		if (example.segments.length === 1 || example.label <= 0) {
			for (const slots of example.segments) out.push({ slots, label: example.label });
			continue;
		}
		if (round === 0) continue;
		let best = example.segments[0];
		let bestScore = -1;
		for (const slots of example.segments) {
			const score = predict(model, slots, probabilities)[example.label];
			if (score > bestScore) {
				bestScore = score;
				best = slots;
			}
		}
		out.push({ slots: best, label: example.label });
	}
	return out;
}

export function train(
	labels: readonly string[],
	examples: Example[],
	options: TrainOptions = DEFAULT_TRAIN,
): LinearModel {
	const model = createModel([...labels], options.bits);
	const size = 1 << options.bits;
	const squared = labels.map(() => new Float32Array(size).fill(1e-6));
	const random = mulberry32(options.seed);
	const probabilities = new Float64Array(labels.length);
	for (let round = 0; round < options.rounds; round++) {
		const instances = instancesOf(model, examples, round);
		for (let epoch = 0; epoch < options.epochs; epoch++) {
			// Fisher–Yates with the seeded generator: the same corpus gives the same weights.
			for (let i = instances.length - 1; i > 0; i--) {
				const j = Math.floor(random() * (i + 1));
				[instances[i], instances[j]] = [instances[j], instances[i]];
			}
			for (const { slots, label } of instances) {
				predict(model, slots, probabilities);
				const partial = label < 0;
				const excluded = partial ? excludedOf(label) : -1;
				// A partial label's target spreads the excluded label's share over the others.
				const rest = partial ? Math.max(1e-9, 1 - probabilities[excluded]) : 1;
				for (let l = 0; l < labels.length; l++) {
					const target = partial
						? l === excluded
							? 0
							: probabilities[l] / rest
						: l === label
							? 1
							: 0;
					const gradient = probabilities[l] - target;
					const row = model.rows[l];
					const sq = squared[l];
					for (const slot of slots) {
						const g = gradient + options.l2 * row[slot];
						sq[slot] += g * g;
						row[slot] -= (options.learningRate * g) / Math.sqrt(sq[slot]);
					}
				}
			}
		}
	}
	return model;
}

/**
 * The raw scores (before the softmax) of the segment that gives `label` its highest probability:
 * what calibration needs.
 */
export function logitsOf(model: LinearModel, example: Example, label: number): Float64Array {
	const probabilities = new Float64Array(model.labels.length);
	let best = example.segments[0] ?? [];
	let bestScore = -1;
	for (const slots of example.segments) {
		const p = predict(model, slots, probabilities)[label];
		if (p > bestScore) {
			bestScore = p;
			best = slots;
		}
	}
	return model.rows.reduce((out, row, l) => {
		let sum = 0;
		for (const slot of best) sum += row[slot];
		out[l] = sum;
		return out;
	}, new Float64Array(model.labels.length));
}
