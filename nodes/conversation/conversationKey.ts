import type { Platform, Turn } from '../engine/types';

/**
 * Store key of one conversation: `<platform>:<scope>:<conversationId>`, where the scope is the
 * HighLevel location or Chatwoot account ('-' when unknown). The scope is URI-encoded so that a ':'
 * in it cannot make two different conversations share a key.
 */
export function conversationKey(
	platform: Platform | string,
	scope: string | undefined,
	conversationId: string,
): string {
	return `${platform}:${scope ? encodeURIComponent(scope) : '-'}:${conversationId}`;
}

/** The parts of a key made by conversationKey, the scope decoded; undefined for anything else. */
export function partsOfKey(
	key: string,
): { platform: string; scope?: string; conversationId: string } | undefined {
	const first = key.indexOf(':');
	const second = key.indexOf(':', first + 1);
	if (first <= 0 || second <= first) return undefined;
	const scope = key.slice(first + 1, second);
	return {
		platform: key.slice(0, first),
		...(scope !== '-' && { scope: decodeURIComponent(scope) }),
		conversationId: key.slice(second + 1),
	};
}

/** The key of the conversation a turn belongs to, as the detector keeps its memory. */
export function conversationKeyOfTurn(
	turn: Pick<Turn, 'platform' | 'locationId' | 'accountId' | 'conversationId'>,
): string {
	return conversationKey(turn.platform, turn.locationId ?? turn.accountId, turn.conversationId);
}

/** The fields of an item (normally the detector's HandoverEvent) that name its conversation. */
export interface ConversationItem {
	platform?: unknown;
	conversationId?: unknown;
	locationId?: unknown;
	accountId?: unknown;
}

/**
 * The key the detector uses for a conversation an action node works on: the event's own platform
 * and scope when the item is the event of that conversation (so a generic bot's conversation is
 * found too), else the node's platform and account.
 */
export function conversationKeyForItem(
	item: ConversationItem,
	platform: string,
	scope: string,
	conversationId: string,
): string {
	if (item.conversationId === conversationId && typeof item.platform === 'string') {
		const eventScope = (item.locationId ?? item.accountId) as string | undefined;
		return conversationKey(item.platform, eventScope, conversationId);
	}
	return conversationKey(platform, scope, conversationId);
}
