import {
	NodeHelpers,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { ParameterValue } from './nodeContext';

/**
 * `={{ <js> }}` defaults as functions of the item, the way n8n evaluates them. Enough for the
 * `$json.…` expressions these nodes use as defaults; anything else fails loudly.
 */
function asTestValue(value: unknown): ParameterValue {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const match = /^=\{\{\s*(\$json[\w.?]*)\s*\}\}$/.exec(value);
	if (!match) throw new Error(`nodeDefaults: cannot evaluate the default ${value}`);
	const evaluate = new Function('$json', `return (${match[1]});`) as (json: IDataObject) => unknown;
	return (item: IDataObject) => evaluate(item);
}

/** The parameters n8n shows for `values`: the ones set, and the defaults of the rest. */
export function shownParameters(
	description: INodeTypeDescription,
	values: INodeParameters,
): INodeParameters {
	const node: INode = {
		id: 'node-under-test',
		name: description.defaults.name ?? description.displayName,
		type: description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: values,
	};
	return (
		NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ??
		{}
	);
}

/**
 * The parameters of the node as n8n stores them when a user drops it on the canvas and sets only
 * `overrides` (n8n's own defaulting, display rules included), with expression defaults turned into
 * functions of the item. A test that runs the node with these proves that the description's
 * defaults make a working flow. Function overrides stand for expressions the user typed.
 */
export function defaultParameters(
	description: INodeTypeDescription,
	overrides: Record<string, ParameterValue> = {},
): Record<string, ParameterValue> {
	const plain = Object.fromEntries(
		Object.entries(overrides).filter(([, value]) => typeof value !== 'function'),
	) as INodeParameters;
	const parameters: Record<string, ParameterValue> = {};
	for (const [name, value] of Object.entries(shownParameters(description, plain))) {
		parameters[name] = asTestValue(value);
	}
	return { ...parameters, ...overrides };
}
