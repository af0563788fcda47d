import type { Platform } from '../engine/types';

/**
 * Store key of one conversation: `<platform>:<scope>:<conversationId>`, where the scope is the
 * HighLevel location or Chatwoot account ('-' when unknown). The scope is URI-encoded so that a ':'
 * in it cannot make two different conversations share a key.
 */
export function conversationKey(
	platform: Platform,
	scope: string | undefined,
	conversationId: string,
): string {
	return `${platform}:${scope ? encodeURIComponent(scope) : '-'}:${conversationId}`;
}
