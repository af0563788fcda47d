import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { platformAccess, type ActionPlatform } from '../platforms/platformList';
import type { Person } from '../platforms/person';

function currentPlatform(context: ILoadOptionsFunctions): ActionPlatform {
	return (context.getCurrentNodeParameter('platform') as ActionPlatform | undefined) ?? 'highlevel';
}

const byName = (a: INodePropertyOptions, b: INodePropertyOptions) => a.name.localeCompare(b.name);

function describe(person: Person): string {
	const status = person.availability ? ` · ${person.availability}` : '';
	return `${person.email ?? `ID ${person.id}`}${status}`;
}

/**
 * HighLevel users of the sub-account or Chatwoot agents of the account, for the User and Users
 * dropdowns. Deleted HighLevel users are left out: they cannot be assigned.
 */
export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const access = await platformAccess(this, currentPlatform(this));
	const people = await access.listPeople();
	return people
		.filter((person) => !person.deleted)
		.map((person) => ({ name: person.name, value: person.id, description: describe(person) }))
		.sort(byName);
}

/** Chatwoot teams of the account, for the Team dropdown (HighLevel has no teams in its API). */
export async function getTeams(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const access = await platformAccess(this, currentPlatform(this));
	if (access.platform !== 'chatwoot') return [];
	const teams = await access.client.listTeams();
	return teams
		.map((team) => ({
			name: team.name,
			value: String(team.id),
			description: team.description || `Team ${team.id}`,
		}))
		.sort(byName);
}
