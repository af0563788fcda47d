/**
 * The one reading of a HandoverEvent for people: who, why, the last messages and the task. The
 * task body (Create Task) and the staff note (Notify) both render this, so they cannot drift
 * apart in what they take from the event. Accepts hand-made items too: every field is checked.
 * No n8n import.
 */
import type { HandoverReason } from '../engine/types';
import { actionResult, type UnavailableReason } from './actionResults';

export interface SummaryContact {
	name?: string;
	phone?: string;
	email?: string;
}

export interface SummaryLine {
	/** Who said it, in words: Contact, Bot, Staff. */
	role: string;
	text: string;
	at?: string;
}

export interface EventSummary {
	handoverId?: string;
	contact: SummaryContact;
	/** Who the handover is about, in words: the contact's name, else phone, else email. */
	who?: string;
	contactId?: string;
	reason?: string;
	/** The reason in words, when it is one the detector gives. */
	reasonWords?: ReasonWords;
	evidence?: string;
	failedAttempts: number;
	/** The contact's message that handed over. */
	message?: string;
	/** Every non-empty transcript entry, oldest first. */
	transcript: SummaryLine[];
	/** The task Create Task made earlier in the flow, unless it failed. */
	task?: { title: string; dueDate?: string; id?: string };
	/** When Assign found no one there: why, and when the team is back, in a sentence. */
	unavailable?: string;
}

export interface ReasonWords {
	/** What the contact did, after their name: "Ana asked to talk to a person". */
	contactDid: string;
	/** Why, as a sentence of its own: "The contact asked to talk to a person". */
	why: string;
}

export const REASON_WORDS: Record<HandoverReason, ReasonWords> = {
	contact_request: {
		contactDid: 'asked to talk to a person',
		why: 'The contact asked to talk to a person',
	},
	lack_of_information: {
		contactDid: 'asked something the bot could not answer',
		why: 'The bot did not have the information to answer',
	},
	failed_to_resolve: {
		contactDid: 'was not helped by the bot',
		why: 'The bot could not resolve the issue',
	},
};

const ROLES: Record<string, string> = { user: 'Contact', bot: 'Bot', staff: 'Staff' };

type EventLike = Record<string, unknown>;

/** A trimmed non-empty string (numbers too: ids of hand-made items), else undefined. */
const text = (value: unknown): string | undefined => {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
};

function contactOf(event: EventLike): SummaryContact {
	const contact = (event.contact ?? {}) as EventLike;
	const name = text(contact.name);
	const phone = text(contact.phone);
	const email = text(contact.email);
	return { ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

function transcriptOf(event: EventLike): SummaryLine[] {
	const entries = Array.isArray(event.transcript) ? (event.transcript as unknown[]) : [];
	return entries.flatMap((entry): SummaryLine[] => {
		const record = (entry ?? {}) as EventLike;
		const said = text(record.text);
		if (!said) return [];
		const role = ROLES[String(record.role)] ?? (text(record.role) || 'Message');
		const at = text(record.at);
		return [{ role, text: said, ...(at ? { at } : {}) }];
	});
}

function taskOf(event: EventLike): EventSummary['task'] {
	const task = actionResult(event, 'task') as EventLike | undefined;
	const title = text(task?.title);
	if (!task || !title) return undefined;
	const dueDate = text(task.dueDate);
	const id = task.id === undefined || task.id === null ? undefined : String(task.id);
	return { title, ...(dueDate ? { dueDate } : {}), ...(id ? { id } : {}) };
}

const UNAVAILABLE_WORDS: Record<UnavailableReason, string> = {
	outside_business_hours: 'Arrived outside business hours',
	no_agent_online: 'Arrived when no agent was online',
};

function unavailableOf(event: EventLike): string | undefined {
	const assigned = actionResult(event, 'assign');
	if (!assigned || assigned.available !== false) return undefined;
	const why =
		UNAVAILABLE_WORDS[assigned.unavailableReason as UnavailableReason] ??
		'Arrived when no one was available';
	const back = text(assigned.nextOpeningText);
	return `${why}${back ? `; the team is back ${back}` : ''}.`;
}

export function summariseEvent(event: EventLike): EventSummary {
	const contact = contactOf(event);
	const who = contact.name ?? contact.phone ?? contact.email;
	const contactId = text(event.contactId);
	const reason = text(event.reason);
	const words = reason ? REASON_WORDS[reason as HandoverReason] : undefined;
	const handoverId = text(event.handoverId);
	const evidence = text(event.evidence);
	const message = text(event.message);
	const task = taskOf(event);
	const unavailable = unavailableOf(event);
	return {
		...(handoverId ? { handoverId } : {}),
		contact,
		...(who ? { who } : {}),
		...(contactId ? { contactId } : {}),
		...(reason ? { reason } : {}),
		...(words ? { reasonWords: words } : {}),
		...(evidence ? { evidence } : {}),
		failedAttempts: Number(event.failedAttempts) || 0,
		...(message ? { message } : {}),
		transcript: transcriptOf(event),
		...(task ? { task } : {}),
		...(unavailable ? { unavailable } : {}),
	};
}
