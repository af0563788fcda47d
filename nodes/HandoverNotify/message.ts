/**
 * The notification a person gets about a handover, built from the HandoverEvent alone: who, why,
 * the last messages, the task and the link. Plain TypeScript (STYLE.md #9): the node decides where
 * it goes, the formatters below only shape it for each service. What it says of the event comes
 * from the one event summary, as the task body's does.
 */
import {
	summariseEvent,
	type EventSummary,
	type SummaryContact,
	type SummaryLine,
} from '../event/eventSummary';

export interface Recipient {
	id: string;
	name: string;
}

export type NotificationContact = SummaryContact;
export type NotificationLine = SummaryLine;

export interface Notification {
	title: string;
	/** The whole notification as plain text, one fact per line. */
	text: string;
	handoverId?: string;
	reason?: string;
	/** The reason in words, e.g. "The contact asked to talk to a person". */
	reasonText: string;
	evidence?: string;
	contact: NotificationContact;
	transcript: NotificationLine[];
	link?: string;
	recipients: Recipient[];
	task?: { title?: string; dueDate?: string; id?: string };
}

export interface NotificationOptions {
	recipients: Recipient[];
	/** The conversation in the platform's dashboard. */
	link?: string;
	/** How many of the last transcript entries to include; 0 for none. */
	transcriptMessages: number;
	/** The user's own text, replacing the built one (title, link and mentions stay). */
	override?: string;
}

/** A transcript entry longer than this is cut: a notification is a pointer, not the record. */
const MAX_MESSAGE_LENGTH = 500;

function shorten(value: string, max: number): string {
	return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

/** Who the contact is, in a few words: name, else phone, else email. */
export function contactLabel(summary: EventSummary): string {
	return summary.who ?? 'a contact';
}

export function buildNotification(
	event: Record<string, unknown>,
	options: NotificationOptions,
): Notification {
	const summary = summariseEvent(event);
	const { contact, reason, evidence, task, handoverId } = summary;
	const reasonText = summary.reasonWords?.why ?? 'The bot handed the conversation over';
	const count = options.transcriptMessages;
	const transcript =
		count > 0
			? summary.transcript
					.slice(-Math.floor(count))
					.map((line) => ({ ...line, text: shorten(line.text, MAX_MESSAGE_LENGTH) }))
			: [];
	const names = options.recipients.map((recipient) => recipient.name).join(', ');
	const who = contactLabel(summary);
	const title = names
		? `Conversation with ${who} assigned to ${names}`
		: `Conversation with ${who} needs a person`;

	const lines: string[] = [title];
	if (options.override?.trim()) {
		lines.push('', options.override.trim());
	} else {
		const details = [contact.name, contact.phone, contact.email].filter(Boolean).join(', ');
		lines.push(`Contact: ${details || 'unknown'}`);
		lines.push(`Why: ${reasonText}${evidence ? ` ("${shorten(evidence, 200)}")` : ''}`);
		if (summary.unavailable) lines.push(summary.unavailable);
		if (task) {
			lines.push(`Task: ${task.title}${task.dueDate ? `, due ${task.dueDate}` : ''}`);
		}
		if (transcript.length > 0) {
			lines.push(
				'',
				`Last ${transcript.length === 1 ? 'message' : `${transcript.length} messages`}:`,
			);
			for (const line of transcript) lines.push(`${line.role}: ${line.text}`);
		}
	}
	if (options.link) lines.push('', `Open the conversation: ${options.link}`);

	return {
		title,
		text: lines.join('\n'),
		...(handoverId ? { handoverId } : {}),
		...(reason ? { reason } : {}),
		reasonText,
		...(evidence ? { evidence } : {}),
		contact,
		transcript,
		...(options.link ? { link: options.link } : {}),
		recipients: options.recipients,
		...(task ? { task } : {}),
	};
}

export type WebhookService = 'slack' | 'teams' | 'discord' | 'webhook';

/** Discord refuses a message over 2000 characters. */
const DISCORD_MAX = 2000;

/** Slack's three control characters; a contact's `<!channel>` must not notify a whole channel. */
const slackEscape = (value: string) =>
	value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The JSON body each service's incoming webhook takes. */
export function webhookBody(service: WebhookService, notification: Notification): object {
	switch (service) {
		case 'slack':
			return { text: slackEscape(notification.text) };
		case 'discord':
			return {
				content: shorten(notification.text, DISCORD_MAX),
				// The contact's words may contain @everyone: no mention in a notification pings anyone.
				allowed_mentions: { parse: [] },
			};
		case 'teams':
			// Teams reads `text` as Markdown, where a single line break does not break the line.
			return { text: notification.text.replace(/\n/g, '\n\n') };
		default:
			return {
				title: notification.title,
				text: notification.text,
				...(notification.handoverId ? { handoverId: notification.handoverId } : {}),
				reason: notification.reason ?? null,
				reasonText: notification.reasonText,
				evidence: notification.evidence ?? null,
				contact: notification.contact,
				transcript: notification.transcript,
				link: notification.link ?? null,
				recipients: notification.recipients,
				...(notification.task ? { task: notification.task } : {}),
			};
	}
}
