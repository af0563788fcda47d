/**
 * The Redis password never reaches what a user, a log or an execution shows: an action whose
 * State Store is Redis with a refused password fails saying why, without the password.
 */
import { inspect } from 'node:util';

import { Redis } from 'ioredis';
import { NodeOperationError } from 'n8n-workflow';

import { HandoverSendMessage } from '../../nodes/HandoverSendMessage/HandoverSendMessage.node';
import { getStore, type StoreSettings } from '../../nodes/shared/storeProvider';
import { HighLevelFake } from '../fakes/highlevel/HighLevelFake';
import {
	HIGHLEVEL_LOCATION,
	defaultParameters,
	failureOf,
	highLevelCredentials,
	highLevelEvent,
	runNode,
} from '../helpers/actionNodes';
import { startRedisServer, type RedisServer } from '../store/redisServer';

const PASSWORD = 'correct-horse-battery-staple';
const WRONG = `not-${PASSWORD}`;

let server: RedisServer;
let highLevel: HighLevelFake;

beforeAll(async () => {
	server = await startRedisServer();
	const admin = new Redis(server.url);
	await admin.config('SET', 'requirepass', PASSWORD);
	admin.disconnect();
	highLevel = new HighLevelFake({ locationId: HIGHLEVEL_LOCATION });
	await highLevel.start();
	highLevel.addContact({ id: 'contact-1', name: 'Ana Lima', phone: '+15550001111' });
}, 30_000);

afterAll(async () => {
	// The store the node opened (one per server and password in the process).
	const settings: StoreSettings = {
		kind: 'redis',
		host: '127.0.0.1',
		port: server.port,
		password: WRONG,
		db: 0,
	};
	await (await getStore(settings)).close();
	await highLevel?.stop();
	await server?.stop();
});

/** Everything the editor, the execution data or a log line could show of the error. */
const shown = (error: unknown) =>
	[inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join('\n');

it('an action with a refused Redis password fails without the password in its error', async () => {
	const node = new HandoverSendMessage();
	const error = await failureOf(
		runNode(node, {
			items: [highLevelEvent()],
			parameters: defaultParameters(node, { platform: 'highlevel', stateStore: 'redis' }),
			credentials: {
				...highLevelCredentials(highLevel),
				redis: { host: '127.0.0.1', port: server.port, password: WRONG, database: 0 },
			},
		}),
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(shown(error)).toMatch(/WRONGPASS|NOAUTH/);
	expect(shown(error)).not.toContain(PASSWORD);
	expect(shown((error as NodeOperationError).cause)).not.toContain(PASSWORD);
	// Nothing was sent: the once-per-handover key could not be claimed.
	expect(highLevel.messages).toHaveLength(0);
}, 30_000);
