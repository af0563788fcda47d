export type { HandoverStore } from './HandoverStore';
export { EmbeddedStore, defaultStorePath } from './EmbeddedStore';
export type { EmbeddedStoreOptions } from './EmbeddedStore';

// Types only: the class is loaded with `await import('./RedisStore')` where a Redis store is wanted,
// so that loading the package never loads the Redis client.
export type { RedisStore, RedisStoreOptions, RedisUpdateConflictError } from './RedisStore';
