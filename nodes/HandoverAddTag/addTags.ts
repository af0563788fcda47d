import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { TagResult } from '../event/actionResults';
import { platformAccess, type ActionPlatform } from '../platforms/platformList';
import { listParameter, requiredString } from '../shared/parameters';

/** Adds the tags without dropping existing ones: HighLevel adds; Chatwoot labels are merged. */
export async function addTags(context: IExecuteFunctions, itemIndex: number): Promise<TagResult> {
	const platform = context.getNodeParameter('platform', itemIndex) as ActionPlatform;
	const tags = listParameter(context, 'tags', itemIndex);
	if (tags.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Tags is empty', {
			itemIndex,
			description: 'Enter at least one tag, e.g. human_handover',
		});
	}
	const access = await platformAccess(context, platform, itemIndex);
	if (access.platform === 'highlevel') {
		const contactId = requiredString(context, 'contactId', 'Contact ID', itemIndex);
		const result = await access.client.addTags(contactId, tags);
		return { platform, contactId, added: tags, tags: result.tags };
	}
	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	const result = await access.client.addLabels(conversationId, tags);
	return { platform, conversationId, added: tags, tags: result.labels };
}
