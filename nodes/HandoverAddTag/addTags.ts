import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { TagResult } from '../event/actionResults';
import { connectPlatform, type ActionPlatform } from '../platforms/platformList';
import { listParameter, subjectParameter } from '../shared/parameters';

/** Adds the tags (HighLevel) or labels (Chatwoot) without dropping the ones already there. */
export async function addTags(
	context: IExecuteFunctions,
	itemIndex: number,
	connect = connectPlatform,
): Promise<TagResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const tags = listParameter(context, 'tags', itemIndex);
	if (tags.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Tags is empty', {
			itemIndex,
			description: 'Enter at least one tag, e.g. human_handover',
		});
	}
	const adapter = await connect(context, platform, itemIndex);
	const subjectId = subjectParameter(context, adapter, itemIndex);
	const all = await adapter.addTags(subjectId, tags);
	return { platform, [adapter.descriptor.subject.field]: subjectId, added: tags, tags: all };
}
