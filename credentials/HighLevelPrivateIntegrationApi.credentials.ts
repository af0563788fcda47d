import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export const HIGHLEVEL_BASE_URL = 'https://services.leadconnectorhq.com';

/**
 * A HighLevel sub-account's Private Integration token (Settings → Private Integrations), with the
 * location it belongs to. n8n's built-in HighLevel credential is OAuth2 only and lacks the
 * conversation scopes these nodes need.
 */
export class HighLevelPrivateIntegrationApi implements ICredentialType {
	name = 'highLevelPrivateIntegrationApi';

	displayName = 'HighLevel Private Integration API';

	icon = { light: 'file:handover.svg', dark: 'file:handover.dark.svg' } as const;

	documentationUrl =
		'https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken';

	properties: INodeProperties[] = [
		{
			displayName: 'Private Integration Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Token of a Private Integration with the scopes contacts, conversations, conversations/message, users (read)',
		},
		{
			displayName: 'Location ID',
			name: 'locationId',
			type: 'string',
			default: '',
			required: true,
			description: 'The sub-account (location) ID, shown in Settings → Business Profile',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: HIGHLEVEL_BASE_URL,
			description: 'Change only to go through a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/users/',
			qs: { locationId: '={{$credentials.locationId}}' },
			headers: { Version: '2021-07-28', Accept: 'application/json' },
		},
	};
}
