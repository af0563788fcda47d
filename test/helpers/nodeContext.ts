import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { transportContext } from './transportContext';

/** A parameter value, or a function of the item that stands for an expression like `{{ $json.x }}`. */
export type ParameterValue = unknown | ((item: IDataObject) => unknown);

export interface NodeContextOptions {
	items: IDataObject[];
	parameters: Record<string, ParameterValue>;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	nodeName?: string;
}

/**
 * An n8n execute context for running a node's `execute` in a test: input items, parameters read
 * per item (a function parameter is evaluated against the item, as n8n evaluates an expression),
 * and real HTTP to the contract fakes through the credential (see transportContext).
 */
export function nodeContext(options: NodeContextOptions) {
	const context = transportContext({
		credentials: options.credentials,
		node: { name: options.nodeName ?? 'Node Under Test' },
	});
	const items: INodeExecutionData[] = options.items.map((json) => ({ json }));
	context.getInputData.mockReturnValue(items);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	(context.getNodeParameter as jest.Mock).mockImplementation(
		(name: string, itemIndex: number, fallback?: unknown) => {
			if (!(name in options.parameters)) return fallback;
			const value = options.parameters[name];
			return typeof value === 'function'
				? (value as (item: IDataObject) => unknown)(options.items[itemIndex])
				: value;
		},
	);
	return context;
}

/** A HandoverEvent as the detector emits it, with fields overridden. */
export function handoverEvent(fields: IDataObject = {}): IDataObject {
	return {
		handoverId: '5b6f3c2e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
		reason: 'contact_request',
		evidence: 'can i talk to a human',
		platform: 'highlevel',
		conversationId: 'conv-1',
		contactId: 'contact-1',
		locationId: 'loc-1',
		channel: 'SMS',
		contact: { name: 'Ana Lima', phone: '+15550001111', email: 'ana@example.com' },
		message: 'Can I talk to a human?',
		botReply: '',
		transcript: [
			{
				role: 'user',
				text: 'Is the house on Oak Street available?',
				at: '2026-11-25T10:00:00.000Z',
			},
			{ role: 'bot', text: 'Yes, from March.', at: '2026-11-25T10:00:01.000Z' },
			{ role: 'user', text: 'Can I talk to a human?', at: '2026-11-25T10:01:00.000Z' },
		],
		failedAttempts: 0,
		detectedAt: '2026-11-25T10:01:00.000Z',
		actions: {},
		...fields,
	};
}
