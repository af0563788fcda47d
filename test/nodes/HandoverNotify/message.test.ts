import { buildNotification, webhookBody } from '../../../nodes/HandoverNotify/message';
import { handoverEvent } from '../../helpers/nodeContext';

const options = { recipients: [], transcriptMessages: 5 };

describe('buildNotification', () => {
	it.each([
		['contact_request', 'The contact asked to talk to a person'],
		['lack_of_information', 'The bot did not have the information to answer'],
		['failed_to_resolve', 'The bot could not resolve the issue'],
		['something_new', 'The bot handed the conversation over'],
	])('says the reason %s in words', (reason, words) => {
		const notification = buildNotification(handoverEvent({ reason, evidence: '' }), options);

		expect(notification.reasonText).toBe(words);
		expect(notification.text).toContain(`\nWhy: ${words}\n`);
	});

	it('names a contact without a name by phone, then email', () => {
		const byPhone = buildNotification(
			handoverEvent({ contact: { phone: '+15550001111', email: 'a@example.com' } }),
			options,
		);
		const nobody = buildNotification(handoverEvent({ contact: {} }), options);

		expect(byPhone.title).toBe('Conversation with +15550001111 needs a person');
		expect(nobody.title).toBe('Conversation with a contact needs a person');
		expect(nobody.text).toContain('\nContact: unknown\n');
	});

	it('keeps the last messages only, cuts long ones and skips empty ones', () => {
		const transcript = [
			{ role: 'user', text: 'first', at: '' },
			{ role: 'bot', text: '   ', at: '' },
			{ role: 'staff', text: 'y'.repeat(800), at: '' },
			{ role: 'user', text: 'last', at: '' },
		];

		const notification = buildNotification(handoverEvent({ transcript }), {
			...options,
			transcriptMessages: 2,
		});

		expect(notification.transcript.map((line) => line.role)).toEqual(['Staff', 'Contact']);
		expect(notification.transcript[0].text).toHaveLength(500);
		expect(notification.transcript[0].text.endsWith('…')).toBe(true);
		expect(notification.text).not.toContain('first');
	});

	it('leaves the messages out when asked for none', () => {
		const notification = buildNotification(handoverEvent(), { ...options, transcriptMessages: 0 });

		expect(notification.transcript).toEqual([]);
		expect(notification.text).not.toContain('Last');
	});

	it('ignores a task action that failed', () => {
		const event = handoverEvent({ actions: { task: { error: 'HighLevel says …' } } });

		expect(buildNotification(event, options).task).toBeUndefined();
	});
});

describe('webhookBody', () => {
	const notification = buildNotification(handoverEvent({ evidence: 'a & b <@U123>' }), {
		...options,
		link: 'https://example.com/c?a=1&b=2',
	});

	it('escapes Slack control characters', () => {
		const { text } = webhookBody('slack', notification) as { text: string };

		expect(text).toContain('a &amp; b &lt;@U123&gt;');
		expect(text).toContain('https://example.com/c?a=1&amp;b=2');
	});

	it('doubles line breaks for Teams Markdown', () => {
		const { text } = webhookBody('teams', notification) as { text: string };

		expect(text).not.toMatch(/[^\n]\n[^\n]/);
	});
});
