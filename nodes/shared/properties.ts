import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { eventFieldExpression } from '../event/handoverEvent';
import { PLATFORMS } from '../platforms/platformList';

/** Platform selector of every action node, one option per platform; the credential shown follows it. */
export const platformProperty: INodeProperties = {
	displayName: 'Platform',
	name: 'platform',
	type: 'options',
	default: PLATFORMS[0].id,
	options: PLATFORMS.map((platform) => ({ name: platform.name, value: platform.id })),
	description: 'Where the conversation lives; use the same as the Handover Detector received',
};

/** An n8n expression naming the chosen platform in words ("HighLevel"), for node subtitles. */
export const PLATFORM_NAME = `({${PLATFORMS.map((p) => `"${p.id}": "${p.name}"`).join(', ')}})[$parameter["platform"]]`;

/** Each platform's credential, shown when it is the chosen platform (and authentication). */
export const platformCredentials: INodeTypeDescription['credentials'] = PLATFORMS.flatMap(
	(platform) =>
		platform.authentications
			? platform.authentications.map((way) => ({
					name: way.credentialType,
					required: true,
					displayOptions: { show: { platform: [platform.id], authentication: [way.value] } },
				}))
			: [
					{
						name: platform.credentialType,
						required: true,
						displayOptions: { show: { platform: [platform.id] } },
					},
				],
);

/** How each platform with several ways to authenticate is reached; one parameter per platform. */
export const authenticationProperties: INodeProperties[] = PLATFORMS.flatMap((platform) =>
	platform.authentications
		? [
				{
					displayName: 'Authentication',
					name: 'authentication',
					type: 'options' as const,
					default: platform.authentications[0].value,
					options: platform.authentications.map((way) => ({ name: way.name, value: way.value })),
					displayOptions: { show: { platform: [platform.id] } },
					description: `How the node signs in to ${platform.name}`,
				},
			]
		: [],
);

export const conversationIdProperty: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	default: eventFieldExpression('conversationId'),
	required: true,
	description: 'The conversation handed over; taken from the Handover Detector event by default',
};

/** The platforms whose actions act on the contact (HighLevel) or on the conversation (Chatwoot). */
export const platformsActingOn = (field: 'contactId' | 'conversationId') => ({
	show: { platform: PLATFORMS.filter((p) => p.subject.field === field).map((p) => p.id) },
});

export const contactIdProperty: INodeProperties = {
	displayName: 'Contact ID',
	name: 'contactId',
	type: 'string',
	default: eventFieldExpression('contactId'),
	required: true,
	displayOptions: platformsActingOn('contactId'),
	description: 'The contact on the platform; taken from the Handover Detector event by default',
};

/** The id of what the chosen platform's actions act on: its contact or its conversation. */
export const subjectProperties: INodeProperties[] = [
	contactIdProperty,
	{ ...conversationIdProperty, displayOptions: platformsActingOn('conversationId') },
];

/** Where nodes that keep state (assignee loads, sent-once keys, pauses) keep it. */
export const storeFileOption: INodeProperties = {
	displayName: 'State Store File',
	name: 'storeFile',
	type: 'string',
	default: '',
	placeholder: '~/.n8n/handover-store.sqlite',
	description:
		'SQLite file shared with the Handover Detector; handover-store.sqlite in the n8n user folder when empty. Set the same file in the detector if you change it.',
};
