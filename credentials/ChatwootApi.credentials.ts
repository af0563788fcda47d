import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** A Chatwoot installation (cloud or self-hosted), an account on it and an access token. */
export class ChatwootApi implements ICredentialType {
	name = 'chatwootApi';

	displayName = 'Chatwoot API';

	icon = { light: 'file:handover.svg', dark: 'file:handover.dark.svg' } as const;

	documentationUrl = 'https://developers.chatwoot.com/api-reference/introduction';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.chatwoot.com',
			required: true,
			description: 'Your Chatwoot address, without /api',
		},
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			required: true,
			description: 'The number after /accounts/ in your Chatwoot address bar',
		},
		{
			displayName: 'Access Token',
			name: 'apiAccessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"An administrator's or agent's access token (Profile Settings → Access Token); it needs to assign conversations and add notes",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { api_access_token: '={{$credentials.apiAccessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/profile',
		},
	};
}
