import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { HIGHLEVEL_BASE_URL } from '../../credentials/HighLevelPrivateIntegrationApi.credentials';
import { ChatwootClient } from '../platforms/chatwoot/client';
import { HighLevelClient } from '../platforms/highlevel/client';
import { createTransport } from './transport';

import type { ActionPlatform } from '../event/actionResults';

export type { ActionPlatform };

export interface HighLevelAccess {
	platform: 'highlevel';
	client: HighLevelClient;
	/** The sub-account: the scope of conversation state and assignee loads. */
	scope: string;
	/** Link to a contact's conversation in HighLevel, for notifications. */
	conversationLink: (contactId: string) => string;
}

export interface ChatwootAccess {
	platform: 'chatwoot';
	client: ChatwootClient;
	scope: string;
	conversationLink: (conversationId: string) => string;
}

export type PlatformAccess = HighLevelAccess | ChatwootAccess;

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** The client of the chosen platform, over the package transport and the node's credential. */
export async function platformAccess(
	context: Context,
	platform: ActionPlatform,
	itemIndex?: number,
): Promise<PlatformAccess> {
	if (platform === 'chatwoot') {
		const credentials = await context.getCredentials('chatwootApi', itemIndex);
		const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
		const accountId = String(credentials.accountId);
		const send = createTransport(context, {
			platformName: 'Chatwoot',
			credentialType: 'chatwootApi',
			baseUrl,
			credentialHint: 'the Access Token and Account ID in the Chatwoot credential',
			itemIndex,
		});
		return {
			platform,
			client: new ChatwootClient(send, accountId),
			scope: accountId,
			conversationLink: (conversationId) =>
				`${baseUrl}/app/accounts/${accountId}/conversations/${conversationId}`,
		};
	}
	const credentials = await context.getCredentials('highLevelPrivateIntegrationApi', itemIndex);
	const baseUrl = String(credentials.baseUrl || HIGHLEVEL_BASE_URL);
	const locationId = String(credentials.locationId);
	const send = createTransport(context, {
		platformName: 'HighLevel',
		credentialType: 'highLevelPrivateIntegrationApi',
		baseUrl,
		credentialHint: 'the Private Integration token and Location ID in the HighLevel credential',
		itemIndex,
	});
	return {
		platform,
		client: new HighLevelClient(send, locationId),
		scope: locationId,
		conversationLink: (contactId) =>
			`https://app.gohighlevel.com/v2/location/${locationId}/conversations/conversations?contactId=${encodeURIComponent(contactId)}`,
	};
}
