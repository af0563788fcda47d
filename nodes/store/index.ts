export type { HandoverStore } from './HandoverStore';
export { EmbeddedStore, defaultStorePath } from './EmbeddedStore';
export type { EmbeddedStoreOptions } from './EmbeddedStore';
export { StoreUnavailable, isStoreUnavailable, STORE_UNAVAILABLE_ANSWER } from './StoreUnavailable';

// Types only: the class is loaded with `await import('./RedisStore')` where a Redis store is wanted,
// so that loading the package never loads the Redis client.
export type { RedisStore, RedisStoreOptions, RedisUpdateConflictError } from './RedisStore';
