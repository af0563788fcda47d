/**
 * What each action node adds to the HandoverEvent under `actions.<key>`, typed once: the action
 * returns it, and the nodes and expressions that read it (Create Task and Notify default to the
 * assignee) are checked against it. No n8n import.
 */

import type { ActionPlatform } from '../platforms/platformList';
import type {
	FollowUpResult,
	NotifiedOutcome,
	PauseOutcome,
	ReplyDelivery,
} from '../platforms/platformAdapter';

export type { ActionPlatform };

/** Where each action records its result in the HandoverEvent: `actions.<key>`. */
export type ActionKey = keyof HandoverActions;

/** What an item carries instead of a result when its action failed and the node continues on fail. */
export interface ActionError {
	error: string;
}

/** One assignee who could not be assigned, and what the platform said. */
export interface FailedAttempt {
	userId: string;
	userName: string;
	error: string;
}

export type UnavailableReason = 'outside_business_hours' | 'no_agent_online';

/** Handover Assign: who took the conversation, and who was tried before. */
export interface AssignResult {
	platform: ActionPlatform;
	/** HighLevel assigns the contact, Chatwoot the conversation. */
	contactId?: string;
	conversationId?: string;
	userId: string;
	userName: string;
	strategy: string;
	tried: FailedAttempt[];
	/**
	 * Whether someone was there to take it now. False outside the business hours or when no agent
	 * was online: the conversation is still assigned to whom it would have gone, who finds it on
	 * return, and Send Message answers with its away text.
	 */
	available: boolean;
	/** Why no one was available. */
	unavailableReason?: UnavailableReason;
	/** When the business hours open next (ISO), and as the contact reads it ("Monday 09:00"). */
	nextOpening?: string;
	nextOpeningText?: string;
}

/** Handover Create Task: a HighLevel task, or on Chatwoot a private note that reads as one. */
export interface TaskResult extends FollowUpResult {
	platform: ActionPlatform;
	contactId?: string;
	conversationId?: string;
}

/** Handover Send Message: sent (where to, by the platform), or skipped because already sent. */
export interface MessageResult extends ReplyDelivery {
	platform: ActionPlatform;
	sent: boolean;
	/** Why nothing was sent. */
	skipped?: string;
	/** The away text was sent: Assign found no one there. */
	away?: boolean;
	idempotencyKey: string;
}

/** Handover Pause Bot: until when, and what the platform was told (a tag or a status). */
export interface PauseResult extends PauseOutcome {
	platform: ActionPlatform;
	/** Pause (the default) or Resume: the bot handed the conversation back. */
	operation: 'pause' | 'resume';
	conversationId: string;
	/** When the pause ends; null after Resume. */
	until: string | null;
	/** Platforms that act on the contact: the contact told. */
	contactId?: string;
}

/** Handover Add Tag: the tags (HighLevel) or labels (Chatwoot) added, and the full set after. */
export interface TagResult {
	platform: ActionPlatform;
	contactId?: string;
	conversationId?: string;
	added: string[];
	tags: string[];
}

/** Handover Notify: who was told, where and how. */
export interface NotifyResult extends NotifiedOutcome {
	channel: string;
	recipientId: string;
	recipientIds: string[];
	contactId?: string;
	conversationId?: string;
	delivered: boolean;
	/** HTTP status of an incoming webhook. */
	status?: number;
}

/** The results of the actions that ran, each under its key (or the error it continued with). */
export interface HandoverActions {
	assign?: AssignResult | ActionError;
	task?: TaskResult | ActionError;
	message?: MessageResult | ActionError;
	pause?: PauseResult | ActionError;
	tag?: TagResult | ActionError;
	notify?: NotifyResult | ActionError;
}

/** The result one action adds when it succeeds. */
export type ActionResultOf<K extends ActionKey> = Exclude<
	NonNullable<HandoverActions[K]>,
	ActionError
>;

/** The successful result of one action, as an earlier node left it on the item; else undefined. */
export function actionResult<K extends ActionKey>(
	item: { actions?: unknown },
	key: K,
): ActionResultOf<K> | undefined {
	const actions = item.actions;
	if (!actions || typeof actions !== 'object') return undefined;
	const result = (actions as Record<string, unknown>)[key];
	if (!result || typeof result !== 'object' || 'error' in result) return undefined;
	return result as ActionResultOf<K>;
}

/**
 * An n8n expression for a field of an earlier action's result, e.g. the assignee's ID for Create
 * Task's default. Typed, so renaming the field fails to compile instead of leaving an empty default.
 */
export function actionFieldExpression<K extends ActionKey>(
	key: K,
	field: keyof ActionResultOf<K> & string,
): string {
	return `={{ $json.actions?.${key}?.${field} }}`;
}
