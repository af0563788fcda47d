import { randomUUID } from 'node:crypto';

import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { detectHandover, isBotPaused } from '../engine/detectHandover';
import type { DetectionResult, DetectorOptions } from '../engine/types';
import { parseInbound, type PayloadFormat } from '../platforms/inbound';
import { buildHandoverEvent, type WebhookAnswer } from '../shared/handoverEvent';
import { MEMORY_TTL_MS, storeFromParameters } from '../shared/storeProvider';
import { verifyWebhook, type WebhookAuthentication } from '../shared/webhookAuth';
import { conversationKey } from '../store/conversationKey';

interface TriggerOptions {
	confidenceThreshold?: number;
	coolDownMinutes?: number;
	contactRequestPhrases?: string;
	lackOfInformationPhrases?: string;
	failedToResolvePhrases?: string;
	successPhrases?: string;
	failedAttempts?: number;
	headerName?: string;
	highlevelPublicKey?: string;
	ignoreOpenConversations?: boolean;
	pauseOnHandoverMinutes?: number;
	timestampToleranceSeconds?: number;
	transcriptLength?: number;
}

const phrases = (list: string | undefined) =>
	(list ?? '')
		.split(',')
		.map((phrase) => phrase.trim())
		.filter((phrase) => phrase !== '');

function detectorOptions(triggers: string[], options: TriggerOptions): Partial<DetectorOptions> {
	return {
		triggers: {
			contactRequest: triggers.includes('contactRequest'),
			lackOfInformation: triggers.includes('lackOfInformation'),
			failedToResolve: triggers.includes('failedToResolve'),
		},
		...(options.failedAttempts !== undefined && { failedAttempts: options.failedAttempts }),
		...(options.confidenceThreshold !== undefined && { confidenceThreshold: options.confidenceThreshold }),
		...(options.coolDownMinutes !== undefined && { coolDownMinutes: options.coolDownMinutes }),
		...(options.transcriptLength !== undefined && { transcriptLength: options.transcriptLength }),
		extraPhrases: {
			contactRequest: phrases(options.contactRequestPhrases),
			lackOfInformation: phrases(options.lackOfInformationPhrases),
			failedToResolve: phrases(options.failedToResolvePhrases),
			success: phrases(options.successPhrases),
		},
	};
}

function answer(context: IWebhookFunctions, status: number, body: object): void {
	context.getResponseObject().status(status).json(body);
}

/**
 * One webhook call: verify, parse, detect in one atomic store update, answer the caller at once,
 * and start an execution only for a handover.
 */
export async function receiveTurn(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const request = context.getRequestObject();
	const authentication = context.getNodeParameter('authentication', 'none') as WebhookAuthentication;
	const options = context.getNodeParameter('options', {}) as TriggerOptions;

	const secret =
		authentication === 'none' || authentication === 'highlevelSignature'
			? undefined
			: ((await context.getCredentials('handoverWebhookApi')).secret as string);
	// n8n keeps the exact bytes received; signatures are over those, not over re-serialised JSON.
	const rawBody: Buffer = request.rawBody ?? Buffer.from(JSON.stringify(request.body ?? {}));
	const auth = verifyWebhook(
		{
			authentication,
			secret,
			headerName: options.headerName,
			timestampToleranceSeconds: options.timestampToleranceSeconds,
			highlevelPublicKey: options.highlevelPublicKey,
		},
		request.headers,
		rawBody,
	);
	if (!auth.ok) {
		answer(context, auth.status, { error: auth.error });
		return { noWebhookResponse: true };
	}

	const format = context.getNodeParameter('payloadFormat', 'auto') as PayloadFormat;
	const parsed = parseInbound(context.getBodyData(), format, {
		chatwoot: { ignoreOpenConversations: options.ignoreOpenConversations ?? true },
	});
	if (!parsed.ok) {
		answer(context, 400, { error: parsed.error });
		return { noWebhookResponse: true };
	}
	if ('ignore' in parsed) {
		const ignored: WebhookAnswer = {
			handover: false,
			reason: null,
			handoverId: null,
			botPaused: false,
			pausedUntil: null,
			ignored: parsed.ignore,
		};
		answer(context, 200, ignored);
		return { noWebhookResponse: true };
	}

	const turn = parsed.turn;
	const triggers = context.getNodeParameter('triggers', []) as string[];
	const detector = detectorOptions(triggers, options);
	const pauseMs = (options.pauseOnHandoverMinutes ?? 0) * 60_000;
	const store = await storeFromParameters(context);
	const now = new Date();
	const handoverId = randomUUID();

	const result = await store.updateConversation(
		conversationKey(turn.platform, turn.locationId ?? turn.accountId, turn.conversationId),
		(memory) => {
			const detection = detectHandover(turn, memory, detector, now);
			if (detection.handover) {
				detection.memory.lastHandoverId = handoverId;
				if (pauseMs > 0) detection.memory.pausedUntil = new Date(now.getTime() + pauseMs).toISOString();
			}
			return { memory: detection.memory, result: detection };
		},
		MEMORY_TTL_MS,
	);

	answer(context, 200, webhookAnswer(result, handoverId, now));
	if (!result.handover) return { noWebhookResponse: true };

	const event = buildHandoverEvent(turn, result, handoverId, now);
	return {
		noWebhookResponse: true,
		workflowData: [[{ json: event as unknown as IDataObject }]],
	};
}

function webhookAnswer(result: DetectionResult, handoverId: string, now: Date): WebhookAnswer {
	const paused = isBotPaused(result.memory, now);
	return {
		handover: result.handover,
		reason: result.reason,
		handoverId: result.handover ? handoverId : null,
		botPaused: paused,
		pausedUntil: paused ? (result.memory.pausedUntil ?? null) : null,
		...(result.suppressed !== undefined && { suppressed: result.suppressed }),
	};
}
