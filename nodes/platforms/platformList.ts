/**
 * The platforms the action nodes work on, in the order the Platform dropdown shows them. The
 * dropdown, the node credentials and the fields each platform shows are derived from this list
 * (shared/properties.ts); adding a platform is its folder here plus an entry below.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { CHATWOOT_PLATFORM, connectChatwoot } from './chatwoot/adapter';
import { HIGHLEVEL_PLATFORM, connectHighLevel } from './highlevel/adapter';
import { ParameterProblem, type PlatformAdapter, type PlatformDescriptor } from './platformAdapter';

/** The Platform parameter's value. */
export type ActionPlatform = string;

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** Opens the chosen platform for one item: its adapter over the node's credential. */
export type ConnectPlatform = (
	context: Context,
	platform: ActionPlatform,
	itemIndex?: number,
) => Promise<PlatformAdapter>;

export interface PlatformEntry extends PlatformDescriptor {
	connect: (context: Context, itemIndex?: number) => Promise<PlatformAdapter>;
}

export const PLATFORMS: readonly PlatformEntry[] = [
	{ ...HIGHLEVEL_PLATFORM, connect: connectHighLevel },
	{ ...CHATWOOT_PLATFORM, connect: connectChatwoot },
];

export function platformEntry(platform: ActionPlatform): PlatformEntry {
	const entry = PLATFORMS.find((candidate) => candidate.id === platform);
	if (!entry) {
		throw new ParameterProblem(
			`Unknown platform "${String(platform)}"`,
			`Set Platform to one of ${PLATFORMS.map((p) => p.name).join(', ')}`,
		);
	}
	return entry;
}

/** The chosen platform's adapter, over the package transport and the node's credential. */
export const connectPlatform: ConnectPlatform = async (context, platform, itemIndex) =>
	await platformEntry(platform).connect(context, itemIndex);
