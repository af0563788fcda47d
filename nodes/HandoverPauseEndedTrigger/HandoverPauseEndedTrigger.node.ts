import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { takeEndedPauses, type EndedPause } from '../conversation/pauseEnds';
import { redisStoreCredential, stateStoreProperties } from '../shared/storeProperties';
import { storeFromParameters } from '../shared/storeProvider';

/** What a test run in the editor shows: the shape of an item, touching no pause. */
const EXAMPLE: EndedPause & { example: true } = {
	example: true,
	platform: 'highlevel',
	conversationId: 'conversation-id',
	locationId: 'location-id',
	contactId: 'contact-id',
	pausedUntil: '2026-01-01T09:00:00.000Z',
};

export class HandoverPauseEndedTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Handover Pause Ended Trigger',
		name: 'handoverPauseEndedTrigger',
		icon: { light: 'file:handover.svg', dark: 'file:handover.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'When a bot pause ends',
		description:
			'Starts the workflow once for each conversation whose bot pause has ended on its own, so the platform can be told (e.g. Handover Pause Bot → Resume removes HighLevel’s pause tag)',
		defaults: { name: 'Pause Ended' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [redisStoreCredential],
		properties: [
			{
				displayName:
					'Each ended pause starts one execution, once, also with several n8n processes: use one such trigger per State Store, and the same store as the Handover Detector and Pause Bot.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			...stateStoreProperties,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// A test run in the editor must not take pauses that an active workflow should get.
		if (this.getMode() === 'manual') return [this.helpers.returnJsonArray([{ ...EXAMPLE }])];
		const store = await storeFromParameters(this);
		const ended = await takeEndedPauses(store, new Date());
		if (ended.length === 0) return null;
		return [this.helpers.returnJsonArray(ended.map((pause) => ({ ...pause })))];
	}
}
