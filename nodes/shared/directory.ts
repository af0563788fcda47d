import type { ChatwootAgent, ChatwootAvailability } from '../platforms/chatwoot/client';
import type { HighLevelUser } from '../platforms/highlevel/client';
import type { PlatformAccess } from './platformAccess';

/** Someone who can take a conversation: a HighLevel user or a Chatwoot agent, ids as strings. */
export interface Person {
	id: string;
	name: string;
	email?: string;
	/** Chatwoot only; HighLevel users have no availability. */
	availability?: ChatwootAvailability;
	/** HighLevel marks deleted users; Chatwoot removes them from the account instead. */
	deleted?: boolean;
	/** Named in the node's parameters but no longer in the account (removed agent, deleted user). */
	missing?: boolean;
}

export function personFromUser(user: HighLevelUser): Person {
	return {
		id: user.id,
		name: user.name || user.id,
		...(user.email ? { email: user.email } : {}),
		...(user.deleted ? { deleted: true } : {}),
	};
}

export function personFromAgent(agent: ChatwootAgent): Person {
	return {
		id: String(agent.id),
		// Chatwoot shows agents by their display name when they set one.
		name: agent.available_name || agent.name || `Agent ${agent.id}`,
		...(agent.email ? { email: agent.email } : {}),
		...(agent.availability_status ? { availability: agent.availability_status } : {}),
	};
}

/** Everyone in the sub-account (HighLevel users) or account (Chatwoot agents), in the API's order. */
export async function listPeople(access: PlatformAccess): Promise<Person[]> {
	if (access.platform === 'highlevel') {
		return (await access.client.listUsers()).map(personFromUser);
	}
	return (await access.client.listAgents()).map(personFromAgent);
}

/**
 * Why a person cannot take a conversation now, or undefined when they can. Deleted or removed
 * people are always skipped (assigning them fails); offline agents only when asked.
 */
export function unavailableBecause(person: Person, onlyAvailable: boolean): string | undefined {
	if (person.missing) return 'not in the account any more';
	if (person.deleted) return 'deleted';
	if (onlyAvailable && person.availability === 'offline') return 'offline';
	return undefined;
}
