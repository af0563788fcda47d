/** Someone who can take a conversation, whatever the platform calls them (user, agent). */

/** Whether an agent takes conversations now; platforms without presence leave it out. */
export type Availability = 'online' | 'busy' | 'offline';

/** Someone who can take a conversation: a HighLevel user or a Chatwoot agent, ids as strings. */
export interface Person {
	id: string;
	name: string;
	email?: string;
	/** Chatwoot only; HighLevel users have no availability. */
	availability?: Availability;
	/** HighLevel marks deleted users; Chatwoot removes them from the account instead. */
	deleted?: boolean;
	/** Named in the node's parameters but no longer in the account (removed agent, deleted user). */
	missing?: boolean;
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
