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

const listenerProperties: INodeProperties[] = [
	{
		displayName:
			"Answers each turn on its own port (http://<host>:<port>/<path>), faster than the n8n webhook URL because turns that do not hand over never enter n8n's webhook pipeline; only handovers start an execution. Put it behind your reverse proxy / open the port. While the workflow is active it holds the port: deactivate it to test in the editor.",
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
			'Address to listen on: 0.0.0.0 for every network interface; use 127.0.0.1 behind a reverse proxy on the same host',
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
		properties: [...listenerProperties, ...detectionProperties],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return await startListening(this);
	}
}
