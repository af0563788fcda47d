/** Workflow JSON and HTTP helpers shared by the e2e tests, the demo and the webhook benchmark. */
import { signBody } from '../../nodes/shared/webhookAuth';
import type { N8nInstance, WorkflowJson } from './harness/n8n';

export const PACKAGE_NAME = 'n8n-nodes-human-handover';

interface NodeOverrides {
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** A detector trigger node → No Operation. */
function triggerThenNoOp(name: string, id: string, trigger: Record<string, unknown>): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: `${id}-detector`,
				name: 'Handover Detector',
				typeVersion: 1,
				position: [0, 0],
				...trigger,
			},
			{
				id: `${id}-noop`,
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: {
			'Handover Detector': { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Handover Detector (n8n webhook on `path`) → No Operation. */
export function detectorWorkflow(
	name: string,
	path: string,
	detector: NodeOverrides = {},
): WorkflowJson {
	return triggerThenNoOp(name, path, {
		type: `${PACKAGE_NAME}.handoverDetectorTrigger`,
		webhookId: `${path}-webhook-id`,
		parameters: { path, ...detector.parameters },
		...(detector.credentials && { credentials: detector.credentials }),
	});
}

/**
 * Handover Detector (Dedicated Port) on `port`/`path` → No Operation, on its default Listen Address
 * (127.0.0.1). It starts only with an Authentication, or with None and the explicit opt-in
 * (`behindOwnAuthentication: true`).
 */
export function listenerWorkflow(
	name: string,
	port: number,
	path: string,
	detector: NodeOverrides = {},
): WorkflowJson {
	return triggerThenNoOp(name, `${path}-listener`, {
		type: `${PACKAGE_NAME}.handoverDetectorListenerTrigger`,
		parameters: { port, path, ...detector.parameters },
		...(detector.credentials && { credentials: detector.credentials }),
	});
}

export interface JsonResponse {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

export async function post(
	url: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<JsonResponse> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = { raw: text };
	}
	return { status: res.status, json };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Credential entry of an action node for a credential created over REST. */
export type CredentialRef = { id: string; name: string };

/** The package's nodes that take no platform credential: the detectors and the Check. */
const takesNoPlatformCredential = (type: string) =>
	type.endsWith('Trigger') || type === `${PACKAGE_NAME}.handoverCheck`;

/**
 * A template from `examples/` with the given credential set on every action node (as a user does
 * after importing it), parameters overridden per node name, and credentials of other node types
 * (e.g. `{ '@n8n/n8n-nodes-langchain.lmChatOpenAi': { openAiApi: … } }`) set by type.
 */
export function templateWithCredentials(
	template: WorkflowJson,
	credentials: Record<string, CredentialRef>,
	overrides: Record<string, Record<string, unknown>> = {},
	credentialsByType: Record<string, Record<string, CredentialRef>> = {},
): WorkflowJson {
	const nodes = (template.nodes as Array<Record<string, unknown>>).map((node) => {
		const type = String(node.type);
		const isAction = type.startsWith(`${PACKAGE_NAME}.`) && !takesNoPlatformCredential(type);
		const own = isAction ? credentials : credentialsByType[type];
		return {
			...node,
			parameters: { ...(node.parameters as object), ...overrides[String(node.name)] },
			...(own && { credentials: own }),
		};
	});
	return { ...template, nodes };
}

/** The node type of the templates' detector. */
export const DETECTOR_TYPE = `${PACKAGE_NAME}.handoverDetectorTrigger`;

/**
 * A Handover Webhook Secret credential, and the `credentialsByType` of `templateWithCredentials`
 * that gives it to a template's detector: the templates ship with Authentication set (Header
 * Token on HighLevel, Chatwoot Signature on Chatwoot), so a caller must send the secret.
 */
export async function webhookSecretForTemplates(
	n8n: Pick<N8nInstance, 'rest'>,
	secret: string,
): Promise<Record<string, Record<string, CredentialRef>>> {
	const { id, name } = await n8n.rest<CredentialRef>('POST', '/credentials', {
		name: 'Handover Webhook Secret',
		type: 'handoverWebhookApi',
		data: { secret },
	});
	return { [DETECTOR_TYPE]: { handoverWebhookApi: { id, name } } };
}

/** The header of Authentication Header Token (its default name). */
export const tokenHeader = (secret: string) => ({ 'x-handover-token': secret });

/**
 * The headers Chatwoot signs a webhook with: `X-Chatwoot-Timestamp` (Unix seconds) and
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`, for the body `post`
 * sends (`JSON.stringify(body)`).
 */
export function chatwootSignature(secret: string, body: unknown): Record<string, string> {
	const timestamp = String(Math.floor(Date.now() / 1000));
	return {
		'x-chatwoot-timestamp': timestamp,
		'x-chatwoot-signature': `sha256=${signBody(secret, timestamp, JSON.stringify(body))}`,
	};
}
