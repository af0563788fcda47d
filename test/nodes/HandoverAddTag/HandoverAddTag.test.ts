/**
 * Handover Add Tag run as n8n runs it against the HighLevel and Chatwoot contract fakes: tags are
 * added and the contact's or conversation's existing ones stay.
 */
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';

import { HandoverAddTag } from '../../../nodes/HandoverAddTag/HandoverAddTag.node';
import { ChatwootFake } from '../../fakes/chatwoot/ChatwootFake';
import { HighLevelFake } from '../../fakes/highlevel/HighLevelFake';
import type { ParameterValue } from '../../helpers/nodeContext';
import {
	CHATWOOT_ACCOUNT,
	CHATWOOT_CONVERSATION,
	HIGHLEVEL_LOCATION,
	chatwootCredentials,
	chatwootEvent,
	defaultParameters,
	failureOf,
	highLevelCredentials,
	highLevelEvent,
	runNode,
	type RunOptions,
} from '../../helpers/actionNodes';

const node = new HandoverAddTag();
const TAGS = /^\/contacts\/[^/]+\/tags$/;
const LABELS = /\/conversations\/\d+\/labels$/;

let highLevel: HighLevelFake;
let chatwoot: ChatwootFake;

beforeAll(async () => {
	highLevel = new HighLevelFake({ locationId: HIGHLEVEL_LOCATION, rateLimit: { max: 10_000 } });
	chatwoot = new ChatwootFake({ accountId: CHATWOOT_ACCOUNT });
	await Promise.all([highLevel.start(), chatwoot.start()]);
	chatwoot.addAccountLabels('human_handover', 'vip');
});

afterAll(async () => {
	await Promise.all([highLevel.stop(), chatwoot.stop()]);
});

beforeEach(() => {
	highLevel.requests.splice(0);
	chatwoot.requests.splice(0);
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima', tags: ['lead'] });
	chatwoot.addConversation({ id: CHATWOOT_CONVERSATION, labels: ['billing'] });
});

type More = Partial<RunOptions> & { overrides?: Record<string, ParameterValue> };

const runHighLevel = async (items: IDataObject[] = [highLevelEvent()], more: More = {}) =>
	await runNode(node, {
		items,
		parameters: defaultParameters(node, { platform: 'highlevel', ...more.overrides }),
		credentials: highLevelCredentials(highLevel),
		...more,
	});

const runChatwoot = async (items: IDataObject[] = [chatwootEvent()], more: More = {}) =>
	await runNode(node, {
		items,
		parameters: defaultParameters(node, { platform: 'chatwoot', ...more.overrides }),
		credentials: chatwootCredentials(chatwoot),
		...more,
	});

const tagOf = (item: { json: IDataObject }) => (item.json.actions as { tag: IDataObject }).tag;

describe('Handover Add Tag on HighLevel', () => {
	it('adds human_handover by default, keeps the existing tags and passes the event on', async () => {
		const event = highLevelEvent({ actions: { assign: { userId: 'u_ada' } } });
		const [output] = await runHighLevel([event]);

		const [request] = highLevel.callsTo('POST', TAGS);
		expect(request.path).toBe('/contacts/contact-1/tags');
		expect(request.headers.version).toBe('2021-07-28');
		expect(request.body).toEqual({ tags: ['human_handover'] });
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead', 'human_handover']);
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				assign: { userId: 'u_ada' },
				tag: {
					platform: 'highlevel',
					contactId: 'contact-1',
					added: ['human_handover'],
					tags: ['lead', 'human_handover'],
				},
			},
		});
	});

	it("works with n8n's HighLevel OAuth2 credential: its token, and the location it was granted for", async () => {
		const oAuth2 = {
			highLevelOAuth2Api: {
				// n8n keeps the token and HighLevel's answer (which names the location) in oauthTokenData.
				oauthTokenData: { access_token: highLevel.token, locationId: highLevel.locationId },
				baseUrl: highLevel.baseUrl,
			},
		};
		const [output] = await runHighLevel([highLevelEvent()], {
			overrides: { authentication: 'oAuth2' },
			credentials: oAuth2,
		});
		expect(tagOf(output)).toMatchObject({ contactId: 'contact-1', added: ['human_handover'] });
		expect(highLevel.callsTo('POST', TAGS)[0].headers.authorization).toBe(
			`Bearer ${highLevel.token}`,
		);

		const error = await failureOf(
			runHighLevel([highLevelEvent()], {
				overrides: { authentication: 'oAuth2' },
				credentials: { highLevelOAuth2Api: { oauthTokenData: { access_token: 't' } } },
			}),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The HighLevel credential names no location');
	});

	it('adds a comma-separated list once each', async () => {
		await runHighLevel(undefined, { overrides: { tags: 'vip, callback,vip' } });
		expect(highLevel.callsTo('POST', TAGS)[0].body).toEqual({ tags: ['vip', 'callback'] });
	});

	it('refuses an empty Tags before calling HighLevel', async () => {
		const error = await failureOf(runHighLevel(undefined, { overrides: { tags: ' , ' } }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Tags is empty');
		expect(highLevel.requests).toHaveLength(0);
	});

	it('on 401 says to check the credential', async () => {
		const error = await failureOf(
			runHighLevel(undefined, { credentials: highLevelCredentials(highLevel, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/HighLevel rejected the credentials: check the Private Integration token/,
		);
	});

	it('on 404 says to check Contact ID', async () => {
		const error = await failureOf(runHighLevel([highLevelEvent({ contactId: 'nobody' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/contact does not exist in this sub-account: check Contact ID/);
	});

	it('waits out a 429 (Retry-After: 1), then tags', async () => {
		highLevel.failNext(TAGS, 429, 1, { 'Retry-After': '1' });
		const started = Date.now();
		await runHighLevel();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(highLevel.callsTo('POST', TAGS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tags).toContain('human_handover');
	});

	it('retries a 500 (adding a tag twice changes nothing), then tags', async () => {
		highLevel.failNext(TAGS, 500);
		await runHighLevel();
		expect(highLevel.callsTo('POST', TAGS)).toHaveLength(2);
		expect(highLevel.contact('contact-1')!.tags).toEqual(['lead', 'human_handover']);
	});

	it('with Continue On Fail passes a failed item on with its error and pairing', async () => {
		const output = await runHighLevel([highLevelEvent(), highLevelEvent({ contactId: 'nobody' })], {
			continueOnFail: true,
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(tagOf(output[0])).toMatchObject({ added: ['human_handover'] });
		expect(output[1].json.error).toMatch(/check Contact ID/);
		expect(tagOf(output[1])).toEqual({ error: output[1].json.error });
	});
});

describe('Handover Add Tag on Chatwoot (conversation labels)', () => {
	const labels = () => chatwoot.conversation(CHATWOOT_CONVERSATION).labels;

	it('merges human_handover into the existing labels', async () => {
		const event = chatwootEvent();
		const [output] = await runChatwoot([event]);

		expect(chatwoot.callsTo('GET', LABELS)).toHaveLength(1);
		const [post] = chatwoot.callsTo('POST', LABELS);
		expect(post.path).toBe(`/api/v1/accounts/3/conversations/${CHATWOOT_CONVERSATION}/labels`);
		expect(post.body).toEqual({ labels: ['billing', 'human_handover'] });
		expect(labels()).toEqual(['billing', 'human_handover']);
		expect(output.pairedItem).toEqual({ item: 0 });
		expect(output.json).toEqual({
			...event,
			actions: {
				tag: {
					platform: 'chatwoot',
					conversationId: String(CHATWOOT_CONVERSATION),
					added: ['human_handover'],
					tags: ['billing', 'human_handover'],
				},
			},
		});
	});

	it('on 401 says to check the Access Token', async () => {
		const error = await failureOf(
			runChatwoot(undefined, { credentials: chatwootCredentials(chatwoot, 'wrong') }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/Chatwoot rejected the credentials: check the Access Token/);
		expect(labels()).toEqual(['billing']);
	});

	it('on 404 says to check the Conversation ID', async () => {
		const error = await failureOf(runChatwoot([chatwootEvent({ conversationId: '999' })]));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/conversation 999 does not exist .*check the Conversation ID/);
	});

	it('waits out a 429 (Retry-After: 1), then merges', async () => {
		chatwoot.failNext(LABELS, 429, 1, { 'Retry-After': '1' });
		await runChatwoot();
		expect(chatwoot.callsTo('GET', LABELS)).toHaveLength(2);
		expect(labels()).toEqual(['billing', 'human_handover']);
	});

	it('retries a 500 on reading the labels (a GET), then merges', async () => {
		chatwoot.failNext(LABELS, 500);
		await runChatwoot();
		expect(chatwoot.callsTo('GET', LABELS)).toHaveLength(2);
		expect(chatwoot.callsTo('POST', LABELS)).toHaveLength(1);
		expect(labels()).toEqual(['billing', 'human_handover']);
	});

	it('with Continue On Fail passes a failed item on with its error and pairing', async () => {
		const output = await runChatwoot([chatwootEvent(), chatwootEvent({ conversationId: '999' })], {
			continueOnFail: true,
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(tagOf(output[0])).toMatchObject({ added: ['human_handover'] });
		expect(output[1].json.error).toMatch(/check the Conversation ID/);
	});
});
