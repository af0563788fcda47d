import {
	NodeHelpers,
	type IDataObject,
	type INode,
	type INodeParameters,
	type INodeTypeDescription,
} from 'n8n-workflow';

import type { ParameterValue } from './nodeContext';

/**
 * A `={{ … }}` default as a function of the item, as n8n evaluates it. The package's defaults are
 * plain JavaScript over `$json`, so evaluating them here proves that the defaults themselves work.
 */
function asTestValue(value: unknown): ParameterValue {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const match = /^=\{\{([\s\S]*)\}\}$/.exec(value.trim());
	if (!match) return value.slice(1);
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
