import { REASON_WORDS, summariseEvent } from '../../nodes/event/eventSummary';
import { taskBody } from '../../nodes/HandoverCreateTask/taskBody';
import { buildNotification } from '../../nodes/HandoverNotify/message';
import { handoverEvent } from '../helpers/nodeContext';

describe('summariseEvent', () => {
	it('reads who, why, the messages and the task of the event once', () => {
		const summary = summariseEvent(
			handoverEvent({
				actions: { task: { title: 'Call back', dueDate: '2026-11-26T10:00:00.000Z', id: 7 } },
			}),
		);

		expect(summary).toMatchObject({
			who: 'Ana Lima',
			contactId: 'contact-1',
			reason: 'contact_request',
			reasonWords: REASON_WORDS.contact_request,
			evidence: 'can i talk to a human',
			task: { title: 'Call back', dueDate: '2026-11-26T10:00:00.000Z', id: '7' },
		});
		expect(summary.transcript.map((line) => line.role)).toEqual(['Contact', 'Bot', 'Contact']);
	});

	it('names a contact without a name by phone, then email, and leaves a failed task out', () => {
		const summary = summariseEvent(
			handoverEvent({
				contact: { phone: '+15550001111', email: 'a@example.com' },
				actions: { task: { error: 'HighLevel says …' } },
			}),
		);

		expect(summary.who).toBe('+15550001111');
		expect(summary.task).toBeUndefined();
	});

	it('is what the task body and the staff note both say the contact did', () => {
		const event = handoverEvent({ reason: 'lack_of_information', evidence: '' });
		const words = REASON_WORDS.lack_of_information;

		expect(taskBody(event, 'Will be created by AI', 0)).toBe(
			`Ana Lima ${words.contactDid}.\n\nReason: lack_of_information`,
		);
		expect(buildNotification(event, { recipients: [], transcriptMessages: 0 }).reasonText).toBe(
			words.why,
		);
	});
});
