/**
 * Chatwoot as the action nodes reach it: the credential, the client over the package transport,
 * the account that scopes state, its agents and the link to a conversation.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { createTransport } from '../../shared/transport';
import type { Person } from '../person';
import { ChatwootClient, type ChatwootAgent } from './client';

export interface ChatwootAccess {
	platform: 'chatwoot';
	client: ChatwootClient;
	/** The account: the scope of conversation state and assignee loads. */
	scope: string;
	/** Link to a conversation in the Chatwoot dashboard, for notifications. */
	conversationLink: (conversationId: string) => string;
	/** Every agent of the account, in the API's order. */
	listPeople: () => Promise<Person[]>;
}

export const CHATWOOT_PLATFORM = {
	id: 'chatwoot',
	name: 'Chatwoot',
	credentialType: 'chatwootApi',
} as const;

export function personFromAgent(agent: ChatwootAgent): Person {
	return {
		id: String(agent.id),
		// Chatwoot shows agents by their display name when they set one.
		name: agent.available_name || agent.name || `Agent ${agent.id}`,
		...(agent.email ? { email: agent.email } : {}),
		...(agent.availability_status ? { availability: agent.availability_status } : {}),
	};
}

/** The Chatwoot client over the package transport and the node's credential. */
export async function connectChatwoot(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
): Promise<ChatwootAccess> {
	const credentials = await context.getCredentials(CHATWOOT_PLATFORM.credentialType, itemIndex);
	const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
	const accountId = String(credentials.accountId);
	const send = createTransport(context, {
		platformName: CHATWOOT_PLATFORM.name,
		credentialType: CHATWOOT_PLATFORM.credentialType,
		baseUrl,
		credentialHint: 'the Access Token and Account ID in the Chatwoot credential',
		itemIndex,
	});
	const client = new ChatwootClient(send, accountId);
	return {
		platform: CHATWOOT_PLATFORM.id,
		client,
		scope: accountId,
		conversationLink: (conversationId) =>
			`${baseUrl}/app/accounts/${accountId}/conversations/${conversationId}`,
		listPeople: async () => (await client.listAgents()).map(personFromAgent),
	};
}
