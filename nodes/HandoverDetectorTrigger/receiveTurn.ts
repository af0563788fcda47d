import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { handleTurn } from '../detector/turnHandler';
import { turnSettings } from '../detector/turnSettings';
import { storeFromParameters } from '../shared/storeProvider';

/**
 * One call of the n8n webhook: answered at once by writing the response ourselves, and an
 * execution only for a handover.
 */
export async function receiveTurn(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = context.getRequestObject();
	const settings = await turnSettings(context);
	const store = await storeFromParameters(context);
	const outcome = await handleTurn(settings, store, {
		headers: request.headers,
		// n8n keeps the exact bytes received: signatures are over those, and the detector reads
		// them itself so that this door and the dedicated port take the same bodies.
		rawBody: request.rawBody ?? Buffer.from(JSON.stringify(request.body ?? {})),
	});
	context.getResponseObject().status(outcome.status).json(outcome.answer);
	if (outcome.event === undefined) return { noWebhookResponse: true };
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: outcome.event as unknown as IDataObject }]],
	};
}
