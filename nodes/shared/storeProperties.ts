import type { INodeProperties } from 'n8n-workflow';

/** The "State Store" parameter of every node that keeps state, and its options. */
export const stateStoreProperties: INodeProperties[] = [
	{
		displayName: 'State Store',
		name: 'stateStore',
		type: 'options',
		default: 'embedded',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: "Redis when n8n runs in queue mode (n8n's own queue Redis), else Embedded",
			},
			{
				name: 'Embedded',
				value: 'embedded',
				description: 'A SQLite file in the n8n user folder; for one n8n, or several on one host',
			},
			{
				name: 'Redis',
				value: 'redis',
				description: 'A Redis server, for n8n queue mode or n8n on several hosts',
			},
		],
		description:
			'Where conversation memory, pauses, assignee loads and sent-once keys are kept. Use the same store in the Handover Detector and every action node.',
	},
	{
		displayName: 'State Store File',
		name: 'storeFile',
		type: 'string',
		default: '',
		placeholder: '~/.n8n/handover-store.sqlite',
		displayOptions: { show: { stateStore: ['embedded'] } },
		description:
			'SQLite file of the embedded store; handover-store.sqlite in the n8n user folder when empty',
	},
];

/** Credential entry for the Redis store: n8n's built-in Redis credential, shown for Redis only. */
export const redisStoreCredential = {
	name: 'redis',
	required: true,
	displayOptions: { show: { stateStore: ['redis'] } },
};
