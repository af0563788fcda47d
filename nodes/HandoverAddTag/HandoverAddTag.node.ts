import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	PLATFORM_NAME,
	authenticationProperties,
	subjectProperties,
	platformCredentials,
	platformProperty,
} from '../shared/properties';
import { runForEachItem } from '../shared/actionRunner';
import { addTags } from './addTags';

export class HandoverAddTag implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Add Tag',
		name: 'handoverAddTag',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{"Tag " + $parameter["tags"] + " on " + ${PLATFORM_NAME}}}`,
		description:
			'Tags the handed-over contact (HighLevel) or conversation (Chatwoot label), keeping existing tags',
		defaults: { name: 'Add Tag' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: platformCredentials,
		properties: [
			platformProperty,
			...authenticationProperties,
			...subjectProperties,
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: 'human_handover',
				required: true,
				description: 'Comma-separated tags to add; existing tags stay',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(this, 'tag', async (itemIndex) => await addTags(this, itemIndex));
	}
}
