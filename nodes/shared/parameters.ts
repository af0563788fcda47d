import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

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
