import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { handleTurn, storeUnavailableOutcome, type TurnOutcome } from '../detector/turnHandler';
import { isStoreUnavailable } from '../store/StoreUnavailable';
import { turnSettings } from '../detector/turnSettings';
import { storeFromParameters } from '../shared/storeProvider';

/**
 * One call of the n8n webhook: answered at once by writing the response ourselves, and an
 * execution only for a handover.
 */
export async function receiveTurn(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = context.getRequestObject();
	const settings = await turnSettings(context);
	const outcome: TurnOutcome = await storeFromParameters(context).then(
		async (store) =>
			await handleTurn(settings, store, {
				headers: request.headers,
				// n8n keeps the exact bytes received: signatures are over those, and the detector reads
				// them itself so that this door and the dedicated port take the same bodies.
				rawBody: request.rawBody ?? Buffer.from(JSON.stringify(request.body ?? {})),
			}),
		(error: unknown) => {
			// Opening the store can time out too (Redis down): the same answer handleTurn gives for a
			// slow store.
			if (!isStoreUnavailable(error)) throw error;
			return storeUnavailableOutcome(error);
		},
	);
	if (outcome.logMessage) context.logger.warn(outcome.logMessage);
	const response = context.getResponseObject();
	for (const [name, value] of Object.entries(outcome.headers ?? {})) response.set(name, value);
	response.status(outcome.status).json(outcome.answer);
	if (outcome.event === undefined) return { noWebhookResponse: true };
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: outcome.event as unknown as IDataObject }]],
	};
}
