import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import type { AssignResult, FailedAttempt, UnavailableReason } from '../event/actionResults';
import { listParameter, requiredString, subjectParameter } from '../shared/parameters';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import type { PlatformAdapter } from '../platforms/platformAdapter';
import { conversationKeyForItem } from '../conversation/conversationKey';
import { recordAssignment } from '../conversation/conversationState';
import { handoverActionKey, oncePerHandover } from '../shared/oncePerHandover';
import { storeFromParameters } from '../shared/storeProvider';
import type { HandoverStore } from '../store/HandoverStore';
import { unavailableBecause, type Person } from '../platforms/person';
import {
	isOpen,
	nextOpening,
	openingText,
	scheduleOf,
	type OpeningLine,
	type Schedule,
} from './businessHours';
import { PlatformRefusal } from '../platforms/platformRefusal';

export type AssignMode = 'autoAssign' | 'specificUser';
export type Strategy = 'roundRobin' | 'leastBusy';
export type CandidateSource = 'allUsers' | 'chosenUsers' | 'team';

interface Skipped {
	person: Person;
	reason: string;
}

type Outcome = { assigned: true; name?: string } | { assigned: false; reason: string };

/** Store key of one assignee's open-handover count, shared by every node that counts loads. */
export function assigneeKey(platform: ActionPlatform, scope: string, userId: string): string {
	return `${platform}:${scope}:${userId}`;
}

/**
 * Assigns item `itemIndex`'s contact (HighLevel) or conversation (Chatwoot) to a person: the chosen
 * user, or the next candidate by round robin or least load. When an assignment fails for reasons
 * of that person (deleted, removed, refused, rate-limited or failing after retries), the next
 * candidate is tried and the failure recorded in `tried`.
 */
export async function assignItem(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject = {},
	connect = connectPlatform,
): Promise<AssignResult> {
	const store = await storeFromParameters(context, itemIndex);
	// A re-run gets the first run's assignee: moving the contact on and counting the load twice
	// would be wrong. Any failure frees the key: no one was assigned, or a retry is harmless.
	return await oncePerHandover(
		store,
		handoverActionKey(context, itemIndex, item, 'assign'),
		async () => await assignOnce(context, itemIndex, item, store, connect),
		{ mayRetry: () => true },
	);
}

async function assignOnce(
	context: IExecuteFunctions,
	itemIndex: number,
	item: IDataObject,
	store: HandoverStore,
	connect: typeof connectPlatform,
): Promise<AssignResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const mode = context.getNodeParameter('mode', itemIndex, 'autoAssign') as AssignMode;
	const access = await connect(context, platform, itemIndex);
	const subjectId = subjectParameter(context, access, itemIndex);
	const tried: FailedAttempt[] = [];
	const now = new Date();
	const schedule = scheduleFromOptions(context, itemIndex);
	const closed = schedule !== undefined && !isOpen(schedule, now);
	let unavailable: UnavailableReason | undefined = closed ? 'outside_business_hours' : undefined;

	const succeed = async (
		userId: string,
		userName: string,
		strategy: string,
	): Promise<AssignResult> => {
		const load = assigneeKey(platform, access.scope, userId);
		await store.adjustLoad(load, 1);
		// The conversation remembers whose load this is: resolving it gives the count back.
		const conversationId = item.conversationId;
		if (typeof conversationId === 'string' || typeof conversationId === 'number') {
			const key = conversationKeyForItem(item, platform, access.scope, String(conversationId));
			await recordAssignment(store, key, load, now);
		}
		const opening = closed && schedule ? nextOpening(schedule, now) : undefined;
		return {
			platform,
			[access.descriptor.subject.field]: subjectId,
			userId,
			userName,
			strategy,
			tried,
			available: unavailable === undefined,
			...(unavailable && { unavailableReason: unavailable }),
			...(opening && {
				nextOpening: opening.toISOString(),
				nextOpeningText: openingText(opening, schedule!.timeZone),
			}),
		};
	};

	if (mode === 'specificUser') {
		const userId = requiredString(context, 'userId', 'User', itemIndex);
		const outcome = await tryAssign(access, subjectId, userId);
		if (outcome.assigned) {
			return await succeed(
				userId,
				outcome.name ?? (await userNameOf(access, userId)),
				'specificUser',
			);
		}
		tried.push({ userId, userName: userId, error: outcome.reason });
		if (!(context.getNodeParameter('fallbackToOthers', itemIndex, true) as boolean)) {
			throw noOneAssigned(context, access, itemIndex, tried, []);
		}
	}

	const strategy = context.getNodeParameter('strategy', itemIndex, 'roundRobin') as Strategy;
	const chosen = await candidatesInOrder(context, access, store, strategy, itemIndex, closed);
	let { candidates } = chosen;
	const { skipped } = chosen;
	if (candidates.length === 0 && skipped.some((s) => s.reason === OFFLINE)) {
		// Nobody online: it goes to whom it would have gone, who finds it on return, and the flow
		// knows (available: false) to tell the contact so.
		unavailable ??= 'no_agent_online';
		candidates = skipped.filter((s) => s.reason === OFFLINE).map((s) => s.person);
	}
	for (const attempt of tried) {
		// The chosen user failed before the list was read: name them as the list does.
		attempt.userName =
			[...candidates, ...skipped.map((s) => s.person)].find(
				(person) => person.id === attempt.userId,
			)?.name ?? attempt.userName;
	}
	for (const person of candidates) {
		if (tried.some((attempt) => attempt.userId === person.id)) continue;
		const outcome = await tryAssign(access, subjectId, person.id);
		if (outcome.assigned) return await succeed(person.id, person.name, strategy);
		tried.push({ userId: person.id, userName: person.name, error: outcome.reason });
	}
	throw noOneAssigned(
		context,
		access,
		itemIndex,
		tried,
		skipped.filter((s) => !tried.some((attempt) => attempt.userId === s.person.id)),
	);
}

const OFFLINE = 'offline';

interface BusinessHoursOption {
	hours?: OpeningLine[];
}

/** The Business Hours option as a schedule, or undefined when none is set (always open). */
function scheduleFromOptions(context: IExecuteFunctions, itemIndex: number): Schedule | undefined {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const lines = (options.businessHours as BusinessHoursOption | undefined)?.hours ?? [];
	if (lines.length === 0) return undefined;
	const timeZone = String(options.timeZone || context.getTimezone() || 'UTC').trim();
	try {
		return scheduleOf(lines, timeZone);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), 'Business Hours cannot be read', {
			itemIndex,
			description: `${(error as Error).message} (Options → Business Hours, item ${itemIndex})`,
		});
	}
}

/**
 * Whether someone else might be assigned where this person was not. 401/403 are the credential,
 * 404 is the contact or conversation, and no status means the platform cannot be reached: the same
 * for every candidate, so the error is passed on at once instead of being repeated for each.
 */
function isCandidateFailure(error: unknown): error is Error {
	if (error instanceof PlatformRefusal) return true;
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (!Number.isInteger(status) || status === 0) return false;
	// 429 and 5xx after the transport's retries: the platform is struggling, not this person, and
	// walking every candidate would only add to it.
	if (status === 429 || status >= 500) return false;
	return status !== 401 && status !== 403 && status !== 404;
}

async function tryAssign(
	access: PlatformAdapter,
	subjectId: string,
	userId: string,
): Promise<Outcome> {
	let failure: unknown;
	try {
		const { name } = await access.assign(subjectId, userId);
		return { assigned: true, ...(name !== undefined ? { name } : {}) };
	} catch (error) {
		failure = error;
	}
	if (!isCandidateFailure(failure)) throw failure;
	return { assigned: false, reason: failure.message };
}

/** The chosen user's name when the assignment's answer did not carry it. */
async function userNameOf(access: PlatformAdapter, userId: string): Promise<string> {
	try {
		return (await access.personName(userId)) ?? userId;
	} catch {
		// The assignment is done; the name is only a label and must not turn it into a failure.
		return userId;
	}
}

/** The pool to choose from, and a descriptor that keeps each pool's round-robin turn apart. */
async function candidatePool(
	context: IExecuteFunctions,
	access: PlatformAdapter,
	itemIndex: number,
): Promise<{ people: Person[]; descriptor: string }> {
	const source = context.getNodeParameter('candidates', itemIndex, 'allUsers') as CandidateSource;
	if (source === 'team') {
		if (!access.teams) {
			const name = access.descriptor.name;
			throw new NodeOperationError(context.getNode(), `${name} has no teams`, {
				itemIndex,
				description: `Set Candidates to All Users or Chosen Users for ${name}`,
			});
		}
		const teamId = requiredString(context, 'teamId', 'Team', itemIndex);
		return { people: await access.teams.members(teamId), descriptor: `team:${teamId}` };
	}
	const everyone = await access.listPeople();
	if (source !== 'chosenUsers') return { people: everyone, descriptor: 'all' };
	const chosen = listParameter(context, 'chosenUsers', itemIndex);
	if (chosen.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Users is empty', {
			itemIndex,
			description: 'Choose the users to assign among, or set Candidates to All Users',
		});
	}
	const byId = new Map(everyone.map((person) => [person.id, person]));
	return {
		people: chosen.map((id) => byId.get(id) ?? { id, name: id, missing: true }),
		descriptor: `users:${[...chosen].sort().join(',')}`,
	};
}

/** Candidates in the order to try them, and who was left out and why. */
async function candidatesInOrder(
	context: IExecuteFunctions,
	access: PlatformAdapter,
	store: HandoverStore,
	strategy: Strategy,
	itemIndex: number,
	closed: boolean,
): Promise<{ candidates: Person[]; skipped: Skipped[] }> {
	const { people, descriptor } = await candidatePool(context, access, itemIndex);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// Outside business hours nobody is expected online: presence says nothing then.
	const onlyAvailable = options.onlyAvailable !== false && !closed;
	const byId = new Map(people.map((person) => [person.id, person]));
	// The turn goes round the whole pool, not only who is available now: someone going offline
	// must not shift everyone else's turn.
	const order = await store.nextRoundRobin(
		`${access.descriptor.id}:${access.scope}:${descriptor}`,
		[...byId.keys()],
	);
	const candidates: Person[] = [];
	const skipped: Skipped[] = [];
	for (const id of order) {
		const person = byId.get(id) as Person;
		const reason = unavailableBecause(person, onlyAvailable);
		if (reason) skipped.push({ person, reason });
		else candidates.push(person);
	}
	if (strategy === 'leastBusy' && candidates.length > 1) {
		const keyOf = (person: Person) => assigneeKey(access.descriptor.id, access.scope, person.id);
		const loads = await store.getLoads(candidates.map(keyOf));
		// sort is stable: equal loads keep the round-robin order, so ties take turns.
		candidates.sort((a, b) => (loads[keyOf(a)] ?? 0) - (loads[keyOf(b)] ?? 0));
	}
	return { candidates, skipped };
}

function noOneAssigned(
	context: IExecuteFunctions,
	access: PlatformAdapter,
	itemIndex: number,
	tried: FailedAttempt[],
	skipped: Skipped[],
): NodeOperationError {
	const platformName = access.descriptor.name;
	const skippedText = skipped.map((s) => `${s.person.name} (${s.reason})`).join(', ');
	let message: string;
	let description: string;
	if (tried.length > 0) {
		message = `No one could be assigned: tried ${tried
			.map((attempt) => `${attempt.userName} (${attempt.error})`)
			.join(', ')}`;
		description =
			`Check that the users are active in ${platformName} (not deleted or removed from the ` +
			'account) and may take this conversation, or choose other users.' +
			(skippedText ? ` Skipped: ${skippedText}.` : '');
	} else if (skipped.length > 0) {
		message = `No one could be assigned: no candidate is available (skipped ${skippedText})`;
		description =
			'Wait until an agent is online, turn off Only Available Agents, or add active users to the candidates.';
	} else {
		message = 'No one could be assigned: there are no candidates';
		description = access.descriptor.noPeopleHint;
	}
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}
