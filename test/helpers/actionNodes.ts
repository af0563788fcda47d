/**
 * Running an action node's `execute` the way n8n would with the node's own defaults, against the
 * contract fakes and a temp SQLite store. Shared by the action-node tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { getStore } from '../../nodes/shared/storeProvider';
import type { HandoverStore } from '../../nodes/store/HandoverStore';
import type { ChatwootFake } from '../fakes/chatwoot/ChatwootFake';
import type { HighLevelFake } from '../fakes/highlevel/HighLevelFake';
import { handoverEvent, nodeContext, type ParameterValue } from './nodeContext';
import { defaultParameters as parametersFromDefaults } from './nodeDefaults';

/** The node's parameters as n8n stores them when a user sets only `overrides` (see nodeDefaults). */
export function defaultParameters(
	node: INodeType,
	overrides: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> {
	return parametersFromDefaults(node.description, overrides);
}

export const HIGHLEVEL_LOCATION = 'loc-1';
export const CHATWOOT_ACCOUNT = 3;
export const CHATWOOT_CONVERSATION = 13098;

export function highLevelCredentials(
	fake: HighLevelFake,
	token = fake.token,
): Record<string, ICredentialDataDecryptedObject> {
	return {
		highLevelPrivateIntegrationApi: {
			accessToken: token,
			locationId: fake.locationId,
			baseUrl: fake.baseUrl,
		},
	};
}

export function chatwootCredentials(
	fake: ChatwootFake,
	token = fake.token,
): Record<string, ICredentialDataDecryptedObject> {
	return {
		chatwootApi: {
			baseUrl: fake.baseUrl,
			accountId: String(fake.accountId),
			apiAccessToken: token,
		},
	};
}

/** The detector's event for the HighLevel contact seeded by the tests. */
export function highLevelEvent(fields: IDataObject = {}): IDataObject {
	return handoverEvent({ locationId: HIGHLEVEL_LOCATION, ...fields });
}

/** The detector's event for a Chatwoot conversation, as its inbound parser builds it. */
export function chatwootEvent(fields: IDataObject = {}): IDataObject {
	const { locationId: _location, ...event } = handoverEvent({
		platform: 'chatwoot',
		conversationId: String(CHATWOOT_CONVERSATION),
		contactId: '52870',
		accountId: String(CHATWOOT_ACCOUNT),
		channel: 'Channel::WebWidget',
		...fields,
	});
	return event;
}

export interface RunOptions {
	items: IDataObject[];
	parameters: Record<string, ParameterValue>;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	nodeName?: string;
	timezone?: string;
	executionId?: string;
}

/** Runs the node's execute as n8n would and returns its single output. */
export async function runNode(node: INodeType, options: RunOptions): Promise<INodeExecutionData[]> {
	const context = nodeContext(options);
	context.getTimezone.mockReturnValue(options.timezone ?? 'UTC');
	context.getExecutionId.mockReturnValue(options.executionId ?? 'execution-1');
	const output = await node.execute!.call(context);
	expect(output).toHaveLength(1);
	return (output as INodeExecutionData[][])[0];
}

/** A fresh SQLite store file per test file; `close` closes it and removes the folder. */
export function tempStore(): {
	file: string;
	open: () => Promise<HandoverStore>;
	close: () => Promise<void>;
} {
	const dir = mkdtempSync(join(tmpdir(), 'handover-action-'));
	const file = join(dir, 'store.sqlite');
	const open = async () => await getStore({ kind: 'embedded', filePath: file });
	return {
		file,
		open,
		close: async () => {
			// Opening a store only to close it would cost a test that never used one.
			if (existsSync(file)) await (await open()).close();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** ISO time `hours` from `from`, to compare due dates and pauses within a tolerance. */
export function msUntil(iso: unknown, from = Date.now()): number {
	return Date.parse(String(iso)) - from;
}

/** The error a run fails with; fails the test when it succeeds. */
export async function failureOf(run: Promise<unknown>): Promise<Error> {
	const outcome = await run.then(
		() => undefined,
		(error: Error) => error,
	);
	if (!outcome) throw new Error('expected the run to fail, but it succeeded');
	return outcome;
}
