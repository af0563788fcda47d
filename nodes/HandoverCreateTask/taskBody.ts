import type { IDataObject } from 'n8n-workflow';

import { summariseEvent, type EventSummary } from '../event/eventSummary';

/**
 * The default Description, as HighLevel's own Conversation AI handover shows it. Left as is, the
 * node writes a one-line summary of the handover in its place: a task that literally says
 * "Will be created by AI" would tell the person nothing.
 */
export const GENERATED_DESCRIPTION = 'Will be created by AI';

/** One line on who and why: "Ana Lima asked to talk to a person (2 unsuccessful attempts)." */
function summaryLine(summary: EventSummary): string {
	const who = summary.who ?? summary.contactId ?? 'The contact';
	const did = summary.reasonWords?.contactDid ?? 'needs a person from the team';
	const tries =
		summary.reason === 'failed_to_resolve' && summary.failedAttempts > 0
			? ` (${summary.failedAttempts} unsuccessful attempts)`
			: '';
	return `${who} ${did}${tries}.`;
}

function reasonLine(summary: EventSummary): string | undefined {
	if (!summary.reason) return undefined;
	return summary.evidence
		? `Reason: ${summary.reason} (${JSON.stringify(summary.evidence)})`
		: `Reason: ${summary.reason}`;
}

/** The last `count` turns of the event's transcript, one line each, oldest first. */
function lastMessages(summary: EventSummary, count: number): string[] {
	if (count <= 0) return [];
	const lines = summary.transcript.map((line) => `- ${line.role}: ${line.text}`);
	// An event without a transcript (a hand-made item) still carries the contact's message.
	if (lines.length === 0 && summary.message) lines.push(`- Contact: ${summary.message}`);
	return lines.slice(-count);
}

/**
 * What a person needs to pick the conversation up: the description (or a summary in place of the
 * default), why the bot handed over, and the last messages.
 */
export function taskBody(item: IDataObject, description: string, messageCount: number): string {
	const summary = summariseEvent(item);
	const top =
		description.trim() === GENERATED_DESCRIPTION ? summaryLine(summary) : description.trim();
	const reason = reasonLine(summary);
	const messages = lastMessages(summary, messageCount);
	const parts = [
		top,
		reason,
		summary.unavailable,
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
