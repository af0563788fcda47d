import {
	conversationKey,
	conversationKeyForItem,
	conversationKeyOfTurn,
} from '../../nodes/conversation/conversationKey';

describe('conversationKey', () => {
	it('joins platform, scope and conversation id', () => {
		expect(conversationKey('highlevel', 'loc1', 'conv9')).toBe('highlevel:loc1:conv9');
		expect(conversationKey('chatwoot', '3', '42')).toBe('chatwoot:3:42');
	});

	it("uses '-' when the scope is unknown", () => {
		expect(conversationKey('generic', undefined, 'c')).toBe('generic:-:c');
		expect(conversationKey('generic', '', 'c')).toBe('generic:-:c');
	});

	it('cannot be confused by a colon in the scope', () => {
		expect(conversationKey('generic', 'a:b', 'c')).not.toBe(conversationKey('generic', 'a', 'b:c'));
	});
});

describe('conversationKeyOfTurn', () => {
	it('scopes a turn by its location or account', () => {
		expect(
			conversationKeyOfTurn({ platform: 'highlevel', locationId: 'loc1', conversationId: 'c' }),
		).toBe('highlevel:loc1:c');
		expect(
			conversationKeyOfTurn({ platform: 'chatwoot', accountId: '3', conversationId: '42' }),
		).toBe('chatwoot:3:42');
	});
});

describe('conversationKeyForItem', () => {
	it("uses the event's own conversation key when the item is that conversation's event", () => {
		const event = { platform: 'generic', conversationId: 'c-9' };

		expect(conversationKeyForItem(event, 'highlevel', 'loc-1', 'c-9')).toBe('generic:-:c-9');
		expect(conversationKeyForItem(event, 'highlevel', 'loc-1', 'other')).toBe(
			'highlevel:loc-1:other',
		);
	});
});
