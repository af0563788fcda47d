/**
 * The parameters of every node that detects (the webhook trigger, the dedicated-port trigger):
 * each node's description lists these after its own door's parameters (path, port), so no node
 * class copies another's description. Types only from n8n.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';

/** Authentication options that check a secret from the Handover Webhook credential. */
const NEEDS_SECRET = ['headerToken', 'hmacSha256', 'chatwootSignature'];

export const detectorCredentials: INodeTypeDescription['credentials'] = [
	{
		name: 'handoverWebhookApi',
		required: true,
		displayOptions: { show: { authentication: NEEDS_SECRET } },
	},
	// n8n's own Redis credential, which users of queue mode already have.
	redisStoreCredential,
];

/**
 * Shown while Authentication is None. n8n does not tell a node's description whether the workflow
 * is active, so the warning says when it matters.
 */
const noAuthenticationNotice: INodeProperties = {
	displayName:
		"Authentication is None: once this workflow is active, anyone who finds this URL can start its handover actions (assign, message the contact, pause the bot). Choose Header Token, HMAC-SHA256 or your platform's signature, with a Handover Webhook Secret credential, unless a proxy in front of it already checks every caller.",
	name: 'noAuthenticationNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { authentication: ['none'] } },
};

/** Payload format and authentication: how a webhook door reads and trusts a call. */
const webhookProperties: INodeProperties[] = [
	{
		displayName: 'Payload Format',
		name: 'payloadFormat',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: 'Recognise HighLevel, Chatwoot or Generic by its fields',
			},
			{
				name: 'Chatwoot',
				value: 'chatwoot',
				description: 'A message_created webhook or agent bot event',
			},
			{
				name: 'Generic',
				value: 'generic',
				description: 'The documented turn shape, for any bot that POSTs JSON',
			},
			{
				name: 'HighLevel',
				value: 'highlevel',
				description: 'InboundMessage / OutboundMessage, or a workflow Webhook action',
			},
		],
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		default: 'none',
		options: [
			{
				name: 'Chatwoot Signature',
				value: 'chatwootSignature',
				description: 'X-Chatwoot-Signature with the webhook secret',
			},
			{
				name: 'Header Token',
				value: 'headerToken',
				description: 'The secret in a header (x-handover-token by default)',
			},
			{
				name: 'HighLevel Signature',
				value: 'highlevelSignature',
				description: 'x-wh-signature of a HighLevel marketplace app (RSA, no secret needed)',
			},
			{
				name: 'HMAC-SHA256',
				value: 'hmacSha256',
				description:
					'Hex HMAC of "{timestamp}.{raw body}" in x-handover-signature, timestamp in x-handover-timestamp',
			},
			{ name: 'None', value: 'none' },
		],
	},
	noAuthenticationNotice,
];

/** Which situations hand over: every node that detects. */
export const triggersProperty: INodeProperties = {
	displayName: 'Trigger On',
	name: 'triggers',
	type: 'multiOptions',
	default: ['contactRequest', 'lackOfInformation', 'failedToResolve'],
	description: 'Which situations hand the conversation to a person',
	options: [
		{
			name: 'Contact Asks for a Human',
			value: 'contactRequest',
			description: 'E.g. "Can I talk to a real person?", in seven languages',
		},
		{
			name: 'Bot Lacks the Information',
			value: 'lackOfInformation',
			description: 'The bot says it cannot answer, or its confidence is low',
		},
		{
			name: 'Bot Failed to Resolve',
			value: 'failedToResolve',
			description: 'The contact says the answer did not help, or repeats the question',
		},
	],
};

/** The detector's options, in every node that detects. */
export const detectorOptionFields: INodeProperties[] = [
	{
		displayName: 'Confidence Threshold',
		name: 'confidenceThreshold',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.5,
		description: 'A bot reply sent with a botConfidence below this counts as no answer',
	},
	{
		displayName: 'Cool-Down (Minutes)',
		name: 'coolDownMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'After a handover, the same conversation does not hand over again for this long',
	},
	{
		displayName: 'Detection Threshold',
		name: 'detectionThreshold',
		type: 'number',
		typeOptions: { minValue: 0.05, maxValue: 0.95, numberPrecision: 2 },
		default: 0.5,
		description:
			'How sure (0–1) the detector must be that a message asks for a person, a bot reply has no answer, or a message complains. Lower hands over more often; higher only when sure.',
	},
	{
		displayName: 'Extra Phrases: Asks for a Human',
		name: 'contactRequestPhrases',
		type: 'string',
		default: '',
		placeholder: 'e.g. escalate, talk to Maria',
		description: 'Your own phrases, comma-separated, that also count as asking for a person',
	},
	{
		displayName: 'Extra Phrases: Bot Cannot Answer',
		name: 'lackOfInformationPhrases',
		type: 'string',
		default: '',
		description: 'Comma-separated phrases that, in a bot reply, mean it has no answer',
	},
	{
		displayName: 'Extra Phrases: Not Helped',
		name: 'failedToResolvePhrases',
		type: 'string',
		default: '',
		description: 'Comma-separated phrases that, in a contact message, mean the answer did not help',
	},
	{
		displayName: 'Extra Phrases: Helped',
		name: 'successPhrases',
		type: 'string',
		default: '',
		description:
			'Comma-separated phrases that mean the answer helped (the failed count goes back to 0)',
	},
	{
		displayName: 'Failed Attempts Before Handover',
		name: 'failedAttempts',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 2,
		description: 'How many unhelpful answers in a row hand the conversation over',
	},
	{
		displayName: 'Pause Bot on Handover (Minutes)',
		name: 'pauseOnHandoverMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Answer botPaused for this long right after a handover; 0 leaves pausing to a Handover Pause Bot node',
	},
	{
		displayName: 'Transcript Length',
		name: 'transcriptLength',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 200 },
		default: 20,
		description: 'Messages of the conversation kept and passed on in the event',
	},
];

/** Options of the webhook doors only: authentication details and payload reading. */
const webhookOptionFields: INodeProperties[] = [
	{
		displayName: 'Header Name',
		name: 'headerName',
		type: 'string',
		default: '',
		placeholder: 'x-handover-token',
		description:
			'Header with the token (Header Token) or the signature (HMAC-SHA256); the default when empty',
	},
	{
		displayName: 'HighLevel Public Key',
		name: 'highlevelPublicKey',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description:
			"PEM key for HighLevel Signature; HighLevel's published key when empty. Set it only after HighLevel announces a key rotation.",
	},
	{
		displayName: 'Ignore Open Chatwoot Conversations',
		name: 'ignoreOpenConversations',
		type: 'boolean',
		default: true,
		description:
			'Whether Chatwoot messages in open (agent) conversations are ignored. Turn off when your bot answers open conversations through an account webhook.',
	},
	{
		displayName: 'Signature Max Age (Seconds)',
		name: 'timestampToleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description:
			'Signed calls older than this are refused, and each signed call is accepted once within it (replay protection). Timestamps more than 60 seconds ahead of this host are refused too.',
	},
];

/** The Options collection of a node: its fields in the alphabetical order n8n lists them in. */
export function optionsCollection(fields: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** Payload format, authentication, triggers, state store and options of the webhook doors. */
export const detectionProperties: INodeProperties[] = [
	...webhookProperties,
	triggersProperty,
	...stateStoreProperties,
	optionsCollection([...detectorOptionFields, ...webhookOptionFields]),
];
