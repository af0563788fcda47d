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

describe('an event that arrived when no one was there', () => {
	it('says so, with the next opening, for the task and the staff note', () => {
		const assign = { userId: 'u-1', userName: 'Ana', strategy: 'roundRobin', tried: [] };
		const closed = summariseEvent({
			actions: {
				assign: {
					...assign,
					available: false,
					unavailableReason: 'outside_business_hours',
					nextOpeningText: 'Monday 09:00',
				},
			},
		});
		expect(closed.unavailable).toBe(
			'Arrived outside business hours; the team is back Monday 09:00.',
		);
		const offline = summariseEvent({
			actions: { assign: { ...assign, available: false, unavailableReason: 'no_agent_online' } },
		});
		expect(offline.unavailable).toBe('Arrived when no agent was online.');
		expect(
			summariseEvent({ actions: { assign: { ...assign, available: true } } }).unavailable,
		).toBeUndefined();
	});
});
