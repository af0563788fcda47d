import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret of the Handover Detector's webhook: a token sent in a header, the key of an
 * HMAC-SHA256 signature, or Chatwoot's webhook secret. Nothing is sent with it, so there is no
 * request to test it against: the detector answers 401/403 when it does not match.
 */
// Nothing to call with an inbound secret; a wrong one is answered 401/403 by the detector.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class HandoverWebhookApi implements ICredentialType {
	name = 'handoverWebhookApi';

	displayName = 'Handover Webhook Secret';

	icon = { light: 'file:handover.svg', dark: 'file:handover.dark.svg' } as const;

	documentationUrl =
		'https://github.com/n8n-nodes-human-handover/n8n-nodes-human-handover#authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The token your bot sends, or the key it signs the body with. For Chatwoot, the webhook secret Chatwoot shows.',
		},
	];
}
