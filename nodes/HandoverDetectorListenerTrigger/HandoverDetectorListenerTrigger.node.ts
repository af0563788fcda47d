import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { detectionProperties, detectorCredentials } from '../detector/properties';
import { DEFAULT_LISTEN_ADDRESS, DEFAULT_PORT, startListening } from './startListening';

// No <host> or {port} placeholders in the notice: the editor drops them from the rendered text.
const listenerProperties: INodeProperties[] = [
	{
		displayName:
			"Answers each turn on a port of its own, e.g. http://127.0.0.1:5679/handover with the default Listen Address, Port and Path. Faster than the n8n webhook URL: turns that do not hand over never enter n8n's webhook pipeline, and only handovers start an execution. It listens on this host only unless you change Listen Address; put your reverse proxy in front of it. While the workflow is active it holds the port: deactivate it to test in the editor.",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Port',
		name: 'port',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 65535, numberPrecision: 0 },
		default: DEFAULT_PORT,
		required: true,
		description:
			'TCP port the turns are sent to; one port per Handover Detector (Dedicated Port) node',
	},
	{
		displayName: 'Listen Address',
		name: 'listenAddress',
		type: 'string',
		default: DEFAULT_LISTEN_ADDRESS,
		description:
			'127.0.0.1 takes turns from this host only: a reverse proxy or a bot on the same machine. Use 0.0.0.0 (every network interface) only when callers must reach the port from elsewhere, e.g. n8n in Docker with the port published, and then with an Authentication set.',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: 'handover',
		required: true,
		description:
			'The path turns are POSTed to, e.g. handover for http://host:5679/handover (GET handover/health answers {"ok":true})',
	},
];

/** Shown with Authentication None: listening without it takes this explicit choice. */
const behindOwnAuthentication: INodeProperties = {
	displayName: 'I Run It Behind My Own Authentication',
	name: 'behindOwnAuthentication',
	type: 'boolean',
	default: false,
	displayOptions: { show: { authentication: ['none'] } },
	description:
		'Whether a reverse proxy with authentication, a private network or a firewall already checks every caller of this port. Without it the node does not start with Authentication None, since anyone who reaches the port could start handovers.',
};

/** The detection settings, with the opt-in right below Authentication where it applies. */
function withAuthenticationOptIn(properties: INodeProperties[]): INodeProperties[] {
	const at = properties.findIndex((property) => property.name === 'authentication') + 1;
	return [...properties.slice(0, at), behindOwnAuthentication, ...properties.slice(at)];
}

export class HandoverDetectorListenerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Detector (Dedicated Port) Trigger',
		name: 'handoverDetectorListenerTrigger',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"POST :" + $parameter["port"] + "/" + $parameter["path"]}}',
		description:
			'Answers each chatbot turn on a port of its own and starts the workflow only when a human is needed; for high turn rates',
		defaults: { name: 'Handover Detector (Dedicated Port)' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: detectorCredentials,
		properties: [...listenerProperties, ...withAuthenticationOptIn(detectionProperties)],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await startListening(this);
	}
}
