import { conversationKey } from '../../nodes/conversation/conversationKey';

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
