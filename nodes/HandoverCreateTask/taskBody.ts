import type { IDataObject } from 'n8n-workflow';

/**
 * The default Description, as HighLevel's own Conversation AI handover shows it. Left as is, the
 * node writes a one-line summary of the handover in its place: a task that literally says
 * "Will be created by AI" would tell the person nothing.
 */
export const GENERATED_DESCRIPTION = 'Will be created by AI';

const REASONS: Record<string, string> = {
	contact_request: 'asked to talk to a person',
	lack_of_information: 'asked something the bot could not answer',
	failed_to_resolve: 'was not helped by the bot',
};

const ROLES: Record<string, string> = { user: 'Contact', bot: 'Bot', staff: 'Staff' };

const text = (value: unknown): string =>
	typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';

/** Who the handover is about, in words: the contact's name, else the contact ID. */
export function contactLabel(item: IDataObject): string {
	const contact = (item.contact ?? {}) as IDataObject;
	return text(contact.name) || text(contact.email) || text(contact.phone) || text(item.contactId);
}

function summary(item: IDataObject): string {
	const who = contactLabel(item) || 'The contact';
	const reason = REASONS[text(item.reason)] ?? 'needs a person from the team';
	const attempts = Number(item.failedAttempts);
	const tries =
		item.reason === 'failed_to_resolve' && attempts > 0
			? ` (${attempts} unsuccessful attempts)`
			: '';
	return `${who} ${reason}${tries}.`;
}

function reasonLine(item: IDataObject): string | undefined {
	const reason = text(item.reason);
	if (!reason) return undefined;
	const evidence = text(item.evidence);
	return evidence ? `Reason: ${reason} (${JSON.stringify(evidence)})` : `Reason: ${reason}`;
}

/** The last `count` turns of the event's transcript, one line each, oldest first. */
function lastMessages(item: IDataObject, count: number): string[] {
	if (count <= 0) return [];
	const transcript = Array.isArray(item.transcript) ? (item.transcript as IDataObject[]) : [];
	const lines = transcript
		.filter((entry) => text(entry?.text) !== '')
		.map((entry) => `- ${ROLES[text(entry.role)] ?? 'Message'}: ${text(entry.text)}`);
	// An event without a transcript (a hand-made item) still carries the contact's message.
	if (lines.length === 0 && text(item.message)) lines.push(`- Contact: ${text(item.message)}`);
	return lines.slice(-count);
}

/**
 * What a person needs to pick the conversation up: the description (or a summary in place of the
 * default), why the bot handed over, and the last messages.
 */
export function taskBody(item: IDataObject, description: string, messageCount: number): string {
	const top = description.trim() === GENERATED_DESCRIPTION ? summary(item) : description.trim();
	const reason = reasonLine(item);
	const messages = lastMessages(item, messageCount);
	const parts = [
		top,
		reason,
		messages.length > 0 ? ['Last messages:', ...messages].join('\n') : undefined,
	];
	return parts.filter((part): part is string => !!part).join('\n\n');
}

/**
 * A due date as people read it, in the workflow's time zone: "Nov 26, 2026, 10:01 AM UTC".
 * An unknown time zone falls back to UTC rather than failing the task.
 */
export function readableDate(date: Date, timeZone: string | undefined): string {
	const format = (zone: string) =>
		new Intl.DateTimeFormat('en-US', {
			dateStyle: 'medium',
			timeStyle: 'short',
			timeZone: zone,
		}).format(date) + (zone === 'UTC' ? ' UTC' : ` (${zone})`);
	try {
		return format(timeZone || 'UTC');
	} catch {
		return format('UTC');
	}
}
