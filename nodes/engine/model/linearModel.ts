import { deflateSync, inflateSync } from 'zlib';

/**
 * A multinomial logistic model over hashed features: one weight row per label, a softmax over the
 * rows' sums. Stored as 16-bit integers with one scale per row, deflated and base64-encoded, so the
 * shipped file stays small and loading is one inflate.
 */
export interface LinearModel {
	labels: string[];
	bits: number;
	/** Row `l` holds label l's weights. */
	rows: Float32Array[];
	/**
	 * The same weights slot by slot (all labels of a slot side by side), built at load for
	 * scoring: one memory access per feature instead of one per label.
	 */
	interleaved?: Float32Array;
}

/** Builds the slot-major copy of the weights that predict() reads (after training, or at load). */
export function interleave(model: LinearModel): LinearModel {
	const labels = model.rows.length;
	const size = 1 << model.bits;
	const interleaved = new Float32Array(size * labels);
	for (let l = 0; l < labels; l++) {
		const row = model.rows[l];
		for (let i = 0; i < size; i++) interleaved[i * labels + l] = row[i];
	}
	return { ...model, interleaved };
}

export interface StoredLinearModel {
	labels: string[];
	bits: number;
	scales: number[];
	/** base64 of the deflated little-endian Int16 rows, one after another. */
	weights: string;
}

const INT16_MAX = 32767;

export function createModel(labels: string[], bits: number): LinearModel {
	return { labels, bits, rows: labels.map(() => new Float32Array(1 << bits)) };
}

export function maskOf(model: LinearModel): number {
	return (1 << model.bits) - 1;
}

/*
 * The sums of the two shipped models (four user labels, two bot labels) in local variables: the
 * same additions in the same order as the general loop, about four times faster than adding into
 * the output array.
 */
function sumFour(weights: Float32Array, slots: ArrayLike<number>, out: Float64Array): void {
	let a = 0;
	let b = 0;
	let c = 0;
	let d = 0;
	for (let i = 0; i < slots.length; i++) {
		const base = slots[i] * 4;
		a += weights[base];
		b += weights[base + 1];
		c += weights[base + 2];
		d += weights[base + 3];
	}
	out[0] = a;
	out[1] = b;
	out[2] = c;
	out[3] = d;
}

function sumTwo(weights: Float32Array, slots: ArrayLike<number>, out: Float64Array): void {
	let a = 0;
	let b = 0;
	for (let i = 0; i < slots.length; i++) {
		const base = slots[i] * 2;
		a += weights[base];
		b += weights[base + 1];
	}
	out[0] = a;
	out[1] = b;
}

/**
 * Softmax probabilities of every label for one feature list, plus `sums` already added up label
 * by label (a scoring sink's wordSums).
 */
export function predict(
	model: LinearModel,
	slots: ArrayLike<number>,
	into?: Float64Array,
	sums?: Float64Array,
): Float64Array {
	const labels = model.labels.length;
	const out = into ?? new Float64Array(labels);
	const weights = model.interleaved;
	if (weights !== undefined && labels === 4) sumFour(weights, slots, out);
	else if (weights !== undefined && labels === 2) sumTwo(weights, slots, out);
	else if (weights !== undefined) {
		out.fill(0);
		for (let i = 0; i < slots.length; i++) {
			const base = slots[i] * labels;
			for (let l = 0; l < labels; l++) out[l] += weights[base + l];
		}
	} else {
		for (let l = 0; l < labels; l++) {
			const row = model.rows[l];
			let sum = 0;
			for (let i = 0; i < slots.length; i++) sum += row[slots[i]];
			out[l] = sum;
		}
	}
	if (sums !== undefined && sums.length === labels)
		for (let l = 0; l < labels; l++) out[l] += sums[l];
	let max = -Infinity;
	for (let l = 0; l < labels; l++) if (out[l] > max) max = out[l];
	let total = 0;
	for (let l = 0; l < out.length; l++) {
		out[l] = Math.exp(out[l] - max);
		total += out[l];
	}
	for (let l = 0; l < out.length; l++) out[l] /= total;
	return out;
}

export function storeModel(model: LinearModel): StoredLinearModel {
	const size = 1 << model.bits;
	const packed = new Int16Array(size * model.rows.length);
	const scales = model.rows.map((row, l) => {
		let max = 0;
		for (const w of row) max = Math.max(max, Math.abs(w));
		const scale = max === 0 ? 1 : max / INT16_MAX;
		for (let i = 0; i < size; i++) packed[l * size + i] = Math.round(row[i] / scale);
		return scale;
	});
	const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
	return {
		labels: model.labels,
		bits: model.bits,
		scales,
		weights: deflateSync(bytes, { level: 9 }).toString('base64'),
	};
}

export function loadStoredModel(stored: StoredLinearModel): LinearModel {
	const size = 1 << stored.bits;
	const bytes = inflateSync(Buffer.from(stored.weights, 'base64'));
	if (bytes.length !== size * stored.labels.length * 2) {
		throw new Error(
			`model weights have ${bytes.length} bytes, expected ${size * stored.labels.length * 2}`,
		);
	}
	const aligned = new Int16Array(bytes.length / 2);
	for (let i = 0; i < aligned.length; i++) aligned[i] = bytes.readInt16LE(i * 2);
	const rows = stored.labels.map((_, l) => {
		const row = new Float32Array(size);
		const scale = stored.scales[l];
		for (let i = 0; i < size; i++) row[i] = aligned[l * size + i] * scale;
		return row;
	});
	return interleave({ labels: stored.labels, bits: stored.bits, rows });
}
