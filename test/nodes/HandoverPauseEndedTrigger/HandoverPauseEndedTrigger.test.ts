import { mock } from 'jest-mock-extended';
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { conversationKey } from '../../../nodes/conversation/conversationKey';
import { pauseConversation } from '../../../nodes/conversation/conversationState';
import { HandoverPauseEndedTrigger } from '../../../nodes/HandoverPauseEndedTrigger/HandoverPauseEndedTrigger.node';
import { tempStore } from '../../helpers/actionNodes';

const store = tempStore();
afterAll(async () => await store.close());

function pollContext(mode: 'trigger' | 'manual') {
	const context = mock<IPollFunctions>();
	const parameters: Record<string, unknown> = { stateStore: 'embedded', storeFile: store.file };
	context.getMode.mockReturnValue(mode);
	context.getNodeParameter.mockImplementation(((name: string) => parameters[name]) as never);
	(context.helpers as { returnJsonArray: unknown }).returnJsonArray = (items: IDataObject[]) =>
		items.map((json) => ({ json }));
	return context;
}

describe('Handover Pause Ended Trigger', () => {
	const node = new HandoverPauseEndedTrigger();

	it('starts one execution item per ended pause, once, and nothing while none has ended', async () => {
		const now = Date.now();
		const key = conversationKey('highlevel', 'loc-1', 'conv-1');
		await pauseConversation(await store.open(), key, new Date(now - 1000), new Date(now - 60_000), {
			contactId: 'contact-1',
		});

		const first = await node.poll.call(pollContext('trigger'));
		expect(first).toEqual([
			[
				{
					json: {
						platform: 'highlevel',
						conversationId: 'conv-1',
						locationId: 'loc-1',
						contactId: 'contact-1',
						pausedUntil: new Date(now - 1000).toISOString(),
					},
				},
			],
		]);
		await expect(node.poll.call(pollContext('trigger'))).resolves.toBeNull();
	});

	it('shows an example in a test run without taking any pause', async () => {
		const now = Date.now();
		const key = conversationKey('chatwoot', '3', '42');
		await pauseConversation(await store.open(), key, new Date(now - 1000), new Date(now - 60_000));
		const example = await node.poll.call(pollContext('manual'));
		expect(example?.[0][0].json).toMatchObject({ example: true });
		const real = await node.poll.call(pollContext('trigger'));
		expect(real?.[0].map((item) => item.json.conversationId)).toEqual(['42']);
	});
});
