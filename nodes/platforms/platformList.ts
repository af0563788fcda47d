/**
 * The platforms the action nodes work on, in the order the Platform dropdown shows them. The
 * dropdown and the node credentials are derived from this list (shared/properties.ts); adding a
 * platform is its folder here plus an entry below.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { CHATWOOT_PLATFORM, connectChatwoot, type ChatwootAccess } from './chatwoot/adapter';
import { HIGHLEVEL_PLATFORM, connectHighLevel, type HighLevelAccess } from './highlevel/adapter';

export type { ChatwootAccess, HighLevelAccess };

/** A platform's access: its client, the scope of its state, its people and links. */
export type PlatformAccess = HighLevelAccess | ChatwootAccess;

export type ActionPlatform = PlatformAccess['platform'];

type Context = IExecuteFunctions | ILoadOptionsFunctions;

export interface PlatformEntry {
	id: ActionPlatform;
	/** The name users see: "HighLevel". */
	name: string;
	/** The n8n credential type that authenticates its calls. */
	credentialType: string;
	connect: (context: Context, itemIndex?: number) => Promise<PlatformAccess>;
}

export const PLATFORMS: readonly PlatformEntry[] = [
	{ ...HIGHLEVEL_PLATFORM, connect: connectHighLevel },
	{ ...CHATWOOT_PLATFORM, connect: connectChatwoot },
];

export function platformEntry(platform: ActionPlatform): PlatformEntry {
	const entry = PLATFORMS.find((candidate) => candidate.id === platform);
	if (!entry) throw new Error(`Unknown platform "${String(platform)}"`);
	return entry;
}

/** The access of the chosen platform, over the package transport and the node's credential. */
export async function platformAccess(
	context: Context,
	platform: ActionPlatform,
	itemIndex?: number,
): Promise<PlatformAccess> {
	return await platformEntry(platform).connect(context, itemIndex);
}
