import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runForEachItem } from '../shared/actionRunner';
import {
	authenticationProperties,
	subjectProperties,
	platformCredentials,
	platformProperty,
} from '../shared/properties';
import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';
import { assignItem } from './assign';
import { getTeams, getUsers } from './loadOptions';

/**
 * Strategy and candidates choose the assignee in auto mode, and the fallback after a specific user.
 * n8n has no "either" across two fields, so each such parameter comes twice under one name, each
 * copy shown in one of the two cases (n8n keeps the value of the one shown).
 */
function forChoosingOthers(property: INodeProperties): INodeProperties[] {
	const show = property.displayOptions?.show ?? {};
	return [
		{ ...property, displayOptions: { show: { ...show, mode: ['autoAssign'] } } },
		{
			...property,
			displayOptions: { show: { ...show, mode: ['specificUser'], fallbackToOthers: [true] } },
		},
	];
}

export class HandoverAssign implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Assign',
		name: 'handoverAssign',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["mode"] === "specificUser" ? "Assign a specific user" : ($parameter["strategy"] === "leastBusy" ? "Assign the least busy" : "Assign by round robin")}}',
		description:
			'Assigns the handed-over contact (HighLevel) or conversation (Chatwoot) to a person, by round robin, least busy or by name; when an assignment fails, the next person is tried',
		defaults: { name: 'Assign' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [...(platformCredentials ?? []), redisStoreCredential],
		properties: [
			platformProperty,
			...authenticationProperties,
			{
				displayName: 'Assign To',
				name: 'mode',
				type: 'options',
				default: 'autoAssign',
				options: [
					{
						name: 'Auto-Assign',
						value: 'autoAssign',
						description: 'The next available person by round robin or least busy',
					},
					{
						name: 'Specific User',
						value: 'specificUser',
						description: 'A person you choose; others are tried if that fails',
					},
				],
				description: 'How the person who takes over is chosen',
			},
			{
				displayName: 'User Name or ID',
				name: 'userId',
				type: 'options',
				typeOptions: {
					loadOptionsMethod: 'getUsers',
					loadOptionsDependsOn: ['platform', 'authentication'],
				},
				default: '',
				required: true,
				displayOptions: { show: { mode: ['specificUser'] } },
				description:
					'The HighLevel user or Chatwoot agent to assign. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Fall Back to Others',
				name: 'fallbackToOthers',
				type: 'boolean',
				default: true,
				displayOptions: { show: { mode: ['specificUser'] } },
				description:
					'Whether to assign someone else, chosen by Strategy among Candidates, when this user cannot be assigned (deleted, removed from the account, refused)',
			},
			...forChoosingOthers({
				displayName: 'Strategy',
				name: 'strategy',
				type: 'options',
				default: 'roundRobin',
				options: [
					{
						name: 'Round Robin',
						value: 'roundRobin',
						description: 'Each handover goes to the next person in turn',
					},
					{
						name: 'Least Busy',
						value: 'leastBusy',
						description:
							'The person with the fewest handovers assigned by this node (counted in the State Store); ties take turns',
					},
				],
				description: 'How the next person is chosen among the candidates',
			}),
			...forChoosingOthers({
				displayName: 'Candidates',
				name: 'candidates',
				type: 'options',
				default: 'allUsers',
				displayOptions: { show: { platform: ['highlevel'] } },
				options: [
					{
						name: 'All Users',
						value: 'allUsers',
						description: 'Every active user of the sub-account',
					},
					{ name: 'Chosen Users', value: 'chosenUsers', description: 'Only the users you choose' },
				],
				description: 'Who may be assigned; deleted users are always skipped',
			}),
			...forChoosingOthers({
				displayName: 'Candidates',
				name: 'candidates',
				type: 'options',
				default: 'allUsers',
				displayOptions: { show: { platform: ['chatwoot'] } },
				options: [
					{ name: 'All Agents', value: 'allUsers', description: 'Every agent of the account' },
					{
						name: 'Chosen Agents',
						value: 'chosenUsers',
						description: 'Only the agents you choose',
					},
					{ name: 'Team', value: 'team', description: 'The members of a Chatwoot team' },
				],
				description:
					'Who may be assigned; listing agents needs a user access token, not a bot token',
			}),
			...forChoosingOthers({
				displayName: 'User Names or IDs',
				name: 'chosenUsers',
				type: 'multiOptions',
				typeOptions: {
					loadOptionsMethod: 'getUsers',
					loadOptionsDependsOn: ['platform', 'authentication'],
				},
				default: [],
				required: true,
				displayOptions: { show: { candidates: ['chosenUsers'] } },
				description:
					'The people to assign among, in turn. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			}),
			...forChoosingOthers({
				displayName: 'Team Name or ID',
				name: 'teamId',
				type: 'options',
				typeOptions: {
					loadOptionsMethod: 'getTeams',
					loadOptionsDependsOn: ['platform', 'authentication'],
				},
				default: '',
				required: true,
				displayOptions: { show: { platform: ['chatwoot'], candidates: ['team'] } },
				description:
					'The Chatwoot team whose members take turns. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			}),
			...subjectProperties,
			...stateStoreProperties,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Business Hours',
						name: 'businessHours',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add Opening Hours',
						default: {},
						description:
							'When the team is in. Outside these hours the conversation is still assigned (the person finds it on return), the result says available: false with the next opening, and Send Message uses its away text. Empty: always open.',
						options: [
							{
								displayName: 'Hours',
								name: 'hours',
								values: [
									{
										displayName: 'Days',
										name: 'days',
										type: 'options',
										default: 'weekdays',
										options: [
											{ name: 'Every Day', value: 'everyDay' },
											{ name: 'Friday', value: 'friday' },
											{ name: 'Monday', value: 'monday' },
											{ name: 'Saturday', value: 'saturday' },
											{ name: 'Sunday', value: 'sunday' },
											{ name: 'Thursday', value: 'thursday' },
											{ name: 'Tuesday', value: 'tuesday' },
											{ name: 'Wednesday', value: 'wednesday' },
											{ name: 'Weekdays (Monday to Friday)', value: 'weekdays' },
											{ name: 'Weekend', value: 'weekend' },
										],
									},
									{
										displayName: 'From',
										name: 'from',
										type: 'string',
										default: '09:00',
										placeholder: '09:00',
										description: 'Opening time, 24-hour clock',
									},
									{
										displayName: 'To',
										name: 'to',
										type: 'string',
										default: '17:00',
										placeholder: '17:00',
										description:
											'Closing time, 24-hour clock (24:00 for midnight); a night shift is two lines split at midnight',
									},
								],
							},
						],
					},
					{
						displayName: 'Only Available Agents',
						name: 'onlyAvailable',
						type: 'boolean',
						default: true,
						description:
							'Whether Chatwoot agents whose status is offline are skipped (HighLevel users have no status; deleted users are always skipped). When every agent is offline, the conversation goes to whom it would have gone and the result says available: false.',
					},
					{
						displayName: 'Time Zone',
						name: 'timeZone',
						type: 'string',
						default: '',
						placeholder: 'Europe/Madrid',
						description: "The time zone of the Business Hours; the workflow's time zone when empty",
					},
				],
			},
		],
	};

	methods = { loadOptions: { getUsers, getTeams } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(
			this,
			'assign',
			async (itemIndex, item) => await assignItem(this, itemIndex, item),
		);
	}
}
