import type { HandoverStore } from '../store/HandoverStore';

export interface StoreSettings {
	kind: 'embedded';
	/** SQLite file of the embedded store; the n8n user folder's when empty. */
	filePath?: string;
}

/** One store per file and process: opening SQLite on every webhook call would cost more than the call. */
const stores = new Map<string, Promise<HandoverStore>>();

export async function getStore(settings: StoreSettings): Promise<HandoverStore> {
	// Loaded on first use, so that a Node without node:sqlite can still load the nodes.
	const { EmbeddedStore, defaultStorePath } = await import('../store/EmbeddedStore');
	const filePath = settings.filePath || defaultStorePath();
	const key = `embedded:${filePath}`;
	let store = stores.get(key);
	if (store === undefined) {
		store = Promise.resolve(new EmbeddedStore({ filePath }));
		stores.set(key, store);
	}
	return await store;
}

/** Conversation memory is kept this long after its last turn. */
export const MEMORY_TTL_MS = 30 * 24 * 60 * 60 * 1000;
