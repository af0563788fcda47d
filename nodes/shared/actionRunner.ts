import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import type { ActionKey, ActionResultOf, HandoverActions } from '../event/actionResults';
import { ParameterProblem } from '../platforms/platformAdapter';

/** Turns item `itemIndex` (a HandoverEvent or any item) into this action's result. */
export type ItemAction<K extends ActionKey> = (
	itemIndex: number,
	item: IDataObject,
) => Promise<ActionResultOf<K>>;

function withResult<K extends ActionKey>(
	item: IDataObject,
	key: K,
	result: HandoverActions[K],
): IDataObject {
	const actions = (item.actions as IDataObject | undefined) ?? {};
	return { ...item, actions: { ...actions, [key]: result } };
}

/**
 * The one item loop of the package (STYLE.md #2): every input item goes through the action, the
 * event is passed on with the result under `actions.<key>`, every output item is paired with its
 * input, and with "Continue On Fail" a failed item is passed on with its error instead of stopping.
 */
export async function runForEachItem<K extends ActionKey>(
	context: IExecuteFunctions,
	key: K,
	action: ItemAction<K>,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const item = items[itemIndex].json;
		try {
			const result = await action(itemIndex, item);
			output.push({ json: withResult(item, key, result), pairedItem: { item: itemIndex } });
		} catch (thrown) {
			const error =
				thrown instanceof ParameterProblem
					? new NodeOperationError(context.getNode(), thrown.message, {
							itemIndex,
							description: thrown.description,
						})
					: thrown;
			if (context.continueOnFail()) {
				const message = (error as Error).message;
				output.push({
					json: { ...withResult(item, key, { error: message }), error: message },
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			if (error instanceof NodeOperationError || error instanceof NodeApiError) {
				throw error;
			}
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
		}
	}
	return [output];
}
