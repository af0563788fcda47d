import {
	NodeOperationError,
	type IDataObject,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import type { TurnSettings } from '../detector/turnHandler';
import { turnSettings } from '../detector/turnSettings';
import { storeFromParameters } from '../shared/storeProvider';
import { startTurnListener, type TurnListener } from './turnListener';

export const DEFAULT_PORT = 5679;
/** This host only: reaching the port from elsewhere is a choice the user makes (Listen Address). */
export const DEFAULT_LISTEN_ADDRESS = '127.0.0.1';

function listenParameters(context: ITriggerFunctions) {
	const port = context.getNodeParameter('port', DEFAULT_PORT) as number;
	if (!Number.isInteger(port) || port < 1 || port > 65535) {
		throw new NodeOperationError(context.getNode(), `Port ${String(port)} is not a TCP port`, {
			description: 'Set Port to a whole number from 1 to 65535 that no other program uses',
		});
	}
	const host =
		(context.getNodeParameter('listenAddress', DEFAULT_LISTEN_ADDRESS) as string).trim() ||
		DEFAULT_LISTEN_ADDRESS;
	const path = context.getNodeParameter('path', 'handover') as string;
	if (/[?#\s]/.test(path)) {
		throw new NodeOperationError(context.getNode(), `Path "${path}" is not a URL path`, {
			description: 'Use letters, digits, "-", "_" and "/" only, e.g. handover',
		});
	}
	return { port, host, path };
}

function bindError(
	context: ITriggerFunctions,
	error: unknown,
	where: { host: string; port: number },
): NodeOperationError {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const manual = context.getMode() === 'manual';
	if (code === 'EADDRINUSE') {
		return new NodeOperationError(
			context.getNode(),
			manual
				? `Port ${where.port} is in use (is the workflow active?): deactivate it to test, or send a turn to the active workflow`
				: `Port ${where.port} on ${where.host} is in use by another program or workflow`,
			{
				description:
					'Each Handover Detector (Dedicated Port) needs a port of its own: choose another Port',
			},
		);
	}
	if (code === 'EACCES') {
		return new NodeOperationError(
			context.getNode(),
			`Not allowed to listen on port ${where.port}`,
			{
				description: 'Ports below 1024 need extra rights: choose a Port from 1024 up',
			},
		);
	}
	if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
		return new NodeOperationError(context.getNode(), `Cannot listen on address ${where.host}`, {
			description:
				'Listen Address must be an address of this host: 127.0.0.1 for this host only, 0.0.0.0 for every interface',
		});
	}
	return new NodeOperationError(context.getNode(), error as Error, {
		message: `Cannot listen on ${where.host}:${where.port}`,
	});
}

/**
 * A port of its own is reachable without n8n's login in front of it: with Authentication None
 * anyone who reaches it could start handovers, so that takes the user's word that something else
 * (a reverse proxy with authentication, a private network) checks the callers.
 */
function refuseUnauthenticated(context: ITriggerFunctions, settings: TurnSettings): void {
	if (settings.auth.authentication !== 'none') return;
	if (context.getNodeParameter('behindOwnAuthentication', false) === true) return;
	throw new NodeOperationError(
		context.getNode(),
		'Authentication is None: the Handover Detector (Dedicated Port) does not listen without it',
		{
			description:
				"Choose an Authentication (Header Token, HMAC-SHA256 or your platform's signature), or, if a reverse proxy with authentication or a private network already checks every caller, turn on 'I Run It Behind My Own Authentication'",
		},
	);
}

/**
 * Activation of the trigger: reads parameters, credential and store once, then answers every turn
 * on its own port. Only a handover reaches n8n, as one emitted item that starts an execution.
 */
export async function startListening(context: ITriggerFunctions): Promise<ITriggerResponse> {
	const where = listenParameters(context);
	const settings = await turnSettings(context);
	refuseUnauthenticated(context, settings);
	const store = await storeFromParameters(context);

	let listener: TurnListener;
	try {
		listener = await startTurnListener({
			...where,
			settings,
			store,
			// `context.emit` is looked up per handover: in a manual run n8n replaces it after activation.
			onHandover: (event) =>
				context.emit([context.helpers.returnJsonArray([event as unknown as IDataObject])]),
			onError: (error) =>
				context.logger.error(
					`Handover Detector (Dedicated Port) on port ${where.port}: ${(error as Error)?.message ?? String(error)}`,
					{ error, nodeName: context.getNode().name },
				),
		});
	} catch (error) {
		throw bindError(context, error, where);
	}
	context.logger.info(`Handover Detector (Dedicated Port) answers turns on ${listener.url}`);
	return { closeFunction: async () => await listener.close() };
}
