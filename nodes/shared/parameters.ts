import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { PlatformAdapter } from '../platforms/platformAdapter';

/** A string parameter that must not be empty, with an error naming the field and the item. */
export function requiredString(
	context: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (text === '') {
		throw new NodeOperationError(context.getNode(), `${displayName} is empty`, {
			itemIndex,
			description: `Set "${displayName}", or connect this node after a Handover Detector whose event carries it (item ${itemIndex}).`,
		});
	}
	return text;
}

/** Comma- or newline-separated list parameter, trimmed, without empties and duplicates. */
export function listParameter(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
): string[] {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,\n]/);
	return [...new Set(parts.map((part) => part.trim()).filter((part) => part !== ''))];
}

/** A string parameter that may be empty: trimmed, '' when unset. */
export function optionalString(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * The id of what the platform's actions act on (HighLevel's Contact ID, Chatwoot's Conversation
 * ID), required and checked by the platform before any call.
 */
export function subjectParameter(
	context: IExecuteFunctions,
	adapter: PlatformAdapter,
	itemIndex: number,
): string {
	const { field, label } = adapter.descriptor.subject;
	const id = requiredString(context, field, label, itemIndex);
	adapter.checkSubjectId(id);
	return id;
}
