/**
 * HighLevel as the action nodes reach it: the credential, the client over the package transport,
 * the sub-account that scopes state, its people and the link to a conversation.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { HIGHLEVEL_BASE_URL } from '../../../credentials/HighLevelPrivateIntegrationApi.credentials';
import { createTransport } from '../../shared/transport';
import type { Person } from '../person';
import { HighLevelClient, type HighLevelUser } from './client';

export interface HighLevelAccess {
	platform: 'highlevel';
	client: HighLevelClient;
	/** The sub-account: the scope of conversation state and assignee loads. */
	scope: string;
	/** Link to a contact's conversation in HighLevel, for notifications. */
	conversationLink: (contactId: string) => string;
	/** Everyone in the sub-account, in the API's order. */
	listPeople: () => Promise<Person[]>;
}

export const HIGHLEVEL_PLATFORM = {
	id: 'highlevel',
	name: 'HighLevel',
	credentialType: 'highLevelPrivateIntegrationApi',
} as const;

export function personFromUser(user: HighLevelUser): Person {
	return {
		id: user.id,
		name: user.name || user.id,
		...(user.email ? { email: user.email } : {}),
		...(user.deleted ? { deleted: true } : {}),
	};
}

/** The HighLevel client over the package transport and the node's credential. */
export async function connectHighLevel(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
): Promise<HighLevelAccess> {
	const credentials = await context.getCredentials(HIGHLEVEL_PLATFORM.credentialType, itemIndex);
	const baseUrl = String(credentials.baseUrl || HIGHLEVEL_BASE_URL);
	const locationId = String(credentials.locationId);
	const send = createTransport(context, {
		platformName: HIGHLEVEL_PLATFORM.name,
		credentialType: HIGHLEVEL_PLATFORM.credentialType,
		baseUrl,
		credentialHint: 'the Private Integration token and Location ID in the HighLevel credential',
		itemIndex,
	});
	const client = new HighLevelClient(send, locationId);
	return {
		platform: HIGHLEVEL_PLATFORM.id,
		client,
		scope: locationId,
		conversationLink: (contactId) =>
			`https://app.gohighlevel.com/v2/location/${locationId}/conversations/conversations?contactId=${encodeURIComponent(contactId)}`,
		listPeople: async () => (await client.listUsers()).map(personFromUser),
	};
}
