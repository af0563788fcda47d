/**
 * A strict contract fake of Chatwoot's Application API for one account, on 127.0.0.1.
 *
 * Each answer follows what Chatwoot's Rails code does (chatwoot/chatwoot: Api::BaseController,
 * AccessTokenAuthHelper, Accounts::BaseController, the conversation controllers and jbuilder views,
 * config/initializers/rack_attack.rb), including the quiet ones:
 *
 * - No `api_access_token` header: 401 `{"errors":["You need to sign in or sign up before
 *   continuing."]}` (devise). A wrong token: 401 `{"error":"Invalid Access Token"}`.
 * - An agent-bot token on an endpoint bots may not use (agents, teams, profile): 401
 *   `{"error":"Access to this endpoint is not authorized for bots"}`.
 * - An account that does not exist: 404 `{"error":"Resource could not be found"}` (`Account.find`);
 *   one that exists without the token's owner: 401 `You are not authorized to access this account`.
 * - Unknown conversation or team: 404 `{"error":"Resource could not be found"}`. Unknown route:
 *   404 `{"status":404,"error":"Not Found"}`. A body that is not JSON: 400 (Rails' parser).
 * - Assigning an agent or team the account does not have: **200 `null`**, assignment cleared.
 * - Messages: a bad `message_type`, `incoming` outside an API inbox, content over 150 000
 *   characters, or more than 200 messages a minute in the conversation: 422 `{"error":"…"}`
 *   (MessagesController rescues into render_could_not_create_error). No content: **200**, Chatwoot
 *   stores an empty message.
 * - toggle_status with an unknown status or a non-numeric `snoozed_until`: **500**
 *   `{"status":500,"error":"Internal Server Error"}`: the Rails enum / strptime raises and nothing
 *   rescues it. `snoozed` without `snoozed_until`: 200, snoozed until the contact's next reply.
 * - Labels POST replaces the set; titles the account has not defined are dropped without an error
 *   (recent versions; `acceptAnyLabel` for older ones). custom_attributes POST replaces the hash.
 * - Rack::Attack throttle: 429 `text/plain` `Retry later\n`, before authentication; `Retry-After`
 *   only where the installation enables it.
 *
 * Not modelled: inbox membership (an agent-role token sees only its inboxes' conversations).
 */
import { STATUS_CODES } from 'node:http';

import { FakeServer, type FakeResponse, type RecordedRequest } from '../fakeServer';

export type FakeAvailability = 'online' | 'busy' | 'offline';

export type FakeConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';

const CONVERSATION_STATUSES: readonly string[] = ['open', 'pending', 'resolved', 'snoozed'];

const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;

type FakeMessageType = (typeof MESSAGE_TYPES)[number];

/** Whose token the requests carry. Agents and administrators are users; bots are AgentBots. */
export type FakeTokenOwner =
	| { type: 'user'; id: number; name?: string; role: 'administrator' | 'agent' }
	| { type: 'agent_bot'; id: number; name?: string };

export interface FakeAgent {
	id: number;
	name: string;
	email: string;
	availability_status: FakeAvailability;
	role: 'administrator' | 'agent';
	confirmed: boolean;
}

export interface FakeTeam {
	id: number;
	name: string;
	description: string;
	allow_auto_assign: boolean;
	memberIds: number[];
}

export interface FakeContact {
	id: number;
	name: string;
	email?: string | null;
	phone_number?: string | null;
}

export interface FakeMessage {
	id: number;
	content: string | null;
	message_type: FakeMessageType;
	private: boolean;
	sender: { type: 'user' | 'agent_bot'; id: number };
	/** Milliseconds on the fake's clock. */
	createdAt: number;
}

/** Live state of a conversation: tests read it after the client's calls. */
export interface FakeConversation {
	/** The display id, the one in paths. */
	id: number;
	inbox_id: number;
	/** Chatwoot accepts `incoming` messages through the API only in API inboxes. */
	apiInbox: boolean;
	status: FakeConversationStatus;
	/** Unix seconds; null when not snoozed or snoozed until the next reply. */
	snoozed_until: number | null;
	labels: string[];
	custom_attributes: Record<string, unknown>;
	assignee_id: number | null;
	team_id: number | null;
	contact: FakeContact;
	messages: FakeMessage[];
	/** An agent bot opened its pending conversation: Chatwoot's `bot_handoff!`. */
	botHandedOff: boolean;
}

export interface ConversationSeed {
	id: number;
	status?: FakeConversationStatus;
	labels?: string[];
	inbox_id?: number;
	apiInbox?: boolean;
	contact?: Partial<FakeContact>;
	assignee_id?: number | null;
	team_id?: number | null;
	custom_attributes?: Record<string, unknown>;
}

export interface RateLimit {
	/** Requests per window from the client, Rack::Attack's `limit`. */
	limit: number;
	/** Window length; Rack::Attack counts in fixed windows. Default 60 000 (Chatwoot: 1 minute). */
	periodMs?: number;
	/**
	 * Send `Retry-After` (seconds to the window's end). Rack::Attack does only when the installation
	 * sets `throttled_response_retry_after_header`; default true here so retries can be tested.
	 */
	retryAfterHeader?: boolean;
}

export interface ChatwootFakeOptions {
	accountId?: number;
	token?: string;
	tokenOwner?: FakeTokenOwner;
	/** Accounts on the same installation that the token's owner is not in (401, not 404). */
	otherAccountIds?: number[];
	/** Older Chatwoot: any label title sticks, not only the account's labels. Default false. */
	acceptAnyLabel?: boolean;
	/** Bots may read/write conversation labels (Chatwoot from mid-2026). Default true. */
	botsMayUseLabels?: boolean;
	/** `CONVERSATION_MESSAGE_PER_MINUTE_LIMIT`, default 200. */
	messagesPerMinute?: number;
	/** The fake's clock in ms; tests pass one their sleep recorder advances. Default Date.now. */
	now?: () => number;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): FakeResponse => ({
	status,
	body,
	headers,
});

/** What Rails answers on its own for a status (routing, parser and server errors). */
const railsError = (status: number): FakeResponse =>
	json(status, { status, error: STATUS_CODES[status] ?? 'Error' });

const notFound = (): FakeResponse => json(404, { error: 'Resource could not be found' });

const unauthorized = (error: string): FakeResponse => json(401, { error });

const couldNotCreate = (error: string): FakeResponse => json(422, { error });

/** The Application API routes this fake serves, by the controller#action Chatwoot maps them to. */
type RouteName =
	| 'profile#show'
	| 'agents#index'
	| 'teams#index'
	| 'team_members#index'
	| 'conversations#show'
	| 'conversations#toggle_status'
	| 'conversations#custom_attributes'
	| 'assignments#create'
	| 'labels#index'
	| 'labels#create'
	| 'messages#create';

interface Route {
	name: RouteName;
	accountId?: string;
	conversationId?: string;
	teamId?: string;
}

const ACCOUNT = '/api/v1/accounts/([^/]+)';
const CONVERSATION = `${ACCOUNT}/conversations/([^/]+)`;

const ROUTES: Array<{
	method: string;
	pattern: RegExp;
	name: RouteName;
	kind: 'account' | 'team' | 'conversation' | 'none';
}> = [
	{ method: 'GET', pattern: /^\/api\/v1\/profile$/, name: 'profile#show', kind: 'none' },
	{
		method: 'GET',
		pattern: new RegExp(`^${ACCOUNT}/agents$`),
		name: 'agents#index',
		kind: 'account',
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${ACCOUNT}/teams$`),
		name: 'teams#index',
		kind: 'account',
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${ACCOUNT}/teams/([^/]+)/team_members$`),
		name: 'team_members#index',
		kind: 'team',
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${CONVERSATION}$`),
		name: 'conversations#show',
		kind: 'conversation',
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${CONVERSATION}/toggle_status$`),
		name: 'conversations#toggle_status',
		kind: 'conversation',
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${CONVERSATION}/custom_attributes$`),
		name: 'conversations#custom_attributes',
		kind: 'conversation',
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${CONVERSATION}/assignments$`),
		name: 'assignments#create',
		kind: 'conversation',
	},
	{
		method: 'GET',
		pattern: new RegExp(`^${CONVERSATION}/labels$`),
		name: 'labels#index',
		kind: 'conversation',
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${CONVERSATION}/labels$`),
		name: 'labels#create',
		kind: 'conversation',
	},
	{
		method: 'POST',
		pattern: new RegExp(`^${CONVERSATION}/messages$`),
		name: 'messages#create',
		kind: 'conversation',
	},
];

/** AccessTokenAuthHelper::BOT_ACCESSIBLE_ENDPOINTS, for the routes above. */
const BOT_ROUTES: readonly RouteName[] = [
	'conversations#show',
	'conversations#toggle_status',
	'conversations#custom_attributes',
	'assignments#create',
	'messages#create',
];

function matchRoute(method: string, path: string): Route | undefined {
	for (const route of ROUTES) {
		if (route.method !== method) continue;
		const match = route.pattern.exec(path);
		if (!match) continue;
		const [, accountId, second] = match;
		if (route.kind === 'conversation')
			return { name: route.name, accountId, conversationId: second };
		if (route.kind === 'team') return { name: route.name, accountId, teamId: second };
		return { name: route.name, accountId };
	}
	return undefined;
}

/** Rails finds records by id with `find`/`find_by`: anything but digits matches nothing. */
const idOf = (text: string | undefined): number | undefined =>
	text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export class ChatwootFake extends FakeServer {
	readonly accountId: number;

	readonly token: string;

	tokenOwner: FakeTokenOwner;

	private readonly options: Required<
		Omit<ChatwootFakeOptions, 'tokenOwner' | 'accountId' | 'token'>
	>;

	private readonly agents = new Map<number, FakeAgent>();

	private readonly teams = new Map<number, FakeTeam>();

	private readonly conversations = new Map<number, FakeConversation>();

	/** Label titles defined in the account (Settings → Labels), lowercase as Chatwoot keeps them. */
	readonly accountLabels = new Set<string>();

	private rateLimitRule: RateLimit | undefined;

	private window = { index: -1, count: 0 };

	private nextMessageId = 1;

	constructor(options: ChatwootFakeOptions = {}) {
		super();
		this.accountId = options.accountId ?? 1;
		this.token = options.token ?? 'chatwoot-test-token';
		this.tokenOwner = options.tokenOwner ?? {
			type: 'user',
			id: 1,
			name: 'Admin',
			role: 'administrator',
		};
		this.options = {
			otherAccountIds: options.otherAccountIds ?? [],
			acceptAnyLabel: options.acceptAnyLabel ?? false,
			botsMayUseLabels: options.botsMayUseLabels ?? true,
			messagesPerMinute: options.messagesPerMinute ?? 200,
			now: options.now ?? Date.now,
		};
	}

	// ---- seeding ----

	addAgent(seed: Partial<FakeAgent> & { id: number; name: string }): FakeAgent {
		const agent: FakeAgent = {
			email: `${seed.name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
			availability_status: 'online',
			role: 'agent',
			confirmed: true,
			...seed,
		};
		this.agents.set(agent.id, agent);
		return agent;
	}

	addTeam(
		seed: Partial<Omit<FakeTeam, 'memberIds'>> & { id: number; name: string; memberIds?: number[] },
	): FakeTeam {
		const team: FakeTeam = {
			description: '',
			// Chatwoot's default for a new team.
			allow_auto_assign: true,
			...seed,
			memberIds: [...(seed.memberIds ?? [])],
		};
		for (const id of team.memberIds) {
			if (!this.agents.has(id)) throw new Error(`addTeam: agent ${id} is not in the account`);
		}
		this.teams.set(team.id, team);
		return team;
	}

	/** Defines labels in the account (Settings → Labels); titles are lowercased as Chatwoot does. */
	addAccountLabels(...titles: string[]): void {
		for (const title of titles) this.accountLabels.add(title.toLowerCase());
	}

	addConversation(seed: ConversationSeed): FakeConversation {
		const labels = (seed.labels ?? []).map((title) => title.toLowerCase());
		this.addAccountLabels(...labels);
		const conversation: FakeConversation = {
			id: seed.id,
			inbox_id: seed.inbox_id ?? 1,
			apiInbox: seed.apiInbox ?? false,
			status: seed.status ?? 'pending',
			snoozed_until: null,
			labels,
			custom_attributes: { ...(seed.custom_attributes ?? {}) },
			assignee_id: seed.assignee_id ?? null,
			team_id: seed.team_id ?? null,
			contact: { id: 100 + seed.id, name: 'Contact', ...seed.contact },
			messages: [],
			botHandedOff: false,
		};
		this.conversations.set(conversation.id, conversation);
		return conversation;
	}

	/**
	 * Removes the agent from the account, as an administrator deleting them does: they leave their
	 * teams and their conversations, vanish from `/agents`, and assigning them answers 200 `null`.
	 */
	deactivateAgent(id: number): void {
		if (!this.agents.delete(id)) throw new Error(`deactivateAgent: no agent ${id}`);
		for (const team of this.teams.values()) team.memberIds = team.memberIds.filter((m) => m !== id);
		for (const conversation of this.conversations.values()) {
			if (conversation.assignee_id === id) conversation.assignee_id = null;
		}
	}

	// ---- behaviour switches ----

	/** Turns the Rack::Attack throttle on (or off with undefined). Off by default. */
	rateLimit(rule: RateLimit | undefined): void {
		this.rateLimitRule = rule;
		this.window = { index: -1, count: 0 };
	}

	/** As FakeServer's, with the body Rails/Rack would send for the status by default. */
	override failNext(
		pathPattern: RegExp,
		status: number,
		count = 1,
		headers: Record<string, string> = {},
		body: unknown = status === 429 ? 'Retry later\n' : { status, error: STATUS_CODES[status] },
	): void {
		super.failNext(pathPattern, status, count, headers, body);
	}

	// ---- state inspection ----

	conversation(id: number): FakeConversation {
		const conversation = this.conversations.get(id);
		if (!conversation) throw new Error(`the fake has no conversation ${id}`);
		return conversation;
	}

	agent(id: number): FakeAgent | undefined {
		return this.agents.get(id);
	}

	team(id: number): FakeTeam | undefined {
		return this.teams.get(id);
	}

	// ---- the API ----

	protected handle(request: RecordedRequest): FakeResponse {
		const throttled = this.throttle();
		if (throttled) return throttled;

		const route = matchRoute(request.method, request.path);
		if (!route) return railsError(404);

		const token = request.headers.api_access_token;
		if (!token) {
			return json(401, { errors: ['You need to sign in or sign up before continuing.'] });
		}
		if (token !== this.token) return unauthorized('Invalid Access Token');
		if (this.tokenOwner.type === 'agent_bot' && !this.botMayCall(route.name)) {
			return unauthorized('Access to this endpoint is not authorized for bots');
		}

		if (route.name === 'profile#show') return json(200, this.profileJson());

		const accountId = idOf(route.accountId);
		if (accountId !== this.accountId) {
			if (accountId !== undefined && this.options.otherAccountIds.includes(accountId)) {
				return unauthorized('You are not authorized to access this account');
			}
			return notFound();
		}

		const contentType = request.headers['content-type'] ?? '';
		if (request.rawBody && contentType.includes('json') && typeof request.body === 'string') {
			return railsError(400);
		}
		const body = isObject(request.body) ? request.body : {};

		switch (route.name) {
			case 'agents#index':
				return json(
					200,
					[...this.agents.values()].map((agent) => this.agentJson(agent)),
				);
			case 'teams#index':
				return json(
					200,
					[...this.teams.values()].map((team) => this.teamJson(team)),
				);
			case 'team_members#index': {
				const team = this.teams.get(idOf(route.teamId) ?? -1);
				if (!team) return notFound();
				return json(
					200,
					this.membersOf(team).map((agent) => this.agentJson(agent)),
				);
			}
			default:
				break;
		}

		const conversation = this.conversations.get(idOf(route.conversationId) ?? -1);
		if (!conversation) return notFound();

		switch (route.name) {
			case 'conversations#show':
				return json(200, this.conversationJson(conversation));
			case 'assignments#create':
				return this.assign(conversation, body);
			case 'labels#index':
				return json(200, { payload: conversation.labels });
			case 'labels#create':
				return this.setLabels(conversation, body);
			case 'messages#create':
				return this.createMessage(conversation, body);
			case 'conversations#toggle_status':
				return this.toggleStatus(conversation, body);
			case 'conversations#custom_attributes':
				// `params.permit(custom_attributes: {})` yields nothing for a non-object: the hash empties.
				conversation.custom_attributes = isObject(body.custom_attributes)
					? { ...body.custom_attributes }
					: {};
				return json(200, { custom_attributes: conversation.custom_attributes });
			default:
				return railsError(404);
		}
	}

	private botMayCall(route: RouteName): boolean {
		if (route === 'labels#index' || route === 'labels#create') return this.options.botsMayUseLabels;
		return BOT_ROUTES.includes(route);
	}

	/** Rack::Attack's fixed-window throttle, before Rails sees the request (auth or not). */
	private throttle(): FakeResponse | undefined {
		const rule = this.rateLimitRule;
		if (!rule) return undefined;
		const period = rule.periodMs ?? 60_000;
		const now = this.options.now();
		const index = Math.floor(now / period);
		if (index !== this.window.index) this.window = { index, count: 0 };
		this.window.count++;
		if (this.window.count <= rule.limit) return undefined;
		const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
		if (rule.retryAfterHeader ?? true) {
			headers['Retry-After'] = String(Math.ceil((period - (now % period)) / 1000));
		}
		return { status: 429, body: 'Retry later\n', headers };
	}

	private assign(conversation: FakeConversation, body: Record<string, unknown>): FakeResponse {
		if ('assignee_id' in body) {
			// `account.users.find_by(id:)`: an unknown id assigns nobody, and answers null.
			const agent = this.agents.get(Number(body.assignee_id));
			conversation.assignee_id = agent ? agent.id : null;
			return json(200, agent ? this.agentJson(agent) : null);
		}
		if ('team_id' in body) {
			const team = this.teams.get(Number(body.team_id));
			if ((team?.id ?? null) !== conversation.team_id) {
				conversation.team_id = team?.id ?? null;
				// AssignmentHandler#ensure_assignee_is_from_team, when the team changes.
				if (
					team &&
					conversation.assignee_id !== null &&
					!team.memberIds.includes(conversation.assignee_id)
				) {
					conversation.assignee_id = null;
				}
				if (team?.allow_auto_assign && conversation.assignee_id === null) {
					// Chatwoot round-robins among online team members of the inbox; the fake takes the first.
					const online = this.membersOf(team).find((a) => a.availability_status === 'online');
					conversation.assignee_id = online?.id ?? null;
				}
			}
			return json(200, team ? this.teamJson(team) : null);
		}
		return json(200, null);
	}

	private setLabels(conversation: FakeConversation, body: Record<string, unknown>): FakeResponse {
		const posted = Array.isArray(body.labels)
			? body.labels.map(String)
			: typeof body.labels === 'string'
				? [body.labels]
				: [];
		const kept = this.options.acceptAnyLabel
			? posted
			: // `account.labels.where(title: posted)`: exact, case-sensitive matches on lowercase titles.
				posted.filter((title) => this.accountLabels.has(title));
		conversation.labels = [...new Set(kept)];
		return json(200, { payload: conversation.labels });
	}

	private createMessage(
		conversation: FakeConversation,
		body: Record<string, unknown>,
	): FakeResponse {
		const type = body.message_type === undefined ? 'outgoing' : String(body.message_type);
		if (!(MESSAGE_TYPES as readonly string[]).includes(type)) {
			return couldNotCreate(`'${type}' is not a valid message_type`);
		}
		if (type === 'incoming' && !conversation.apiInbox) {
			return couldNotCreate('Incoming messages are only allowed in Api inboxes');
		}
		const content =
			body.content === undefined || body.content === null ? null : String(body.content);
		if (content !== null && content.length > 150_000) {
			return couldNotCreate(
				'Validation failed: Content is too long (maximum is 150000 characters)',
			);
		}
		const now = this.options.now();
		const lastMinute = conversation.messages.filter((m) => m.createdAt >= now - 60_000).length;
		if (lastMinute >= this.options.messagesPerMinute) {
			return couldNotCreate('Validation failed: Too many messages');
		}
		const message: FakeMessage = {
			id: this.nextMessageId++,
			content,
			message_type: type as FakeMessageType,
			// MessageBuilder: `params[:private] || false`.
			private: body.private === true || body.private === 'true',
			sender: { type: this.tokenOwner.type, id: this.tokenOwner.id },
			createdAt: now,
		};
		conversation.messages.push(message);
		return json(200, this.messageJson(conversation, message));
	}

	private toggleStatus(
		conversation: FakeConversation,
		body: Record<string, unknown>,
	): FakeResponse {
		const status = body.status;
		let success: boolean | null = true;
		if (
			this.tokenOwner.type === 'agent_bot' &&
			conversation.status === 'pending' &&
			status === 'open'
		) {
			// ConversationsController#bot_handoff?: @status stays unset, so `success` renders null.
			conversation.status = 'open';
			conversation.botHandedOff = true;
			success = null;
		} else if (status !== undefined && status !== null && status !== '') {
			// The Rails enum raises ArgumentError for an unknown value; nothing rescues it: a 500.
			if (!CONVERSATION_STATUSES.includes(String(status))) return railsError(500);
			let snoozedUntil: number | null = conversation.snoozed_until;
			if (body.snoozed_until !== undefined && body.snoozed_until !== null) {
				// DateTime.strptime(value.to_s, '%s') raises on anything but an integer.
				if (!/^-?\d+$/.test(String(body.snoozed_until))) return railsError(500);
				snoozedUntil = Number(body.snoozed_until);
			}
			conversation.status = status as FakeConversationStatus;
			conversation.snoozed_until = snoozedUntil;
		} else {
			conversation.status = conversation.status === 'open' ? 'resolved' : 'open';
		}
		// Conversation#ensure_snooze_until_reset.
		if (conversation.status !== 'snoozed') conversation.snoozed_until = null;
		const owner = this.tokenOwner;
		if (conversation.status === 'open' && owner.type === 'user' && owner.role === 'agent') {
			// Recent Chatwoot (handle_human_open): an agent opening a conversation takes it.
			conversation.assignee_id = owner.id;
		}
		return json(200, {
			meta: {},
			payload: {
				success,
				conversation_id: conversation.id,
				current_status: conversation.status,
				snoozed_until: conversation.snoozed_until,
			},
		});
	}

	// ---- JSON as Chatwoot's views render it ----

	private membersOf(team: FakeTeam): FakeAgent[] {
		return team.memberIds.flatMap((id) => this.agents.get(id) ?? []);
	}

	private agentJson(agent: FakeAgent) {
		return {
			id: agent.id,
			account_id: this.accountId,
			availability_status: agent.availability_status,
			auto_offline: true,
			confirmed: agent.confirmed,
			email: agent.email,
			available_name: agent.name,
			name: agent.name,
			role: agent.role,
			thumbnail: '',
		};
	}

	private teamJson(team: FakeTeam) {
		return {
			id: team.id,
			name: team.name,
			description: team.description,
			allow_auto_assign: team.allow_auto_assign,
			account_id: this.accountId,
			is_member: team.memberIds.includes(this.tokenOwner.id) && this.tokenOwner.type === 'user',
		};
	}

	private profileJson() {
		const owner = this.tokenOwner;
		const role = owner.type === 'user' ? owner.role : 'agent';
		return {
			id: owner.id,
			name: owner.name ?? 'Owner',
			email: 'owner@example.com',
			role,
			account_id: this.accountId,
			accounts: [{ id: this.accountId, name: 'Fake account', role, active_at: null }],
		};
	}

	private messageJson(conversation: FakeConversation, message: FakeMessage) {
		return {
			id: message.id,
			content: message.content,
			inbox_id: conversation.inbox_id,
			echo_id: null,
			conversation_id: conversation.id,
			message_type: MESSAGE_TYPES.indexOf(message.message_type),
			content_type: 'text',
			content_attributes: {},
			created_at: Math.floor(message.createdAt / 1000),
			private: message.private,
			sender: { id: message.sender.id, type: message.sender.type },
		};
	}

	private conversationJson(conversation: FakeConversation) {
		const assignee =
			conversation.assignee_id === null ? undefined : this.agents.get(conversation.assignee_id);
		const team = conversation.team_id === null ? undefined : this.teams.get(conversation.team_id);
		const last = conversation.messages.at(-1);
		return {
			meta: {
				sender: { ...conversation.contact, type: 'contact' },
				channel: conversation.apiInbox ? 'Channel::Api' : 'Channel::WebWidget',
				// The views leave `assignee` and `team` out when there is none.
				...(assignee ? { assignee: this.agentJson(assignee) } : {}),
				...(team ? { team: this.teamJson(team) } : {}),
				hmac_verified: false,
			},
			id: conversation.id,
			messages: last ? [this.messageJson(conversation, last)] : [],
			account_id: this.accountId,
			additional_attributes: {},
			can_reply: true,
			custom_attributes: conversation.custom_attributes,
			inbox_id: conversation.inbox_id,
			labels: conversation.labels,
			muted: false,
			snoozed_until: conversation.snoozed_until,
			status: conversation.status,
			priority: null,
			unread_count: 0,
		};
	}
}
