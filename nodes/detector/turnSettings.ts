/**
 * The detector's settings as the trigger nodes' parameters and credential give them. n8n appears
 * here as types only: nothing of n8n is loaded at run time.
 */
import type { ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { DetectorOptions } from '../engine/types';
import type { PayloadFormat } from '../platforms/inbound';
import type { WebhookAuthentication } from '../shared/webhookAuth';
import type { TurnSettings } from './turnHandler';

export interface TriggerOptions {
	confidenceThreshold?: number;
	coolDownMinutes?: number;
	detectionThreshold?: number;
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

export function detectorOptions(
	triggers: string[],
	options: TriggerOptions,
): Partial<DetectorOptions> {
	return {
		triggers: {
			contactRequest: triggers.includes('contactRequest'),
			lackOfInformation: triggers.includes('lackOfInformation'),
			failedToResolve: triggers.includes('failedToResolve'),
		},
		...(options.failedAttempts !== undefined && { failedAttempts: options.failedAttempts }),
		...(options.confidenceThreshold !== undefined && {
			confidenceThreshold: options.confidenceThreshold,
		}),
		...(options.coolDownMinutes !== undefined && { coolDownMinutes: options.coolDownMinutes }),
		...(options.detectionThreshold !== undefined && {
			detectionThreshold: options.detectionThreshold,
		}),
		...(options.transcriptLength !== undefined && { transcriptLength: options.transcriptLength }),
		extraPhrases: {
			contactRequest: phrases(options.contactRequestPhrases),
			lackOfInformation: phrases(options.lackOfInformationPhrases),
			failedToResolve: phrases(options.failedToResolvePhrases),
			success: phrases(options.successPhrases),
		},
	};
}

type ParameterSource =
	| (Pick<IWebhookFunctions, 'getNodeParameter' | 'getCredentials'> &
			Partial<Pick<IWebhookFunctions, 'getNode'>>)
	| (Pick<ITriggerFunctions, 'getNodeParameter' | 'getCredentials'> &
			Partial<Pick<ITriggerFunctions, 'getNode'>>);

/**
 * How long the webhook door keeps a credential's secret. n8n reads a credential from its database
 * on every call of the webhook: with many turns at once those reads hold n8n's few database
 * connections (two on PostgreSQL by default) long enough for n8n to fail its own database ping and
 * answer every request 503 "Database is not ready!". A changed secret takes effect within this time.
 */
export const SECRET_CACHE_MS = 10_000;

const secrets = new Map<string, { secret: string; until: number }>();

/**
 * The Handover Webhook Secret of the node's credential, read at most every SECRET_CACHE_MS (on the
 * monotonic clock: a wall-clock jump neither keeps a secret longer nor drops it early).
 */
async function webhookSecret(context: ParameterSource): Promise<string> {
	const now = performance.now();
	const credentialId = context.getNode?.()?.credentials?.handoverWebhookApi?.id;
	const cached = credentialId ? secrets.get(credentialId) : undefined;
	if (cached && cached.until > now) return cached.secret;
	const secret = (await context.getCredentials('handoverWebhookApi')).secret as string;
	if (credentialId) {
		for (const [id, entry] of secrets) if (entry.until <= now) secrets.delete(id);
		secrets.set(credentialId, { secret, until: now + SECRET_CACHE_MS });
	}
	return secret;
}

/** The turn settings from the node's parameters and credential (read per call or per activation). */
export async function turnSettings(context: ParameterSource): Promise<TurnSettings> {
	const getParameter = (name: string, fallback: unknown): unknown =>
		(context.getNodeParameter as (name: string, fallback: unknown) => unknown).call(
			context,
			name,
			fallback,
		);
	const authentication = getParameter('authentication', 'none') as WebhookAuthentication;
	const options = getParameter('options', {}) as TriggerOptions;
	const secret =
		authentication === 'none' || authentication === 'highlevelSignature'
			? undefined
			: await webhookSecret(context);
	return {
		auth: {
			authentication,
			secret,
			headerName: options.headerName,
			timestampToleranceSeconds: options.timestampToleranceSeconds,
			highlevelPublicKey: options.highlevelPublicKey,
		},
		format: getParameter('payloadFormat', 'auto') as PayloadFormat,
		inbound: { chatwoot: { ignoreOpenConversations: options.ignoreOpenConversations ?? true } },
		detector: detectorOptions(getParameter('triggers', []) as string[], options),
		pauseOnHandoverMs: (options.pauseOnHandoverMinutes ?? 0) * 60_000,
	};
}
