/**
 * A strict contract fake of the HighLevel (LeadConnector v2) endpoints the handover nodes call,
 * built from the official OpenAPI files in shared/platforms/highlevel/ and PLATFORMS.md.
 *
 * What it enforces, in the order a request meets it:
 * 1. failures a test injected (`failNext`, `dropNext`), recorded like any request;
 * 2. `Authorization: Bearer <token>` → 401 `{statusCode, message, error}` (UnauthorizedDTO);
 * 3. the burst and daily rate limits of the token's location → 429 with `Retry-After` (seconds);
 *    every answer, errors included, carries the five `X-RateLimit-*` headers of Authorization.md;
 * 4. the route → 404 `Cannot GET /x` (NestJS's answer to an unknown path);
 * 5. the `Version` header: 2021-07-28 for /contacts and /users, 2021-04-15 for /conversations
 *    (the one value each OpenAPI enum allows) → 400 BadRequestDTO when missing or wrong. 400, not
 *    422, because the docs use 422 (UnprocessableDTO, a list of messages) for body validation and
 *    400 for a malformed request;
 * 6. `Accept` must allow JSON → 406; a body must be JSON: malformed JSON → 400 as body-parser does,
 *    a non-JSON content type leaves the body empty, so validation then fails as on the real API;
 * 7. the body against the DTO (./schemas.ts) → 422 UnprocessableDTO, unknown properties included;
 * 8. the records: an unknown contact, user or conversation in the path → 404; an unknown or
 *    deactivated user referenced in the body (`assignedTo`, `userId`, `followers`) → 422
 *    "… is not an active user of this location". A body reference is a validation failure, not
 *    a missing resource, and answering 404 would make the client say "check Contact ID" when the
 *    user is what is wrong.
 *
 * Tags are stored trimmed and lower-cased, as HighLevel shows them: compare tags case-insensitively.
 */
import type { z } from 'zod';

import { FakeServer, type FakeResponse, type RecordedRequest } from '../fakeServer';
import {
	createNoteBody,
	createTaskBody,
	followersBody,
	sendMessageBody,
	tagsBody,
	updateContactBody,
	validationMessages,
} from './schemas';

export const CONTACTS_VERSION = '2021-07-28';
export const CONVERSATIONS_VERSION = '2021-04-15';

export interface RateLimit {
	/** Requests per burst window (X-RateLimit-Max). */
	max: number;
	/** Burst window length (X-RateLimit-Interval-Milliseconds). */
	intervalMs: number;
	/** Requests per day (X-RateLimit-Limit-Daily). */
	daily: number;
}

/** Authorization.md: 100 requests per 10 seconds and 200,000 per day, per app per location. */
export const HIGHLEVEL_RATE_LIMIT: RateLimit = { max: 100, intervalMs: 10_000, daily: 200_000 };

export interface HighLevelFakeOptions {
	/** The Private Integration token the fake accepts. */
	token?: string;
	/** The token's sub-account. */
	locationId?: string;
	rateLimit?: Partial<RateLimit>;
	/** Clock of the rate-limit windows; tests move it instead of waiting. */
	now?: () => number;
}

export interface FakeUser {
	id: string;
	name: string;
	firstName?: string;
	lastName?: string;
	email: string;
	deleted: boolean;
}

export interface FakeTask {
	id: string;
	contactId: string;
	title: string;
	body?: string;
	dueDate: string;
	completed: boolean;
	assignedTo?: string;
}

export interface FakeNote {
	id: string;
	contactId: string;
	body: string;
	userId?: string;
	dateAdded: string;
}

export interface FakeContact {
	id: string;
	locationId: string;
	name?: string;
	firstName?: string;
	lastName?: string;
	email?: string;
	phone?: string;
	tags: string[];
	assignedTo?: string;
	followers: string[];
	tasks: FakeTask[];
	notes: FakeNote[];
	dateAdded: string;
}

export interface FakeConversation {
	id: string;
	contactId: string;
	assignedTo?: string;
	unreadCount: number;
	/** 1 phone, 2 email, 3 Facebook, 4 review, 5 group SMS (GetConversationByIdResponse). */
	type: number;
}

export interface FakeMessage {
	id: string;
	conversationId: string;
	contactId: string;
	type: string;
	message?: string;
	subject?: string;
	html?: string;
	/** The request body as received. */
	body: Record<string, unknown>;
}

export type ContactSeed = Partial<Omit<FakeContact, 'id' | 'locationId'>> & { id: string };
export type UserSeed = Omit<FakeUser, 'deleted' | 'email'> & { email?: string; deleted?: boolean };
export type ConversationSeed = Partial<Omit<FakeConversation, 'id' | 'contactId'>> & {
	id: string;
	contactId: string;
};

type Family = 'contacts' | 'users' | 'conversations';

interface Route {
	method: string;
	pattern: RegExp;
	family: Family;
	schema?: z.ZodTypeAny;
	handle: (params: string[], body: unknown, request: RecordedRequest) => FakeResponse;
}

const VERSIONS: Record<Family, string> = {
	contacts: CONTACTS_VERSION,
	users: CONTACTS_VERSION,
	conversations: CONVERSATIONS_VERSION,
};

const normaliseTag = (tag: string) => tag.trim().toLowerCase();

function fail(status: number, message: string | string[], error: string): FakeResponse {
	return { status, body: { statusCode: status, message, error } };
}

const notFound = (message: string) => fail(404, message, 'Not Found');
const unprocessable = (messages: string[]) => fail(422, messages, 'Unprocessable Entity');

export class HighLevelFake extends FakeServer {
	readonly token: string;

	readonly locationId: string;

	readonly rateLimit: RateLimit;

	/** Every message sent through POST /conversations/messages, in order. */
	readonly messages: FakeMessage[] = [];

	private readonly now: () => number;

	private readonly contacts = new Map<string, FakeContact>();

	private readonly users = new Map<string, FakeUser>();

	private readonly conversations = new Map<string, FakeConversation>();

	private burst = { startedAt: Number.NEGATIVE_INFINITY, count: 0 };

	private day = { startedAt: Number.NEGATIVE_INFINITY, count: 0 };

	private lastId = 0;

	private readonly routes: Route[];

	constructor(options: HighLevelFakeOptions = {}) {
		super();
		this.token = options.token ?? 'pit-fake-token';
		this.locationId = options.locationId ?? 'fakeLocation01';
		this.rateLimit = { ...HIGHLEVEL_RATE_LIMIT, ...options.rateLimit };
		this.now = options.now ?? Date.now;
		this.routes = this.buildRoutes();
	}

	// ── Seeding and inspection ────────────────────────────────────────────────────────────────

	addContact(seed: ContactSeed): FakeContact {
		const contact: FakeContact = {
			locationId: this.locationId,
			followers: [],
			tasks: [],
			notes: [],
			dateAdded: new Date(this.now()).toISOString(),
			...seed,
			tags: [...new Set((seed.tags ?? []).map(normaliseTag))],
		};
		this.contacts.set(contact.id, contact);
		return contact;
	}

	addUser(seed: UserSeed): FakeUser {
		const user: FakeUser = {
			email: `${seed.id}@example.com`,
			...seed,
			deleted: seed.deleted ?? false,
		};
		this.users.set(user.id, user);
		return user;
	}

	addConversation(seed: ConversationSeed): FakeConversation {
		const conversation: FakeConversation = { unreadCount: 0, type: 1, ...seed };
		this.conversations.set(conversation.id, conversation);
		return conversation;
	}

	/** The user stays listed (flagged `deleted`) but can no longer be assigned or referenced. */
	deactivateUser(userId: string): void {
		const user = this.users.get(userId);
		if (!user) throw new Error(`HighLevelFake: no user ${userId} to deactivate`);
		user.deleted = true;
	}

	contact(contactId: string): FakeContact | undefined {
		return this.contacts.get(contactId);
	}

	user(userId: string): FakeUser | undefined {
		return this.users.get(userId);
	}

	conversation(conversationId: string): FakeConversation | undefined {
		return this.conversations.get(conversationId);
	}

	// ── HTTP ──────────────────────────────────────────────────────────────────────────────────

	protected handle(request: RecordedRequest): FakeResponse {
		if (request.headers.authorization !== `Bearer ${this.token}`) {
			return fail(401, 'Invalid token: access token is invalid', 'Unauthorized');
		}
		const limited = this.takeQuota();
		if (limited) return limited;

		const match = this.route(request);
		if (!match) return notFound(`Cannot ${request.method} ${request.path}`);
		const { route, params } = match;

		const expectedVersion = VERSIONS[route.family];
		const version = request.headers.version;
		if (version !== expectedVersion) {
			return fail(
				400,
				version
					? `Version ${version} is not supported by /${route.family}: send Version: ${expectedVersion}`
					: 'Version header was not found',
				'Bad Request',
			);
		}
		if (!acceptsJson(request.headers.accept)) {
			return fail(406, 'Accept must allow application/json', 'Not Acceptable');
		}

		let body: unknown = undefined;
		if (route.schema) {
			const isJson = /^application\/json\b/i.test(request.headers['content-type'] ?? '');
			if (isJson && request.rawBody && typeof request.body === 'string') {
				return fail(
					400,
					`Unexpected token in JSON: ${request.rawBody.slice(0, 40)}`,
					'Bad Request',
				);
			}
			const parsed = route.schema.safeParse(
				isJson && request.body !== undefined ? request.body : {},
			);
			if (!parsed.success) return unprocessable(validationMessages(parsed.error));
			body = parsed.data;
		}
		return route.handle(params, body, request);
	}

	/** Rate-limit headers on every answer, as HighLevel sends them. */
	protected decorate(_request: RecordedRequest, response: FakeResponse): FakeResponse {
		this.rollWindows();
		const { max, intervalMs, daily } = this.rateLimit;
		return {
			...response,
			headers: {
				'X-RateLimit-Max': String(max),
				'X-RateLimit-Remaining': String(Math.max(0, max - this.burst.count)),
				'X-RateLimit-Interval-Milliseconds': String(intervalMs),
				'X-RateLimit-Limit-Daily': String(daily),
				'X-RateLimit-Daily-Remaining': String(Math.max(0, daily - this.day.count)),
				...response.headers,
			},
		};
	}

	private rollWindows(): void {
		const now = this.now();
		if (now - this.burst.startedAt >= this.rateLimit.intervalMs)
			this.burst = { startedAt: now, count: 0 };
		if (now - this.day.startedAt >= 86_400_000) this.day = { startedAt: now, count: 0 };
	}

	/** Counts the request against the location's quota, or answers 429 when none is left. */
	private takeQuota(): FakeResponse | undefined {
		this.rollWindows();
		const overBurst = this.burst.count >= this.rateLimit.max;
		const overDay = this.day.count >= this.rateLimit.daily;
		if (!overBurst && !overDay) {
			this.burst.count++;
			this.day.count++;
			return undefined;
		}
		const window = overDay ? this.day : this.burst;
		const length = overDay ? 86_400_000 : this.rateLimit.intervalMs;
		const waitMs = window.startedAt + length - this.now();
		return {
			...fail(429, 'Too Many Requests', 'Too Many Requests'),
			headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
		};
	}

	private route(request: RecordedRequest): { route: Route; params: string[] } | undefined {
		for (const route of this.routes) {
			if (route.method !== request.method) continue;
			const match = route.pattern.exec(request.path);
			if (match) return { route, params: match.slice(1).map((part) => decodeURIComponent(part)) };
		}
		return undefined;
	}

	private nextId(prefix: string): string {
		this.lastId++;
		return `${prefix}${String(this.lastId).padStart(6, '0')}`;
	}

	/** An active user of this location, or the 422 that says why `field` is not one. */
	private activeUser(userId: string, field: string): FakeResponse | undefined {
		const user = this.users.get(userId);
		if (user && !user.deleted) return undefined;
		return unprocessable([`${field}: ${userId} is not an active user of this location`]);
	}

	private buildRoutes(): Route[] {
		const segment = '([^/]+)';
		const withContact =
			(handle: (contact: FakeContact, body: never) => FakeResponse) =>
			(params: string[], body: unknown): FakeResponse => {
				const contact = this.contacts.get(params[0]);
				if (!contact) return notFound('Contact not found');
				return handle(contact, body as never);
			};
		return [
			{
				method: 'GET',
				pattern: /^\/users\/?$/,
				family: 'users',
				handle: (_params, _body, request) => this.listUsers(request.query.locationId),
			},
			{
				method: 'GET',
				pattern: new RegExp(`^/users/${segment}$`),
				family: 'users',
				handle: ([userId]) => {
					const user = this.users.get(userId);
					return user ? { status: 200, body: this.userBody(user) } : notFound('User not found');
				},
			},
			{
				method: 'GET',
				pattern: new RegExp(`^/contacts/${segment}$`),
				family: 'contacts',
				handle: withContact((contact) => ({
					status: 200,
					body: { contact: this.contactBody(contact) },
				})),
			},
			{
				method: 'PUT',
				pattern: new RegExp(`^/contacts/${segment}$`),
				family: 'contacts',
				schema: updateContactBody,
				handle: withContact((contact, body: z.infer<typeof updateContactBody>) =>
					this.updateContact(contact, body),
				),
			},
			{
				method: 'POST',
				pattern: new RegExp(`^/contacts/${segment}/tags$`),
				family: 'contacts',
				schema: tagsBody,
				handle: withContact((contact, body: z.infer<typeof tagsBody>) => {
					contact.tags = [...new Set([...contact.tags, ...body.tags.map(normaliseTag)])];
					return { status: 201, body: { tags: contact.tags } };
				}),
			},
			{
				method: 'DELETE',
				pattern: new RegExp(`^/contacts/${segment}/tags$`),
				family: 'contacts',
				schema: tagsBody,
				handle: withContact((contact, body: z.infer<typeof tagsBody>) => {
					const removed = new Set(body.tags.map(normaliseTag));
					contact.tags = contact.tags.filter((tag) => !removed.has(tag));
					return { status: 200, body: { tags: contact.tags } };
				}),
			},
			{
				method: 'POST',
				pattern: new RegExp(`^/contacts/${segment}/tasks$`),
				family: 'contacts',
				schema: createTaskBody,
				handle: withContact((contact, body: z.infer<typeof createTaskBody>) => {
					const invalid = body.assignedTo && this.activeUser(body.assignedTo, 'assignedTo');
					if (invalid) return invalid;
					const task: FakeTask = { id: this.nextId('task'), contactId: contact.id, ...body };
					contact.tasks.push(task);
					return { status: 201, body: { task } };
				}),
			},
			{
				method: 'POST',
				pattern: new RegExp(`^/contacts/${segment}/notes$`),
				family: 'contacts',
				schema: createNoteBody,
				handle: withContact((contact, body: z.infer<typeof createNoteBody>) => {
					const invalid = body.userId && this.activeUser(body.userId, 'userId');
					if (invalid) return invalid;
					const note: FakeNote = {
						id: this.nextId('note'),
						contactId: contact.id,
						body: body.body,
						...(body.userId ? { userId: body.userId } : {}),
						dateAdded: new Date(this.now()).toISOString(),
					};
					contact.notes.push(note);
					return { status: 201, body: { note } };
				}),
			},
			{
				method: 'POST',
				pattern: new RegExp(`^/contacts/${segment}/followers$`),
				family: 'contacts',
				schema: followersBody,
				handle: withContact((contact, body: z.infer<typeof followersBody>) => {
					for (const userId of body.followers) {
						const invalid = this.activeUser(userId, 'followers');
						if (invalid) return invalid;
					}
					const added = body.followers.filter((id) => !contact.followers.includes(id));
					contact.followers = [...new Set([...contact.followers, ...added])];
					return {
						status: 201,
						body: { followers: contact.followers, followersAdded: [...new Set(added)] },
					};
				}),
			},
			{
				method: 'POST',
				pattern: /^\/conversations\/messages$/,
				family: 'conversations',
				schema: sendMessageBody,
				handle: (_params, body) => this.sendMessage(body as z.infer<typeof sendMessageBody>),
			},
			{
				method: 'GET',
				pattern: new RegExp(`^/conversations/${segment}$`),
				family: 'conversations',
				handle: ([conversationId]) => {
					const conversation = this.conversations.get(conversationId);
					if (!conversation) return notFound('Conversation not found');
					return { status: 200, body: this.conversationBody(conversation) };
				},
			},
		];
	}

	private listUsers(locationId: string | undefined): FakeResponse {
		if (!locationId) return unprocessable(['locationId should not be empty']);
		if (locationId !== this.locationId) {
			return fail(403, 'The token does not have access to this location.', 'Forbidden');
		}
		return { status: 200, body: { users: [...this.users.values()].map((u) => this.userBody(u)) } };
	}

	private updateContact(
		contact: FakeContact,
		body: z.infer<typeof updateContactBody>,
	): FakeResponse {
		if (body.assignedTo) {
			const invalid = this.activeUser(body.assignedTo, 'assignedTo');
			if (invalid) return invalid;
		}
		if (body.assignedTo !== undefined) contact.assignedTo = body.assignedTo ?? undefined;
		// The DTO says `tags` here overwrites all of the contact's tags.
		if (body.tags) contact.tags = [...new Set(body.tags.map(normaliseTag))];
		for (const field of ['name', 'firstName', 'lastName', 'email', 'phone'] as const) {
			if (body[field] !== undefined) contact[field] = body[field] ?? undefined;
		}
		return { status: 200, body: { succeded: true, contact: this.contactBody(contact) } };
	}

	private sendMessage(body: z.infer<typeof sendMessageBody>): FakeResponse {
		const contact = this.contacts.get(body.contactId);
		if (!contact) return notFound('Contact not found');
		const conversation =
			[...this.conversations.values()].find((c) => c.contactId === contact.id) ??
			this.addConversation({
				id: this.nextId('conv'),
				contactId: contact.id,
				type: body.type === 'Email' ? 2 : 1,
				...(contact.assignedTo ? { assignedTo: contact.assignedTo } : {}),
			});
		const message: FakeMessage = {
			id: this.nextId('msg'),
			conversationId: conversation.id,
			contactId: contact.id,
			type: body.type,
			...(body.message !== undefined ? { message: body.message } : {}),
			...(body.subject !== undefined ? { subject: body.subject } : {}),
			...(body.html !== undefined ? { html: body.html } : {}),
			body: body as Record<string, unknown>,
		};
		this.messages.push(message);
		return {
			status: 200,
			body: {
				conversationId: conversation.id,
				messageId: message.id,
				...(body.type === 'Email' ? { emailMessageId: this.nextId('email') } : {}),
				status: 'pending',
				msg: 'Message queued successfully.',
			},
		};
	}

	private userBody(user: FakeUser): Record<string, unknown> {
		return {
			id: user.id,
			name: user.name,
			...(user.firstName ? { firstName: user.firstName } : {}),
			...(user.lastName ? { lastName: user.lastName } : {}),
			email: user.email,
			deleted: user.deleted,
			roles: { type: 'account', role: 'user', locationIds: [this.locationId] },
		};
	}

	private contactBody(contact: FakeContact): Record<string, unknown> {
		const { followers: _followers, tasks: _tasks, notes: _notes, ...fields } = contact;
		return { ...fields, tags: [...contact.tags] };
	}

	private conversationBody(conversation: FakeConversation): Record<string, unknown> {
		return {
			...conversation,
			locationId: this.locationId,
			deleted: false,
			inbox: true,
			starred: false,
		};
	}
}

function acceptsJson(accept: string | undefined): boolean {
	if (!accept) return false;
	return accept
		.split(',')
		.map((range) => range.split(';')[0].trim().toLowerCase())
		.some((range) => range === 'application/json' || range === 'application/*' || range === '*/*');
}
