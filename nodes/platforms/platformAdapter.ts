/**
 * What the action nodes ask of a platform, in their own words: who can take the conversation,
 * assign it, tag it, leave a follow-up, reply, pause the bot, tell people, link to it. Each
 * platform answers in one adapter (`<name>/adapter.ts`); the actions never see a client. Where the
 * platforms really differ (tags or labels, a task or a note, a tag or a status for pausing), the
 * methods speak in outcomes and the results say which one happened. No n8n import.
 */
import type { Person } from './person';

/** What the actions act on: HighLevel acts on the contact, Chatwoot on the conversation. */
export interface ActionSubject {
	/** The node parameter and result field that carry its id. */
	field: 'contactId' | 'conversationId';
	/** The parameter's display name, for errors: "Contact ID". */
	label: string;
}

/** What every platform states before it is connected: the dropdown, credential and field names. */
export interface PlatformDescriptor {
	/** The Platform parameter's value: "highlevel". */
	id: string;
	/** The name users see: "HighLevel". */
	name: string;
	/** The n8n credential type that authenticates its calls. */
	credentialType: string;
	/**
	 * Other ways to authenticate, when the platform has several: each shows its own credential,
	 * chosen in the Authentication parameter (the first is `credentialType`).
	 */
	authentications?: ReadonlyArray<{ name: string; value: string; credentialType: string }>;
	subject: ActionSubject;
	/** What the platform calls the people who take conversations: "User", "Agent". */
	personNoun: string;
	/** What to do when the account has nobody to assign. */
	noPeopleHint: string;
}

/**
 * A node parameter the adapter found wrong before calling the platform. The action runner turns it
 * into the node error for the item, so the adapter needs no n8n.
 */
export class ParameterProblem extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'ParameterProblem';
	}
}

export interface FollowUp {
	title: string;
	body: string;
	due: Date;
	/** The due date as the workflow's time zone reads it, for text the team reads. */
	dueText: string;
	assignee?: { id: string; name: string };
}

/** A task (HighLevel) or a note that reads as one (Chatwoot, which has no tasks). */
export interface FollowUpResult {
	kind: 'task' | 'note';
	id: string | number;
	title: string;
	dueDate: string;
	assigneeId: string | null;
}

/** How to answer the contact: on the event's channel when the platform must be told one. */
export interface ReplyRequest {
	message: string;
	/** The channel the handover event says the contact wrote on. */
	eventChannel?: unknown;
	/** The event's conversation, to tell whether its channel is the one being answered on. */
	eventConversationId?: unknown;
	/** "fromEvent", or a Message Type option the user chose (platforms with message types). */
	messageType: string;
	/** The type used when the event's channel cannot be answered on; "fail" fails the item. */
	fallbackType: string;
	emailSubject: string;
}

/** Where a reply went; the platform fills what it knows. */
export interface ReplyDelivery {
	contactId?: string;
	conversationId?: string;
	messageId?: string | number;
	/** The platform's message type, e.g. SMS. */
	type?: string;
	/** The contact's channel when the platform answers on the conversation's own. */
	channel?: string;
	/** Why another type than the contact's channel was used. */
	note?: string;
}

/** A reply checked and ready: everything that could be wrong with the parameters failed already. */
export interface PreparedReply {
	send: () => Promise<ReplyDelivery>;
}

export interface PauseRequest {
	until: Date;
	/** Tags that tell the platform's own automations to leave the contact alone (tag platforms). */
	tags: string[];
	/** The conversation status while paused (status platforms): agents' queue, or hidden till then. */
	status: 'open' | 'snoozed';
}

/** What the platform was told about a pause or its end. */
export interface PauseOutcome {
	tagged?: string[];
	/** Tags taken off when the bot resumed (tag platforms). */
	untagged?: string[];
	status?: string;
}

/** How the named people were told on the platform. */
export interface NotifiedOutcome {
	/** A message in the conversation that mentions them. */
	messageId?: string | number;
	/** A note on the contact, which they follow. */
	noteId?: string;
	followersAdded?: string[];
}

export interface Team {
	id: string;
	name: string;
	description: string;
}

export interface PlatformAdapter {
	readonly descriptor: PlatformDescriptor;
	/** The account the credential reaches: the scope of conversation state and assignee loads. */
	readonly scope: string;
	/** Throws a ParameterProblem when the id cannot name a subject on this platform. */
	checkSubjectId(id: string): void;
	/** Throws a ParameterProblem when the id cannot name a person on this platform. */
	checkPersonId(id: string, label: string): void;
	/** Link to the subject's conversation in the platform's dashboard. */
	conversationLink(subjectId: string): string;
	/** Everyone who may take conversations, in the platform's order. */
	listPeople(): Promise<Person[]>;
	/** A person's name when the platform can tell it; undefined when not. */
	personName(userId: string): Promise<string | undefined>;
	/** Teams, on platforms that have them. */
	readonly teams?: {
		list(): Promise<Team[]>;
		members(teamId: string): Promise<Person[]>;
	};
	/** Gives the subject to the person; the name when the platform's answer carries it. */
	assign(subjectId: string, userId: string): Promise<{ name?: string }>;
	/** Adds tags (or labels) without dropping others; the full set afterwards. */
	addTags(subjectId: string, tags: string[]): Promise<string[]>;
	createFollowUp(subjectId: string, followUp: FollowUp): Promise<FollowUpResult>;
	prepareReply(subjectId: string, request: ReplyRequest): PreparedReply;
	/** Tells the platform the bot is paused on this subject. */
	pause(subjectId: string, request: PauseRequest): Promise<PauseOutcome>;
	/**
	 * Hands the subject back to the bot: takes the pause tags off (tag platforms) or puts the
	 * conversation back in the bot's queue (status platforms).
	 */
	resume(subjectId: string, tags: string[]): Promise<PauseOutcome>;
	/** Tells the people about the subject on the platform itself. */
	notifyPeople(subjectId: string, people: Person[], text: string): Promise<NotifiedOutcome>;
}
