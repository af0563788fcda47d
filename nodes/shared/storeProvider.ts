import {
	NodeOperationError,
	type IExecuteFunctions,
	type IPollFunctions,
	type ITriggerFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import type { HandoverStore } from '../store/HandoverStore';
import { withoutSecrets } from '../store/redactSecrets';

export type StoreChoice = 'embedded' | 'redis' | 'auto';

export type StoreSettings =
	| { kind: 'embedded'; filePath?: string }
	| {
			kind: 'redis';
			host: string;
			port: number;
			username?: string;
			password?: string;
			db?: number;
			tls?: boolean;
	  };

/** One store per file or Redis server and process: opening one per call would cost more than the call. */
const stores = new Map<string, Promise<HandoverStore>>();

async function openStore(settings: StoreSettings): Promise<HandoverStore> {
	// Loaded on first use: a Node without node:sqlite, or an n8n without Redis, still loads the nodes.
	if (settings.kind === 'embedded') {
		const { EmbeddedStore, defaultStorePath } = await import('../store/EmbeddedStore');
		return new EmbeddedStore({ filePath: settings.filePath || defaultStorePath() });
	}
	const { RedisStore } = await import('../store/RedisStore');
	const { kind: _kind, ...connection } = settings;
	return new RedisStore(connection);
}

export async function getStore(settings: StoreSettings): Promise<HandoverStore> {
	const key = JSON.stringify(settings);
	let store = stores.get(key);
	if (store === undefined) {
		// The settings hold the Redis password: no error of the opening may carry it on.
		const secrets = settings.kind === 'redis' ? [settings.password] : [];
		store = openStore(settings).catch((error: unknown) => {
			throw withoutSecrets(error, secrets);
		});
		stores.set(key, store);
		// A failed open is not cached: the next call tries again.
		store.catch(() => stores.delete(key));
	}
	return await store;
}

/** n8n in queue mode keeps its queue in Redis: with Auto the nodes share state there too. */
export function isQueueMode(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.EXECUTIONS_MODE === 'queue';
}

/** n8n's own queue Redis settings (QUEUE_BULL_REDIS_*), for the Auto store in queue mode. */
export function queueRedisSettings(env: NodeJS.ProcessEnv = process.env): StoreSettings {
	return {
		kind: 'redis',
		host: env.QUEUE_BULL_REDIS_HOST || 'localhost',
		port: Number(env.QUEUE_BULL_REDIS_PORT || 6379),
		...(env.QUEUE_BULL_REDIS_USERNAME && { username: env.QUEUE_BULL_REDIS_USERNAME }),
		...(env.QUEUE_BULL_REDIS_PASSWORD && { password: env.QUEUE_BULL_REDIS_PASSWORD }),
		db: Number(env.QUEUE_BULL_REDIS_DB || 0),
		...(env.QUEUE_BULL_REDIS_TLS === 'true' && { tls: true }),
	};
}

/** The store the node's "State Store" parameter chooses. */
export async function storeFromParameters(
	context: IExecuteFunctions | IWebhookFunctions | ITriggerFunctions | IPollFunctions,
	itemIndex = 0,
): Promise<HandoverStore> {
	const getParameter = context.getNodeParameter as (
		name: string,
		i: number,
		fallback: unknown,
	) => unknown;
	const choice = getParameter.call(context, 'stateStore', itemIndex, 'embedded') as StoreChoice;
	if (choice === 'embedded' || (choice === 'auto' && !isQueueMode())) {
		const filePath = getParameter.call(context, 'storeFile', itemIndex, '') as string;
		return await getStore({ kind: 'embedded', filePath });
	}
	if (choice === 'auto') return await getStore(queueRedisSettings());
	const credentials = await context.getCredentials('redis', itemIndex);
	if (!credentials.host) {
		throw new NodeOperationError(context.getNode(), 'The Redis credential has no host', {
			itemIndex,
			description: 'Set Host (and Port) in the Redis credential used for the State Store',
		});
	}
	return await getStore({
		kind: 'redis',
		host: String(credentials.host),
		port: Number(credentials.port || 6379),
		...(credentials.user ? { username: String(credentials.user) } : {}),
		...(credentials.password ? { password: String(credentials.password) } : {}),
		db: Number(credentials.database || 0),
		...(credentials.ssl === true && { tls: true }),
	});
}
