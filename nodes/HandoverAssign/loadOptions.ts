import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { PLATFORMS, connectPlatform, type ActionPlatform } from '../platforms/platformList';
import type { Person } from '../platforms/person';

function currentPlatform(context: ILoadOptionsFunctions): ActionPlatform {
	return (
		(context.getCurrentNodeParameter('platform') as ActionPlatform | undefined) ?? PLATFORMS[0].id
	);
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
	const adapter = await connectPlatform(this, currentPlatform(this));
	const people = await adapter.listPeople();
	return people
		.filter((person) => !person.deleted)
		.map((person) => ({ name: person.name, value: person.id, description: describe(person) }))
		.sort(byName);
}

/** The account's teams, for the Team dropdown, on platforms that have teams (Chatwoot). */
export async function getTeams(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const adapter = await connectPlatform(this, currentPlatform(this));
	if (!adapter.teams) return [];
	const teams = await adapter.teams.list();
	return teams
		.map((team) => ({ name: team.name, value: team.id, description: team.description }))
		.sort(byName);
}
