import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DeepMockProxy } from 'jest-mock-extended';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeParameters,
} from 'n8n-workflow';

import { conversationKey } from '../../../nodes/conversation/conversationKey';
import { HandoverAssign } from '../../../nodes/HandoverAssign/HandoverAssign.node';
import { getStore } from '../../../nodes/shared/storeProvider';
import type { HandoverStore } from '../../../nodes/store/HandoverStore';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import { handoverEvent, nodeContext, type ParameterValue } from '../../helpers/nodeContext';
import { transportContext } from '../../helpers/transportContext';
import { chatwootCredentials, highLevelCredentials } from '../../helpers/actionNodes';
import { defaultParameters, shownParameters } from '../../helpers/nodeDefaults';

const HL_TOKEN = 'pit-assign-token';
const LOCATION = 'loc-1';
const CW_TOKEN = 'chatwoot-assign-token';
const ACCOUNT = 7;

const node = new HandoverAssign();

let dir: string;
let storeFile: string;
let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;

interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	token?: string;
	keepHandoverIds?: boolean;
}

/** The node as a user drops it (defaults), with `parameters` changed and the test's store file. */
async function run(
	platform: 'highlevel' | 'chatwoot',
	parameters: Record<string, ParameterValue> = {},
	options: RunOptions = {},
): Promise<INodeExecutionData[]> {
	// Every run is a new handover unless the test keeps the ids: a re-run of one gets its result back.
	const given = options.items ?? (platform === 'highlevel' ? [handoverEvent()] : [chatwootEvent()]);
	const items = options.keepHandoverIds
		? given
		: given.map((item) => ({ ...item, handoverId: randomUUID() }));
	const context = nodeContext({
		items,
		parameters: defaultParameters(node.description, {
			platform,
			stateStore: 'embedded',
			storeFile,
			...parameters,
		}),
		credentials: {
			...highLevelCredentials(highLevel, options.token),
			...chatwootCredentials(chatwoot, options.token),
		},
		continueOnFail: options.continueOnFail,
	});
	const [output] = await node.execute.call(context);
	return output;
}

function chatwootEvent(fields: IDataObject = {}): IDataObject {
	return handoverEvent({
		platform: 'chatwoot',
		conversationId: '42',
		contactId: '142',
		locationId: undefined,
		accountId: String(ACCOUNT),
		channel: 'Channel::WebWidget',
		...fields,
	});
}

const assignOf = (item: INodeExecutionData) =>
	(item.json.actions as IDataObject).assign as IDataObject;

async function store(): Promise<HandoverStore> {
	return await getStore({ kind: 'embedded', filePath: storeFile });
}

/** The error a promise rejects with, so a test can check its class and message together. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected the node to fail, it succeeded');
}

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'handover-assign-'));
	storeFile = join(dir, 'store.sqlite');

	highLevel = new HighLevelFake({ token: HL_TOKEN, locationId: LOCATION });
	highLevel.addUser({ id: 'u-ana', name: 'Ana Pereira', email: 'ana@example.com' });
	highLevel.addUser({ id: 'u-bo', name: 'Bo Chen' });
	highLevel.addUser({ id: 'u-cy', name: 'Cy Diaz' });
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima' });
	highLevel.addContact({ id: 'contact-2', name: 'Rui Costa' });

	chatwoot = new ChatwootFake({ accountId: ACCOUNT, token: CW_TOKEN });
	chatwoot.addAgent({ id: 3, name: 'Ana García', email: 'ana@example.com' });
	chatwoot.addAgent({ id: 4, name: 'Luis', availability_status: 'busy' });
	chatwoot.addAgent({ id: 5, name: 'Zoe', availability_status: 'offline' });
	chatwoot.addTeam({ id: 20, name: 'Sales', memberIds: [3, 5] });
	chatwoot.addTeam({ id: 21, name: 'Billing', memberIds: [4] });
	chatwoot.addConversation({ id: 42, status: 'pending' });
	chatwoot.addConversation({ id: 43, status: 'pending' });

	await Promise.all([highLevel.start(), chatwoot.start()]);
});

afterEach(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop()]);
	// getStore caches one store per file; the file is unique to this test, so close it for good.
	await (await store()).close();
	rmSync(dir, { recursive: true, force: true });
});

describe('Handover Assign on HighLevel', () => {
	it('with defaults only, assigns the first user by round robin and passes the event on', async () => {
		const event = handoverEvent();

		const output = await run('highlevel', {}, { items: [event], keepHandoverIds: true });

		expect(output).toEqual([
			{
				json: {
					...event,
					actions: {
						assign: {
							platform: 'highlevel',
							contactId: 'contact-1',
							userId: 'u-ana',
							userName: 'Ana Pereira',
							strategy: 'roundRobin',
							tried: [],
							available: true,
						},
					},
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(highLevel.callsTo('PUT', /^\/contacts\/contact-1$/).map((call) => call.body)).toEqual([
			{ assignedTo: 'u-ana' },
		]);
		expect(highLevel.contact('contact-1')?.assignedTo).toBe('u-ana');
		expect(await (await store()).getLoads([`highlevel:${LOCATION}:u-ana`])).toEqual({
			[`highlevel:${LOCATION}:u-ana`]: 1,
		});
	});

	it('takes turns across items and across executions', async () => {
		const items = [handoverEvent(), handoverEvent({ contactId: 'contact-2' })];

		const first = await run('highlevel', {}, { items });
		const second = await run('highlevel', {}, { items });

		expect([...first, ...second].map((item) => assignOf(item).userId)).toEqual([
			'u-ana',
			'u-bo',
			'u-cy',
			'u-ana',
		]);
		expect(first.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(highLevel.contact('contact-2')?.assignedTo).toBe('u-ana');
	});

	it('takes turns among chosen users only, skipping one no longer in the sub-account', async () => {
		const chosenUsers = ['u-cy', 'u-gone', 'u-ana'];

		const picks = [];
		for (let call = 0; call < 3; call++) {
			const [item] = await run('highlevel', { candidates: 'chosenUsers', chosenUsers });
			picks.push(assignOf(item).userId);
		}

		expect(picks).toEqual(['u-cy', 'u-ana', 'u-ana']);
		expect(highLevel.callsTo('PUT', /./).map((call) => call.body)).not.toContainEqual({
			assignedTo: 'u-gone',
		});
	});

	it('with least busy, picks the lowest load and lets ties take turns', async () => {
		const loads = await store();
		await loads.adjustLoad(`highlevel:${LOCATION}:u-ana`, 1);
		await loads.adjustLoad(`highlevel:${LOCATION}:u-bo`, 1);

		const [first] = await run('highlevel', { strategy: 'leastBusy' });
		// Now all three have 1: the turn has moved on to Bo.
		const [second] = await run('highlevel', { strategy: 'leastBusy' });

		expect(assignOf(first)).toEqual(
			expect.objectContaining({ userId: 'u-cy', strategy: 'leastBusy' }),
		);
		expect(assignOf(second).userId).toBe('u-bo');
		expect(
			await loads.getLoads([`highlevel:${LOCATION}:u-bo`, `highlevel:${LOCATION}:u-cy`]),
		).toEqual({ [`highlevel:${LOCATION}:u-bo`]: 2, [`highlevel:${LOCATION}:u-cy`]: 1 });
	});

	it('assigns a specific user without listing anyone', async () => {
		const [item] = await run('highlevel', { mode: 'specificUser', userId: 'u-bo' });

		expect(assignOf(item)).toEqual(
			expect.objectContaining({
				userId: 'u-bo',
				userName: 'Bo Chen',
				strategy: 'specificUser',
				tried: [],
			}),
		);
		expect(highLevel.requests.map((call) => `${call.method} ${call.path}`)).toEqual([
			'PUT /contacts/contact-1',
			'GET /users/u-bo',
		]);
	});

	it('hands over to the next available user when the chosen one is deleted', async () => {
		highLevel.deactivateUser('u-ana');

		const [item] = await run('highlevel', { mode: 'specificUser', userId: 'u-ana' });

		expect(assignOf(item)).toEqual(
			expect.objectContaining({ userId: 'u-bo', userName: 'Bo Chen', strategy: 'roundRobin' }),
		);
		expect(assignOf(item).tried).toEqual([
			{
				userId: 'u-ana',
				userName: 'Ana Pereira',
				error: expect.stringContaining('assignedTo: u-ana is not an active user of this location'),
			},
		]);
		expect(highLevel.contact('contact-1')?.assignedTo).toBe('u-bo');
	});

	it('tries the next candidate when HighLevel refuses one, and records the refusal', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 422, 1);

		const [item] = await run('highlevel');

		expect(assignOf(item).userId).toBe('u-bo');
		expect(assignOf(item).tried).toEqual([
			{
				userId: 'u-ana',
				userName: 'Ana Pereira',
				error: 'HighLevel refused the request as invalid (HighLevel: injected failure 422)',
			},
		]);
	});

	it('stops at a user still rate-limited after the retries instead of walking everyone', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 429, 4, { 'Retry-After': '0' });

		const error = await failureOf(run('highlevel'));

		expect(error.message).toContain('HighLevel rate limit still exceeded after retries');
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(4);
	});

	it('a re-run of the same handover gets the first assignee back, without moving or counting again', async () => {
		const items = [handoverEvent()];
		const [first] = await run('highlevel', {}, { items, keepHandoverIds: true });
		const [again] = await run('highlevel', {}, { items, keepHandoverIds: true });

		expect(assignOf(again)).toEqual(assignOf(first));
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(1);
		const loads = await (await store()).getLoads([`highlevel:${highLevel.locationId}:u-ana`]);
		expect(Object.values(loads)).toEqual([1]);
		// The conversation remembers whose load it is, for when it is resolved.
		const memory = await (
			await store()
		).getConversation(conversationKey('highlevel', 'loc-1', 'conv-1'));
		expect(memory?.assignee).toBe(`highlevel:${highLevel.locationId}:u-ana`);
	});

	it('fails naming everyone tried and what to check when nobody can be assigned', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 422, 3);

		const error = await failureOf(run('highlevel'));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'No one could be assigned: tried ' +
				['Ana Pereira', 'Bo Chen', 'Cy Diaz']
					.map(
						(name) =>
							`${name} (HighLevel refused the request as invalid (HighLevel: injected failure 422))`,
					)
					.join(', '),
		);
		expect((error as NodeOperationError).description).toContain(
			'Check that the users are active in HighLevel',
		);
		expect(highLevel.contact('contact-1')?.assignedTo).toBeUndefined();
	});

	it('does not try others when Fall Back to Others is off', async () => {
		highLevel.deactivateUser('u-cy');

		const error = await failureOf(
			run('highlevel', { mode: 'specificUser', userId: 'u-cy', fallbackToOthers: false }),
		);

		expect(error.message).toMatch(/^No one could be assigned: tried u-cy \(.*not an active user/);
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(1);
		expect(highLevel.callsTo('GET', /^\/users\/$/)).toHaveLength(0);
	});

	it('stops at a 401 on an assignment: the credential fails for everyone', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 401, 1);

		const error = await failureOf(run('highlevel'));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(
			'HighLevel rejected the credentials: check the Private Integration token',
		);
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(1);
	});

	it('stops with a wrong token before assigning anyone', async () => {
		const error = await failureOf(run('highlevel', {}, { token: 'wrong' }));

		expect(error.message).toContain('HighLevel rejected the credentials');
		expect(highLevel.requests.map((call) => call.path)).toEqual(['/users/']);
	});

	it('says to check the Contact ID when the contact does not exist, without trying others', async () => {
		const error = await failureOf(
			run('highlevel', {}, { items: [handoverEvent({ contactId: 'no-such-contact' })] }),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'HighLevel says the contact does not exist in this sub-account: check Contact ID (HighLevel: Contact not found)',
		);
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(1);
	});

	it('waits out a 429 and assigns the same user', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 429, 1, { 'Retry-After': '0' });

		const [item] = await run('highlevel');

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: 'u-ana', tried: [] }));
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(2);
	});

	it('retries a 500 and assigns the same user', async () => {
		highLevel.failNext(/^\/contacts\/contact-1$/, 500, 1);

		const [item] = await run('highlevel');

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: 'u-ana', tried: [] }));
		expect(highLevel.callsTo('PUT', /./)).toHaveLength(2);
	});

	it('with Continue On Fail, passes a failed item on with its error, paired', async () => {
		const items = [handoverEvent({ contactId: 'no-such-contact' }), handoverEvent()];

		const output = await run('highlevel', {}, { items, continueOnFail: true });

		expect(output).toHaveLength(2);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json.error).toContain('check Contact ID');
		expect(assignOf(output[0])).toEqual({ error: output[0].json.error });
		expect(output[1].pairedItem).toEqual({ item: 1 });
		// The failed item had already taken Ana's turn.
		expect(assignOf(output[1]).userId).toBe('u-bo');
	});
});

describe('Handover Assign on Chatwoot', () => {
	it('with defaults only, assigns the first agent and passes the event on', async () => {
		const event = chatwootEvent();

		const output = await run('chatwoot', {}, { items: [event], keepHandoverIds: true });

		expect(output).toEqual([
			{
				json: {
					...event,
					actions: {
						assign: {
							platform: 'chatwoot',
							conversationId: '42',
							userId: '3',
							userName: 'Ana García',
							strategy: 'roundRobin',
							tried: [],
							available: true,
						},
					},
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(chatwoot.callsTo('POST', /\/assignments$/).map((call) => call.body)).toEqual([
			{ assignee_id: 3 },
		]);
		expect(chatwoot.conversation(42).assignee_id).toBe(3);
	});

	it('takes turns and skips offline agents', async () => {
		const picks = [];
		for (let call = 0; call < 3; call++) {
			const [item] = await run('chatwoot');
			picks.push(assignOf(item).userId);
		}

		// The turn goes 3, 4, 5; Zoe (5) is offline, so her turn passes to the next, Ana.
		expect(picks).toEqual(['3', '4', '3']);
	});

	it('includes offline agents when Only Available Agents is off', async () => {
		const picks = [];
		for (let call = 0; call < 3; call++) {
			const [item] = await run('chatwoot', { options: { onlyAvailable: false } });
			picks.push(assignOf(item).userId);
		}

		expect(picks).toEqual(['3', '4', '5']);
	});

	it('assigns among the members of a team', async () => {
		const picks = [];
		for (let call = 0; call < 2; call++) {
			const [item] = await run('chatwoot', { candidates: 'team', teamId: '21' });
			picks.push(assignOf(item).userId);
		}

		expect(picks).toEqual(['4', '4']);
		expect(chatwoot.callsTo('GET', /\/teams\/21\/team_members$/)).toHaveLength(2);
		expect(chatwoot.callsTo('GET', /\/agents$/)).toHaveLength(0);
	});

	it('when no team member is online, assigns whom it would have chosen and says available: false', async () => {
		chatwoot.agent(3)!.availability_status = 'offline';

		const [item] = await run('chatwoot', { candidates: 'team', teamId: '20' });

		expect(assignOf(item)).toMatchObject({
			userId: '3',
			userName: 'Ana García',
			available: false,
			unavailableReason: 'no_agent_online',
		});
		expect(assignOf(item)).not.toHaveProperty('nextOpening');
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(1);
	});

	it('outside business hours, assigns whom it would have chosen and gives the next opening', async () => {
		// Open all of tomorrow (UTC) and never today: closed now, next opening tomorrow 00:00 UTC.
		const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
		const tomorrow = new Date(Date.now() + 86_400_000);
		const [item] = await run('chatwoot', {
			options: {
				timeZone: 'UTC',
				businessHours: {
					hours: [{ days: days[tomorrow.getUTCDay()], from: '00:00', to: '24:00' }],
				},
			},
		});

		const opening = new Date(
			Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate()),
		);
		expect(assignOf(item)).toMatchObject({
			userId: '3',
			available: false,
			unavailableReason: 'outside_business_hours',
			nextOpening: opening.toISOString(),
			nextOpeningText: `${days[tomorrow.getUTCDay()].replace(/^./, (c) => c.toUpperCase())} 00:00`,
		});
		// Presence says nothing out of hours: offline Zoe keeps her turn in the rotation.
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(1);
	});

	it('refuses Business Hours it cannot read, naming the option and the item', async () => {
		const error = await failureOf(
			run('chatwoot', {
				options: { businessHours: { hours: [{ days: 'weekdays', from: '9', to: '17:00' }] } },
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Business Hours cannot be read');
		expect((error as NodeOperationError).description).toContain('write it as 09:00 and 17:30');
		expect(chatwoot.requests).toHaveLength(0);
	});

	it('with least busy, picks the agent with the fewest open handovers', async () => {
		await (await store()).adjustLoad(`chatwoot:${ACCOUNT}:3`, 2);

		const [item] = await run('chatwoot', { strategy: 'leastBusy' });

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: '4', strategy: 'leastBusy' }));
	});

	it('assigns a specific agent with one call, named from the answer', async () => {
		const [item] = await run('chatwoot', { mode: 'specificUser', userId: '5' });

		expect(assignOf(item)).toEqual(
			expect.objectContaining({
				userId: '5',
				userName: 'Zoe',
				strategy: 'specificUser',
				tried: [],
			}),
		);
		expect(chatwoot.requests).toHaveLength(1);
	});

	it('hands over to the next agent when the chosen one was removed from the account', async () => {
		chatwoot.deactivateAgent(3);

		const [item] = await run('chatwoot', { mode: 'specificUser', userId: '3' });

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: '4', userName: 'Luis' }));
		expect(assignOf(item).tried).toEqual([
			{
				userId: '3',
				userName: '3',
				error:
					'Chatwoot left conversation 42 unassigned because account 7 has no agent 3: check the Agent ID (the agent may have been removed from the account)',
			},
		]);
		expect(chatwoot.conversation(42).assignee_id).toBe(4);
	});

	it('fails naming everyone tried, and who was skipped, when nobody can be assigned', async () => {
		chatwoot.failNext(/\/assignments$/, 422, 2);

		const error = await failureOf(run('chatwoot'));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'No one could be assigned: tried Ana García (Chatwoot refused the request as invalid (Chatwoot: Unprocessable Entity)), Luis (Chatwoot refused the request as invalid (Chatwoot: Unprocessable Entity))',
		);
		expect((error as NodeOperationError).description).toContain('Skipped: Zoe (offline).');
	});

	it('stops with a rejected token before assigning anyone', async () => {
		const error = await failureOf(run('chatwoot', {}, { token: 'wrong' }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Chatwoot rejected the credentials: check the Access Token and Account ID in the Chatwoot credential (Chatwoot: Invalid Access Token)',
		);
		expect(chatwoot.requests).toHaveLength(1);
	});

	it('stops at a 401 on an assignment instead of trying every agent', async () => {
		chatwoot.failNext(/\/assignments$/, 401, 1);

		const error = await failureOf(run('chatwoot'));

		expect(error.message).toContain('Chatwoot rejected the credentials');
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(1);
	});

	it('says to check the Conversation ID when the conversation does not exist', async () => {
		const error = await failureOf(
			run('chatwoot', {}, { items: [chatwootEvent({ conversationId: '999' })] }),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain(
			'Chatwoot says conversation 999 does not exist in account 7: check the Conversation ID',
		);
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(1);
	});

	it('refuses a conversation ID that is not a number before calling Chatwoot', async () => {
		const error = await failureOf(
			run('chatwoot', {}, { items: [chatwootEvent({ conversationId: 'conv-1' })] }),
		);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Conversation ID is not a Chatwoot conversation number');
		expect(chatwoot.requests).toHaveLength(0);
	});

	it('waits out a 429 and assigns the same agent', async () => {
		chatwoot.failNext(/\/assignments$/, 429, 1, { 'Retry-After': '0' });

		const [item] = await run('chatwoot');

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: '3', tried: [] }));
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(2);
	});

	it('retries a 500 on the assignment, which is safe to repeat', async () => {
		chatwoot.failNext(/\/assignments$/, 500, 1);

		const [item] = await run('chatwoot');

		expect(assignOf(item)).toEqual(expect.objectContaining({ userId: '3', tried: [] }));
		expect(chatwoot.callsTo('POST', /\/assignments$/)).toHaveLength(2);
	});

	it('with Continue On Fail, passes the failed item on and assigns the next', async () => {
		const items = [
			chatwootEvent({ conversationId: '999' }),
			chatwootEvent({ conversationId: '43' }),
		];

		const output = await run('chatwoot', {}, { items, continueOnFail: true });

		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.error).toContain('check the Conversation ID');
		expect(assignOf(output[1])).toEqual(expect.objectContaining({ conversationId: '43' }));
		expect(chatwoot.conversation(43).assignee_id).not.toBeNull();
	});
});

describe('Handover Assign parameters as n8n shows them', () => {
	const shown = (values: INodeParameters) => Object.keys(shownParameters(node.description, values));

	it('asks how to choose among others in auto mode and for the fallback, not without fallback', () => {
		expect(shown({})).toEqual(expect.arrayContaining(['mode', 'strategy', 'candidates']));
		expect(shown({})).not.toContain('userId');
		expect(shown({ mode: 'specificUser' })).toEqual(
			expect.arrayContaining(['userId', 'fallbackToOthers', 'strategy', 'candidates']),
		);
		expect(shown({ mode: 'specificUser', fallbackToOthers: false })).not.toContain('strategy');
		expect(
			shown({ mode: 'specificUser', fallbackToOthers: false, candidates: 'chosenUsers' }),
		).not.toContain('candidates');
	});

	it('offers a team on Chatwoot only', () => {
		expect(shown({ platform: 'chatwoot', candidates: 'team' })).toEqual(
			expect.arrayContaining(['teamId', 'conversationId']),
		);
		expect(shown({ platform: 'highlevel', candidates: 'team' })).not.toContain('teamId');
	});
});

describe('Handover Assign dropdowns', () => {
	function loadContext(platform: string): ILoadOptionsFunctions {
		const context = transportContext({
			credentials: {
				highLevelPrivateIntegrationApi: {
					accessToken: HL_TOKEN,
					locationId: LOCATION,
					baseUrl: highLevel.baseUrl,
				},
				chatwootApi: {
					baseUrl: chatwoot.baseUrl,
					accountId: String(ACCOUNT),
					apiAccessToken: CW_TOKEN,
				},
			},
		}) as unknown as DeepMockProxy<ILoadOptionsFunctions>;
		context.getCurrentNodeParameter.mockImplementation((name) =>
			name === 'platform' ? platform : undefined,
		);
		return context;
	}

	it('lists HighLevel users by name with their email, leaving deleted users out', async () => {
		highLevel.deactivateUser('u-bo');

		const options = await node.methods.loadOptions.getUsers.call(loadContext('highlevel'));

		expect(options).toEqual([
			{ name: 'Ana Pereira', value: 'u-ana', description: 'ana@example.com' },
			{ name: 'Cy Diaz', value: 'u-cy', description: 'u-cy@example.com' },
		]);
	});

	it('lists Chatwoot agents with email and availability', async () => {
		const options = await node.methods.loadOptions.getUsers.call(loadContext('chatwoot'));

		expect(options).toEqual([
			{ name: 'Ana García', value: '3', description: 'ana@example.com · online' },
			{ name: 'Luis', value: '4', description: 'luis@example.com · busy' },
			{ name: 'Zoe', value: '5', description: 'zoe@example.com · offline' },
		]);
	});

	it('lists Chatwoot teams, and none for HighLevel', async () => {
		expect(await node.methods.loadOptions.getTeams.call(loadContext('chatwoot'))).toEqual([
			{ name: 'Billing', value: '21', description: 'Team 21' },
			{ name: 'Sales', value: '20', description: 'Team 20' },
		]);
		expect(await node.methods.loadOptions.getTeams.call(loadContext('highlevel'))).toEqual([]);
	});
});
