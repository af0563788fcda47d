export type { HandoverStore } from './HandoverStore';
export { EmbeddedStore, defaultStorePath } from './EmbeddedStore';
export type { EmbeddedStoreOptions } from './EmbeddedStore';

export { conversationKey } from './conversationKey';
