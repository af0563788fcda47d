/**
 * The HighLevel (LeadConnector API v2) calls the handover nodes make, one method per HTTP call.
 * Paths, versions and bodies follow the official OpenAPI files in shared/platforms/highlevel/
 * (contacts.json, conversations.json, users.json). The client knows nothing of n8n: it gets an
 * `ApiSend` (auth, retries and errors live in the shared transport) and the sub-account's location.
 */
import type { ApiSend } from '../apiRequest';

/** `Version` header of the contacts and users APIs (the only value their OpenAPI enum allows). */
export const HIGHLEVEL_CONTACTS_VERSION = '2021-07-28';
/** `Version` header of the conversations API (the only value its OpenAPI enum allows). */
export const HIGHLEVEL_CONVERSATIONS_VERSION = '2021-04-15';

/** `SendMessageBodyDto.type` in conversations.json. */
export const HIGHLEVEL_MESSAGE_TYPES = [
	'SMS',
	'RCS',
	'Email',
	'WhatsApp',
	'IG',
	'FB',
	'Custom',
	'Live_Chat',
	'TIKTOK',
] as const;
export type HighLevelMessageType = (typeof HIGHLEVEL_MESSAGE_TYPES)[number];

export interface HighLevelUser {
	id: string;
	name: string;
	email?: string;
	/** Set when HighLevel marks the user deleted; such a user cannot be assigned. */
	deleted?: boolean;
}

export interface HighLevelContact {
	id: string;
	name?: string;
	email?: string;
	phone?: string;
	tags: string[];
	/** The contact's owner; the conversation follows the contact's owner. */
	assignedTo?: string;
}

export interface HighLevelConversation {
	id: string;
	contactId: string;
	assignedTo?: string;
	unreadCount?: number;
}

export interface NewHighLevelTask {
	title: string;
	body?: string;
	/** A Date or an ISO 8601 date-time; HighLevel requires one. */
	dueDate: Date | string;
	/** User ID of the person who should do the task. */
	assignedTo?: string;
}

export interface HighLevelTask {
	id: string;
	title: string;
	dueDate: string;
	completed: boolean;
	assignedTo?: string;
}

export interface NewHighLevelNote {
	body: string;
	/** The user the note is written as. */
	userId?: string;
}

export interface HighLevelNote {
	id: string;
	body: string;
	userId?: string;
}

export interface OutgoingHighLevelMessage {
	type: HighLevelMessageType;
	contactId: string;
	/** The text. For Email it is also the source of `html` when no `html` is given. */
	message: string;
	/** Required by HighLevel for Email. */
	subject?: string;
	html?: string;
}

export interface SentHighLevelMessage {
	conversationId: string;
	messageId: string;
	/** Only for Email: the ID to thread replies on. */
	emailMessageId?: string;
}

export interface HighLevelFollowers {
	/** Everyone following the contact after the call. */
	followers: string[];
	/** The ones this call added. */
	followersAdded: string[];
}

// Response bodies as the OpenAPI files describe them; every field is optional because a client
// must not crash on a field HighLevel leaves out.
interface UserBody {
	id?: string;
	name?: string;
	firstName?: string;
	lastName?: string;
	email?: string;
	deleted?: boolean;
}

interface ContactBody {
	id?: string;
	name?: string;
	firstName?: string;
	lastName?: string;
	email?: string;
	phone?: string;
	tags?: string[];
	assignedTo?: string;
}

interface TaskBody {
	id?: string;
	title?: string;
	dueDate?: string;
	completed?: boolean;
	assignedTo?: string;
}

const CONTACT_NOT_FOUND = 'the contact does not exist in this sub-account: check Contact ID';
const USER_NOT_FOUND = 'the user does not exist in this sub-account: check User ID';
const CONVERSATION_NOT_FOUND = 'the conversation does not exist: check Conversation ID';

const contactsHeaders = { Version: HIGHLEVEL_CONTACTS_VERSION };
const conversationsHeaders = { Version: HIGHLEVEL_CONVERSATIONS_VERSION };

/** An ID as one path segment: a stray `/` or `?` in user input must not reach another endpoint. */
const segment = (id: string) => encodeURIComponent(id);

function contactPath(contactId: string, rest = ''): string {
	return `/contacts/${segment(contactId)}${rest}`;
}

function userName(user: UserBody): string {
	const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ');
	return user.name?.trim() || fullName || user.email || user.id || '';
}

function toUser(user: UserBody): HighLevelUser {
	return {
		id: user.id ?? '',
		name: userName(user),
		...(user.email ? { email: user.email } : {}),
		...(user.deleted !== undefined ? { deleted: user.deleted } : {}),
	};
}

function toContact(contact: ContactBody, contactId: string): HighLevelContact {
	const fullName = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
	const name = contact.name?.trim() || fullName || undefined;
	return {
		id: contact.id ?? contactId,
		...(name ? { name } : {}),
		...(contact.email ? { email: contact.email } : {}),
		...(contact.phone ? { phone: contact.phone } : {}),
		tags: contact.tags ?? [],
		...(contact.assignedTo ? { assignedTo: contact.assignedTo } : {}),
	};
}

const HTML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

/**
 * Plain text as e-mail HTML: escaped, so a contact's words cannot inject markup, with blank lines
 * as paragraphs and single line breaks kept.
 */
export function textToEmailHtml(text: string): string {
	const escaped = text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
	return escaped
		.split(/\r?\n\s*\r?\n/)
		.map((paragraph) => `<p>${paragraph.replace(/\r?\n/g, '<br>')}</p>`)
		.join('');
}

/** The calls on one HighLevel sub-account (location). */
export class HighLevelClient {
	constructor(
		private readonly send: ApiSend,
		private readonly locationId: string,
	) {}

	/** Users of the sub-account, for the assignee dropdowns. Deleted users come flagged. */
	async listUsers(): Promise<HighLevelUser[]> {
		const response = await this.send<{ users?: UserBody[] }>({
			method: 'GET',
			path: '/users/',
			qs: { locationId: this.locationId },
			headers: contactsHeaders,
			notFound: 'the location does not exist: check Location ID in the HighLevel credential',
		});
		return (response.users ?? []).map(toUser);
	}

	async getUser(userId: string): Promise<HighLevelUser> {
		const user = await this.send<UserBody>({
			method: 'GET',
			path: `/users/${segment(userId)}`,
			headers: contactsHeaders,
			notFound: USER_NOT_FOUND,
		});
		return toUser({ id: userId, ...user });
	}

	/** Makes the user the contact's owner; HighLevel's conversation follows the contact's owner. */
	async assignContact(
		contactId: string,
		userId: string,
	): Promise<{ contactId: string; assignedTo: string }> {
		const response = await this.send<{ contact?: ContactBody }>({
			method: 'PUT',
			path: contactPath(contactId),
			body: { assignedTo: userId },
			headers: contactsHeaders,
			notFound: CONTACT_NOT_FOUND,
		});
		return { contactId, assignedTo: response.contact?.assignedTo ?? userId };
	}

	/** Adds tags; tags the contact already has stay as they are. Returns the contact's tags. */
	async addTags(contactId: string, tags: string[]): Promise<{ tags: string[] }> {
		const response = await this.send<{ tags?: string[] }>({
			method: 'POST',
			path: contactPath(contactId, '/tags'),
			body: { tags },
			headers: contactsHeaders,
			// Adding a tag the contact already has changes nothing, so a retry is harmless.
			idempotent: true,
			notFound: CONTACT_NOT_FOUND,
		});
		return { tags: response.tags ?? [] };
	}

	/** Removes tags; tags the contact does not have are ignored. Returns the contact's tags. */
	async removeTags(contactId: string, tags: string[]): Promise<{ tags: string[] }> {
		const response = await this.send<{ tags?: string[] }>({
			method: 'DELETE',
			path: contactPath(contactId, '/tags'),
			body: { tags },
			headers: contactsHeaders,
			notFound: CONTACT_NOT_FOUND,
		});
		return { tags: response.tags ?? [] };
	}

	async createTask(contactId: string, task: NewHighLevelTask): Promise<HighLevelTask> {
		const dueDate = task.dueDate instanceof Date ? task.dueDate.toISOString() : task.dueDate;
		const response = await this.send<{ task?: TaskBody }>({
			method: 'POST',
			path: contactPath(contactId, '/tasks'),
			body: {
				title: task.title,
				...(task.body !== undefined ? { body: task.body } : {}),
				dueDate,
				// Required by HighLevel; a handover task is always open.
				completed: false,
				...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
			},
			headers: contactsHeaders,
			notFound: CONTACT_NOT_FOUND,
		});
		const created = response.task ?? {};
		return {
			id: created.id ?? '',
			title: created.title ?? task.title,
			dueDate: created.dueDate ?? dueDate,
			completed: created.completed ?? false,
			...((created.assignedTo ?? task.assignedTo)
				? { assignedTo: created.assignedTo ?? task.assignedTo }
				: {}),
		};
	}

	/** A note on the contact: where a person sees the handover summary. */
	async createNote(contactId: string, note: NewHighLevelNote): Promise<HighLevelNote> {
		const response = await this.send<{ note?: { id?: string; body?: string; userId?: string } }>({
			method: 'POST',
			path: contactPath(contactId, '/notes'),
			body: { body: note.body, ...(note.userId ? { userId: note.userId } : {}) },
			headers: contactsHeaders,
			notFound: CONTACT_NOT_FOUND,
		});
		const created = response.note ?? {};
		const userId = created.userId ?? note.userId;
		return { id: created.id ?? '', body: created.body ?? note.body, ...(userId ? { userId } : {}) };
	}

	async addFollowers(contactId: string, userIds: string[]): Promise<HighLevelFollowers> {
		const response = await this.send<Partial<HighLevelFollowers>>({
			method: 'POST',
			path: contactPath(contactId, '/followers'),
			body: { followers: userIds },
			headers: contactsHeaders,
			// Followers are a set: adding someone twice changes nothing.
			idempotent: true,
			notFound: CONTACT_NOT_FOUND,
		});
		return { followers: response.followers ?? [], followersAdded: response.followersAdded ?? [] };
	}

	/**
	 * Sends a message to the contact on a channel. Never retried after a network error (the
	 * transport's default for POST): the contact could get it twice.
	 */
	async sendMessage(message: OutgoingHighLevelMessage): Promise<SentHighLevelMessage> {
		const isEmail = message.type === 'Email';
		const response = await this.send<Partial<SentHighLevelMessage>>({
			method: 'POST',
			path: '/conversations/messages',
			body: {
				type: message.type,
				contactId: message.contactId,
				message: message.message,
				...(isEmail && message.subject !== undefined ? { subject: message.subject } : {}),
				...(isEmail ? { html: message.html ?? textToEmailHtml(message.message) } : {}),
			},
			headers: conversationsHeaders,
			idempotent: false,
			notFound: CONTACT_NOT_FOUND,
		});
		return {
			conversationId: response.conversationId ?? '',
			messageId: response.messageId ?? '',
			...(response.emailMessageId ? { emailMessageId: response.emailMessageId } : {}),
		};
	}

	async getContact(contactId: string): Promise<HighLevelContact> {
		const response = await this.send<{ contact?: ContactBody }>({
			method: 'GET',
			path: contactPath(contactId),
			headers: contactsHeaders,
			notFound: CONTACT_NOT_FOUND,
		});
		return toContact(response.contact ?? {}, contactId);
	}

	async getConversation(conversationId: string): Promise<HighLevelConversation> {
		const conversation = await this.send<Partial<HighLevelConversation>>({
			method: 'GET',
			path: `/conversations/${segment(conversationId)}`,
			headers: conversationsHeaders,
			notFound: CONVERSATION_NOT_FOUND,
		});
		return {
			id: conversation.id ?? conversationId,
			contactId: conversation.contactId ?? '',
			...(conversation.assignedTo ? { assignedTo: conversation.assignedTo } : {}),
			...(conversation.unreadCount !== undefined ? { unreadCount: conversation.unreadCount } : {}),
		};
	}
}
