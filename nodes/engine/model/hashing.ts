/**
 * Feature hashing: every feature name is folded into one of 2^bits weight slots with 32-bit FNV-1a,
 * so the model needs no vocabulary and unseen words cost nothing. Seeds separate feature families.
 */
const FNV_PRIME = 0x01000193;
export const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a of `text[start, end)`, continuing from `seed`. */
export function fnv(text: string, seed: number = FNV_OFFSET, start = 0, end = text.length): number {
	let hash = seed;
	for (let i = start; i < end; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, FNV_PRIME);
	}
	return hash >>> 0;
}

/** Combines two hashes into one (a murmur3-style finaliser over both), for n-grams of hashed words. */
export function mix(a: number, b: number): number {
	let h = Math.imul(a ^ (b + 0x9e3779b9 + (a << 6) + (a >>> 2)), 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}
