/**
 * The notification a person gets about a handover, built from the HandoverEvent alone: who, why,
 * the last messages, the task and the link. Plain TypeScript (STYLE.md #9): the node decides where
 * it goes, the formatters below only shape it for each service.
 */

export interface Recipient {
	id: string;
	name: string;
}

export interface NotificationContact {
	name?: string;
	phone?: string;
	email?: string;
}

export interface NotificationLine {
	role: string;
	text: string;
	at?: string;
}

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

const REASONS: Record<string, string> = {
	contact_request: 'The contact asked to talk to a person',
	lack_of_information: 'The bot did not have the information to answer',
	failed_to_resolve: 'The bot could not resolve the issue',
};

const ROLES: Record<string, string> = { user: 'Contact', bot: 'Bot', staff: 'Staff' };

/** A transcript entry longer than this is cut: a notification is a pointer, not the record. */
const MAX_MESSAGE_LENGTH = 500;

type EventLike = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function shorten(value: string, max: number): string {
	return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

function contactOf(event: EventLike): NotificationContact {
	const contact = (event.contact ?? {}) as Record<string, unknown>;
	const name = text(contact.name);
	const phone = text(contact.phone);
	const email = text(contact.email);
	return { ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

function transcriptOf(event: EventLike, count: number): NotificationLine[] {
	const entries = Array.isArray(event.transcript) ? (event.transcript as unknown[]) : [];
	const lines = entries.flatMap((entry): NotificationLine[] => {
		const record = (entry ?? {}) as Record<string, unknown>;
		const said = text(record.text);
		if (!said) return [];
		const role = ROLES[String(record.role)] ?? (text(record.role) || 'Message');
		const at = text(record.at);
		return [{ role, text: shorten(said, MAX_MESSAGE_LENGTH), ...(at ? { at } : {}) }];
	});
	return count > 0 ? lines.slice(-Math.floor(count)) : [];
}

function taskOf(event: EventLike): Notification['task'] {
	const actions = (event.actions ?? {}) as Record<string, unknown>;
	const task = actions.task as Record<string, unknown> | undefined;
	if (!task || typeof task !== 'object' || task.error !== undefined) return undefined;
	const title = text(task.title);
	if (!title) return undefined;
	const dueDate = text(task.dueDate);
	const id = task.id === undefined || task.id === null ? undefined : String(task.id);
	return { title, ...(dueDate ? { dueDate } : {}), ...(id ? { id } : {}) };
}

/** Who the contact is, in a few words: name, else phone, else email. */
export function contactLabel(contact: NotificationContact): string {
	return contact.name ?? contact.phone ?? contact.email ?? 'a contact';
}

export function buildNotification(event: EventLike, options: NotificationOptions): Notification {
	const contact = contactOf(event);
	const reason = text(event.reason);
	const reasonText = (reason && REASONS[reason]) || 'The bot handed the conversation over';
	const evidence = text(event.evidence);
	const transcript = transcriptOf(event, options.transcriptMessages);
	const task = taskOf(event);
	const names = options.recipients.map((recipient) => recipient.name).join(', ');
	const who = contactLabel(contact);
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

	const handoverId = text(event.handoverId);
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
