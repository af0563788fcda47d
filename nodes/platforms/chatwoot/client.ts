/**
 * Chatwoot Application API (`/api/v1/accounts/{account_id}/…`) as the handover actions need it.
 * Facts checked against chatwoot/chatwoot (controllers, jbuilder views, swagger/paths):
 *
 * - Conversation ids in paths are the display id (the number in the conversation's address).
 * - A 404 means the conversation, team or account does not exist (`Account.find` answers 404 too).
 * - Assigning an agent or team that the account does not have answers 200 with `null` and leaves
 *   the conversation unassigned; {@link ChatwootClient.assign} turns that into an error.
 * - `POST …/labels` replaces the whole set. Label titles are stored lowercase, and recent
 *   versions drop any title the account has not defined (Settings → Labels) without an error.
 * - `POST …/custom_attributes` replaces the whole hash.
 * - `toggle_status` with an unknown status is a 500 in Chatwoot (Rails enum): refused here.
 * - Agent-bot tokens may only show/toggle/update conversations, create messages, assign and (since
 *   mid-2026) read/write labels; listing agents or teams needs a user's token.
 */
import type { ApiSend } from '../apiRequest';
import { PlatformRefusal } from '../platformRefusal';

export type ChatwootAvailability = 'online' | 'busy' | 'offline';

export type ChatwootConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';

export const CHATWOOT_CONVERSATION_STATUSES: readonly ChatwootConversationStatus[] = [
	'open',
	'pending',
	'resolved',
	'snoozed',
];

/** An agent as `GET /agents`, `GET /teams/{id}/team_members` and assignment answer it. */
export interface ChatwootAgent {
	id: number;
	name: string;
	email: string;
	availability_status: ChatwootAvailability;
	role: 'administrator' | 'agent';
	available_name?: string;
	confirmed?: boolean;
	thumbnail?: string;
	account_id?: number;
}

export interface ChatwootTeam {
	id: number;
	name: string;
	description?: string | null;
	allow_auto_assign?: boolean;
	account_id?: number;
	/** Whether the token's owner belongs to the team. */
	is_member?: boolean;
}

export interface ChatwootContact {
	id: number;
	name?: string | null;
	email?: string | null;
	phone_number?: string | null;
	[key: string]: unknown;
}

/** `GET /conversations/{id}`: the fields the actions read; Chatwoot sends more. */
export interface ChatwootConversation {
	/** The display id, the one paths use. */
	id: number;
	account_id: number;
	inbox_id: number;
	status: ChatwootConversationStatus;
	/** Unix seconds, or null when snoozed until the contact's next reply. */
	snoozed_until: number | string | null;
	labels: string[];
	custom_attributes: Record<string, unknown>;
	meta: {
		sender?: ChatwootContact;
		assignee?: ChatwootAgent | null;
		team?: ChatwootTeam | null;
		channel?: string;
	};
	[key: string]: unknown;
}

export interface ChatwootMessage {
	id: number;
	content: string | null;
	conversation_id: number;
	/** Numeric in this answer: 0 incoming, 1 outgoing, 2 activity, 3 template. */
	message_type: number;
	private: boolean;
	created_at: number;
	[key: string]: unknown;
}

export interface ChatwootStatusChange {
	/** null when an agent bot handed a pending conversation off (Chatwoot's bot_handoff path). */
	success: boolean | null;
	conversation_id: number;
	current_status: ChatwootConversationStatus;
	snoozed_until?: number | string | null;
}

export type ChatwootAssignmentTarget =
	{ assigneeId: number | string } | { teamId: number | string };

export interface ChatwootLabelUpdate {
	/** The conversation's labels after the call, as Chatwoot answered them. */
	labels: string[];
	/** Asked-for labels Chatwoot did not keep: the account has no label with that title. */
	notApplied: string[];
}

/**
 * A call the client refuses to make, or an answer that means the action did not happen although
 * the HTTP status says success. Callers turn it into a NodeOperationError for the item.
 */
export class ChatwootClientError extends PlatformRefusal {
	constructor(message: string) {
		super(message);
		this.name = 'ChatwootClientError';
	}
}

/** Chatwoot answers GET/POST …/labels with `{ payload: [titles] }`. */
interface LabelsAnswer {
	payload: string[];
}

/** Label titles as Chatwoot stores them: trimmed, lowercase, each once, in first-seen order. */
export function normaliseLabels(labels: readonly string[]): string[] {
	const seen = new Set<string>();
	for (const label of labels) {
		const title = label.trim().toLowerCase();
		if (title) seen.add(title);
	}
	return [...seen];
}

/** Markdown that would end or restyle the link text of a mention. */
const escapeMarkdown = (text: string) => text.replace(/[\\[\]*_`~]/g, (char) => `\\${char}`);

/**
 * The private-note markup that makes Chatwoot notify an agent, as its editor writes it:
 * `[@Name](mention://user/{id}/{encodeURIComponent(name)})`. Parentheses are encoded too:
 * encodeURIComponent leaves them, and a `)` in the name would end the link early.
 * Chatwoot notifies only for private notes, and only administrators or members of the inbox.
 */
export function chatwootMention(agent: { id: number | string; name: string }): string {
	const name = agent.name.trim() || `Agent ${agent.id}`;
	const encodedName = encodeURIComponent(name).replace(/\(/g, '%28').replace(/\)/g, '%29');
	return `[@${escapeMarkdown(name)}](mention://user/${agent.id}/${encodedName})`;
}

function numericId(kind: string, id: number | string): string {
	const text = String(id).trim();
	if (!/^\d+$/.test(text)) {
		throw new ChatwootClientError(
			`${kind} must be a number, got "${String(id)}": use the number from the Chatwoot address bar`,
		);
	}
	return text;
}

/** Unix seconds, the form `snoozed_until` takes. */
function unixSeconds(when: Date | number): number {
	const seconds = when instanceof Date ? when.getTime() / 1000 : when;
	if (!Number.isFinite(seconds)) {
		throw new ChatwootClientError('Snooze until must be a valid date');
	}
	return Math.floor(seconds);
}

export class ChatwootClient {
	private readonly accountId: string;

	private readonly accountPath: string;

	/**
	 * @param send the package transport, bound to the `chatwootApi` credential and its base URL
	 * @param accountId the number after `/accounts/` in the Chatwoot address bar
	 */
	constructor(
		private readonly send: ApiSend,
		accountId: string,
	) {
		this.accountId = numericId('Account ID', accountId);
		this.accountPath = `/api/v1/accounts/${this.accountId}`;
	}

	private get accountMissing(): string {
		return `account ${this.accountId} does not exist: check the Account ID in the Chatwoot credential`;
	}

	private conversationPath(conversationId: number | string): string {
		return `${this.accountPath}/conversations/${numericId('Conversation ID', conversationId)}`;
	}

	private conversationMissing(conversationId: number | string): string {
		return (
			`conversation ${String(conversationId)} does not exist in account ${this.accountId}: ` +
			"check the Conversation ID (the number in the conversation's address) " +
			'and the Account ID in the credential'
		);
	}

	/** Agents of the account with availability and role (needs a user's token, not a bot's). */
	async listAgents(): Promise<ChatwootAgent[]> {
		return await this.send<ChatwootAgent[]>({
			method: 'GET',
			path: `${this.accountPath}/agents`,
			notFound: this.accountMissing,
		});
	}

	async listTeams(): Promise<ChatwootTeam[]> {
		return await this.send<ChatwootTeam[]>({
			method: 'GET',
			path: `${this.accountPath}/teams`,
			notFound: this.accountMissing,
		});
	}

	async listTeamMembers(teamId: number | string): Promise<ChatwootAgent[]> {
		return await this.send<ChatwootAgent[]>({
			method: 'GET',
			path: `${this.accountPath}/teams/${numericId('Team ID', teamId)}/team_members`,
			notFound:
				`team ${String(teamId)} does not exist in account ${this.accountId}: ` +
				'check the Team ID',
		});
	}

	/**
	 * Assigns the conversation to an agent or a team. Chatwoot answers an agent or team it cannot
	 * find in the account with 200 and `null`, having cleared the assignment: that is thrown here as
	 * a ChatwootClientError so it cannot pass for success.
	 *
	 * Assigning a team also drops an assignee who is not in that team, and with the team's
	 * auto-assign on, Chatwoot picks a team member itself.
	 */
	async assign(
		conversationId: number | string,
		target: { assigneeId: number | string },
	): Promise<ChatwootAgent>;
	async assign(
		conversationId: number | string,
		target: { teamId: number | string },
	): Promise<ChatwootTeam>;
	async assign(
		conversationId: number | string,
		target: ChatwootAssignmentTarget,
	): Promise<ChatwootAgent | ChatwootTeam>;
	async assign(
		conversationId: number | string,
		target: ChatwootAssignmentTarget,
	): Promise<ChatwootAgent | ChatwootTeam> {
		const byAgent = 'assigneeId' in target;
		const body = byAgent
			? { assignee_id: Number(numericId('Agent ID', target.assigneeId)) }
			: { team_id: Number(numericId('Team ID', target.teamId)) };
		const assigned = await this.send<ChatwootAgent | ChatwootTeam | null>({
			method: 'POST',
			path: `${this.conversationPath(conversationId)}/assignments`,
			body,
			// Assigning the same agent twice leaves the same state.
			idempotent: true,
			notFound: this.conversationMissing(conversationId),
		});
		if (assigned && typeof assigned === 'object') return assigned;
		const what = byAgent
			? `agent ${target.assigneeId}: check the Agent ID ` +
				'(the agent may have been removed from the account)'
			: `team ${target.teamId}: check the Team ID`;
		throw new ChatwootClientError(
			`Chatwoot left conversation ${String(conversationId)} unassigned ` +
				`because account ${this.accountId} has no ${what}`,
		);
	}

	async getLabels(conversationId: number | string): Promise<string[]> {
		const answer = await this.send<LabelsAnswer>({
			method: 'GET',
			path: `${this.conversationPath(conversationId)}/labels`,
			notFound: this.conversationMissing(conversationId),
		});
		return answer?.payload ?? [];
	}

	/**
	 * Replaces the conversation's labels with `labels` (lowercased, deduplicated, as Chatwoot stores
	 * titles; it matches them case-sensitively against the account's labels).
	 */
	async setLabels(
		conversationId: number | string,
		labels: readonly string[],
	): Promise<ChatwootLabelUpdate> {
		const wanted = normaliseLabels(labels);
		const answer = await this.send<LabelsAnswer>({
			method: 'POST',
			path: `${this.conversationPath(conversationId)}/labels`,
			body: { labels: wanted },
			// The POST replaces the set, so sending it twice leaves the same set.
			idempotent: true,
			notFound: this.conversationMissing(conversationId),
		});
		const kept = answer?.payload ?? [];
		const keptTitles = new Set(kept.map((title) => title.toLowerCase()));
		return { labels: kept, notApplied: wanted.filter((title) => !keptTitles.has(title)) };
	}

	/**
	 * Adds labels and keeps the ones already there: Chatwoot has no "add" call, so this reads the
	 * set and writes the union. Two writers racing can still lose one's labels.
	 */
	async addLabels(
		conversationId: number | string,
		labels: readonly string[],
	): Promise<ChatwootLabelUpdate> {
		const existing = await this.getLabels(conversationId);
		const added = normaliseLabels(labels);
		const update = await this.setLabels(conversationId, [...existing, ...added]);
		const notAdded = new Set(update.notApplied);
		return { labels: update.labels, notApplied: added.filter((title) => notAdded.has(title)) };
	}

	/**
	 * Sends a reply to the contact, or with `private: true` a note only agents see. Not idempotent:
	 * the transport never retries it after a network error, as the contact could get it twice.
	 * Chatwoot would store an empty message, so blank content is refused here.
	 */
	async sendMessage(
		conversationId: number | string,
		message: { content: string; private?: boolean },
	): Promise<ChatwootMessage> {
		if (!message.content?.trim()) {
			throw new ChatwootClientError('The message is empty: give it some text');
		}
		return await this.send<ChatwootMessage>({
			method: 'POST',
			path: `${this.conversationPath(conversationId)}/messages`,
			body: {
				content: message.content,
				message_type: 'outgoing',
				private: message.private ?? false,
			},
			idempotent: false,
			notFound: this.conversationMissing(conversationId),
		});
	}

	/**
	 * Sets the conversation's status. `open` puts a bot's `pending` conversation in the agents'
	 * queue. `snoozed` without `snoozedUntil` snoozes until the contact's next reply.
	 */
	async toggleStatus(
		conversationId: number | string,
		status: ChatwootConversationStatus,
		snoozedUntil?: Date | number,
	): Promise<ChatwootStatusChange> {
		if (!CHATWOOT_CONVERSATION_STATUSES.includes(status)) {
			// Chatwoot answers an unknown status with a 500, which would be retried for nothing.
			throw new ChatwootClientError(
				`"${String(status)}" is not a Chatwoot conversation status: ` +
					`use ${CHATWOOT_CONVERSATION_STATUSES.join(', ')}`,
			);
		}
		const body: { status: ChatwootConversationStatus; snoozed_until?: number } = { status };
		if (status === 'snoozed' && snoozedUntil !== undefined) {
			body.snoozed_until = unixSeconds(snoozedUntil);
		}
		const answer = await this.send<{ payload: ChatwootStatusChange }>({
			method: 'POST',
			path: `${this.conversationPath(conversationId)}/toggle_status`,
			body,
			// An explicit status is a set, not a toggle: repeating it changes nothing.
			idempotent: true,
			notFound: this.conversationMissing(conversationId),
		});
		return answer.payload;
	}

	/** Replaces the conversation's custom attributes with `attributes` (Chatwoot's default). */
	async setCustomAttributes(
		conversationId: number | string,
		attributes: Record<string, unknown>,
	): Promise<Record<string, unknown>> {
		const answer = await this.send<{ custom_attributes: Record<string, unknown> | null }>({
			method: 'POST',
			path: `${this.conversationPath(conversationId)}/custom_attributes`,
			body: { custom_attributes: attributes },
			idempotent: true,
			notFound: this.conversationMissing(conversationId),
		});
		return answer?.custom_attributes ?? {};
	}

	/**
	 * Sets some custom attributes and keeps the others: reads the conversation and writes the merge,
	 * because the POST alone would erase attributes other workflows wrote.
	 */
	async mergeCustomAttributes(
		conversationId: number | string,
		attributes: Record<string, unknown>,
	): Promise<Record<string, unknown>> {
		const conversation = await this.getConversation(conversationId);
		return await this.setCustomAttributes(conversationId, {
			...(conversation.custom_attributes ?? {}),
			...attributes,
		});
	}

	async getConversation(conversationId: number | string): Promise<ChatwootConversation> {
		return await this.send<ChatwootConversation>({
			method: 'GET',
			path: this.conversationPath(conversationId),
			notFound: this.conversationMissing(conversationId),
		});
	}

	/** See {@link chatwootMention}. */
	mention(agent: { id: number | string; name: string }): string {
		return chatwootMention(agent);
	}

	/** The conversation in Chatwoot's dashboard, for a person to click. */
	conversationUrl(baseUrl: string, conversationId: number | string): string {
		const conversation = numericId('Conversation ID', conversationId);
		const installation = baseUrl.replace(/\/+$/, '');
		return `${installation}/app/accounts/${this.accountId}/conversations/${conversation}`;
	}
}
